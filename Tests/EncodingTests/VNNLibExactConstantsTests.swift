import Foundation
import Network
import XCTest
@testable import Encoding
import Support

/// VNN-LIB constants are exact rationals: numerals, sums, products, negations and constant
/// comparisons are folded exactly, and rounding happens once, outward (the input box and the
/// unsafe output set only grow). Expected values come from `VNNLibExactOracle` (glibc's exact
/// `printf` and Foundation's `Decimal`) or from hand derivations in the comments; each test
/// names the Double folding it would catch.
final class VNNLibExactConstantsTests: XCTestCase {
    typealias Oracle = VNNLibExactOracle

    /// The single box of a one-input, one-output property.
    private func box(_ body: String) throws -> (lower: Double, upper: Double) {
        let regions = try VNNLibParser.parse(text: vnnlibText(inputs: 1, outputs: 1, body)).inputRegions()
        XCTAssertEqual(regions.count, 1)
        return (regions[0].lower[0], regions[0].upper[0])
    }

    /// `lower` is the largest Double <= `exactLower`, `upper` the smallest >= `exactUpper`.
    private func assertOutwardAndTight(
        _ bounds: (lower: Double, upper: Double), _ exactLower: String, _ exactUpper: String,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertLessThanOrEqual(Oracle.compare(bounds.lower, exactLower), 0, "lower above \(exactLower)", file: file, line: line)
        XCTAssertGreaterThan(Oracle.compare(bounds.lower.nextUp, exactLower), 0, "lower not tight", file: file, line: line)
        XCTAssertGreaterThanOrEqual(Oracle.compare(bounds.upper, exactUpper), 0, "upper below \(exactUpper)", file: file, line: line)
        XCTAssertLessThan(Oracle.compare(bounds.upper.nextDown, exactUpper), 0, "upper not tight", file: file, line: line)
    }

    // MARK: Numerals

    /// 0.1 is 1/10; the Double 0.1 lies above it (0.1000000000000000055…), so the upper bound
    /// stays 0.1 and the lower bound -0.1 (below -1/10); the lower bound 0.1 becomes the
    /// Double below. Rounding to nearest would put the lower bound 0.1 above the exact set.
    func testDecimalNumeralsThatAreNotDoublesRoundOutward() throws {
        let symmetric = try box("(assert (>= X_0 -0.1)) (assert (<= X_0 0.1))")
        XCTAssertEqual(symmetric.lower, -0.1)
        XCTAssertEqual(symmetric.upper, 0.1)
        assertOutwardAndTight(symmetric, "-0.1", "0.1")
        let above = try box("(assert (>= X_0 0.1)) (assert (<= X_0 0.3))")
        XCTAssertEqual(above.lower, 0.09999999999999999)
        XCTAssertEqual(above.upper, 0.30000000000000004)  // the Double 0.3 is 0.29999999999999998889…
        assertOutwardAndTight(above, "0.1", "0.3")
    }

    /// Random decimals with 1-17 significant digits as bounds: the box contains the exact
    /// interval and is the smallest Double box that does.
    func testRandomDecimalBoundsRoundOutwardAndTight() throws {
        var rng = SplitMix64(seed: 15_002)
        for _ in 0..<300 {
            let a = Self.randomDecimal(using: &rng), b = Self.randomDecimal(using: &rng)
            let (low, high) = Decimal(string: a)! <= Decimal(string: b)! ? (a, b) : (b, a)
            let bounds = try box("(assert (>= X_0 \(low))) (assert (<= X_0 \(high)))")
            assertOutwardAndTight(bounds, low, high)
        }
    }

    /// Scientific notation is exact too: 1e-1 = 1/10, 3E-1 = 3/10, 25e-2 = 1/4.
    func testScientificNotationIsExact() throws {
        XCTAssertEqual(try box("(assert (>= X_0 1e-1)) (assert (<= X_0 3E-1))").upper, 0.30000000000000004)
        XCTAssertEqual(try box("(assert (>= X_0 1e-1)) (assert (<= X_0 3E-1))").lower, 0.09999999999999999)
        XCTAssertEqual(try box("(assert (>= X_0 -25e-2)) (assert (<= X_0 2.5E-1))").upper, 0.25)
        assertOutwardAndTight(try box("(assert (>= X_0 1.5e-7)) (assert (<= X_0 7.3e-3))"), "0.00000015", "0.0073")
    }

    // MARK: Folding

    /// The reproduction: X_0 + 0.1 + 0.1 + 0.1 <= 0.5 is X_0 <= 1/5 exactly. Folding
    /// in Double gives 0.5 - 0.30000000000000004 = 0.19999999999999996, a box that leaves out
    /// the valid X_0 = 0.19999999999999998.
    func testSumsOfConstantsFoldExactly() throws {
        let text = "(assert (>= X_0 0)) (assert (<= (+ X_0 0.1 0.1 0.1) 0.5))"
        let property = try VNNLibParser.parse(text: vnnlibText(inputs: 1, outputs: 1, text))
        XCTAssertEqual(
            property.disjuncts[0][1],
            LinearAtom(exactInputCoefficients: [0: .one], exactConstant: ExactRational(fraction: "-1/5")!))
        let bounds = try box(text)
        XCTAssertEqual(bounds.upper, 0.2)  // the Double 0.2 is 0.2000000000000000111… >= 1/5
        XCTAssertLessThanOrEqual(0.19999999999999998, bounds.upper)
        assertOutwardAndTight(bounds, "0", "0.2")
        // What Double folding gives, to show the test can fail:
        XCTAssertEqual(0.5 - (0.1 + 0.1 + 0.1), 0.19999999999999996)
    }

    /// Sums of random decimals on both sides, against `Decimal` arithmetic:
    /// `(<= (+ X_0 a b) (+ c d))` is `X_0 <= c + d - a - b`.
    func testRandomSumsOnBothSidesFoldExactly() throws {
        var rng = SplitMix64(seed: 15_003)
        for _ in 0..<200 {
            let (a, b, c, d) = (Self.randomDecimal(using: &rng), Self.randomDecimal(using: &rng),
                                Self.randomDecimal(using: &rng), Self.randomDecimal(using: &rng))
            let exact = Decimal(string: c)! + Decimal(string: d)! - Decimal(string: a)! - Decimal(string: b)!
            let floor = "-1000000000000000000"  // below every c + d - a - b (magnitudes < 10^17)
            let bounds = try box("(assert (>= X_0 \(floor))) (assert (<= (+ X_0 \(a) \(b)) (+ \(c) \(d))))")
            assertOutwardAndTight(bounds, floor, Oracle.plain(exact))
        }
    }

    /// Constants on both sides and subtraction: (<= (+ X_0 0.1) (+ 0.2 0.1)) and
    /// (>= (- 0.3 X_0) 0.1) are both X_0 <= 1/5 exactly; (- 0.3 0.1 0.1 0.1) is exactly 0
    /// (Double: -2.7755575615628914e-17, an upper bound below the exact 0).
    func testConstantsOnBothSidesAndSubtraction() throws {
        let fifth = LinearAtom(exactInputCoefficients: [0: .one], exactConstant: ExactRational(fraction: "-1/5")!)
        for text in ["(<= (+ X_0 0.1) (+ 0.2 0.1))", "(>= (- 0.3 X_0) 0.1)", "(>= 0.1 (- X_0 0.1))"] {
            let property = try VNNLibParser.parse(text: vnnlibText(inputs: 1, outputs: 1, "(assert \(text))"))
            XCTAssertEqual(property.disjuncts, [[fifth]], text)
        }
        XCTAssertEqual(try box("(assert (>= X_0 -1)) (assert (<= X_0 (- 0.3 0.1 0.1 0.1)))").upper, 0)
        XCTAssertLessThan(0.3 - 0.1 - 0.1 - 0.1, 0)  // the Double folding this replaces
    }

    /// Products: (* 3 0.1 X_0) has the coefficient 3/10 exactly, so (<= (* 3 0.1 X_0) 0.3)
    /// is X_0 <= 1. In Double: 0.30000000000000004 · X_0 <= 0.3 gives 0.9999999999999998 (one
    /// ulp widened: 0.9999999999999999), a box that leaves out X_0 = 1.
    func testProductsByConstantsFoldExactly() throws {
        let unit = try box("(assert (>= X_0 0)) (assert (<= (* 3 0.1 X_0) 0.3))")
        XCTAssertEqual(unit.upper, 1)
        XCTAssertLessThan(0.3 / (3 * 0.1), 1)  // the Double folding this replaces
        // (<= (* 0.1 X_0) 0.03) is X_0 <= 3/10; (* 0.5 (+ X_0 0.1)) <= 0.2 is X_0 <= 3/10.
        assertOutwardAndTight(try box("(assert (>= X_0 0)) (assert (<= (* 0.1 X_0) 0.03))"), "0", "0.3")
        assertOutwardAndTight(try box("(assert (>= X_0 0)) (assert (<= (* 0.5 (+ X_0 0.1)) 0.2))"), "0", "0.3")
        // The exact coefficient survives: (* 0.1 X_0) keeps 1/10.
        let property = try VNNLibParser.parse(text: vnnlibText(inputs: 1, outputs: 1, "(assert (<= (* X_0 0.1) 0.03))"))
        XCTAssertEqual(
            property.disjuncts,
            [[LinearAtom(exactInputCoefficients: [0: ExactRational(fraction: "1/10")!], exactConstant: ExactRational(fraction: "-3/100")!)]])
        // Bounds from a coefficient that is not ±1: -c/a exactly, then outward. 3 X_0 <= 1.
        assertOutwardAndTight(try box("(assert (>= (* 3 X_0) 0.3)) (assert (<= (* 7 X_0) 0.7))"), "0.1", "0.1")
    }

    /// Negation: (- 0.1) and (- X_0) are exact; (<= (- X_0) (- 0.1)) is X_0 >= 1/10.
    func testNegationIsExact() throws {
        let bounds = try box("(assert (<= (- X_0) (- 0.1))) (assert (<= X_0 (- (- 0.3))))")
        assertOutwardAndTight(bounds, "0.1", "0.3")
        XCTAssertEqual(bounds.lower, 0.09999999999999999)
        let negative = try box("(assert (>= X_0 (- 0.3))) (assert (<= X_0 -0.1))")
        assertOutwardAndTight(negative, "-0.3", "-0.1")
        XCTAssertEqual(negative.lower, -0.30000000000000004)
    }

    // MARK: Constant comparisons

    /// Comparisons between constants are decided exactly (oracle: `Decimal`); each case is
    /// decided the other way in Double. `<`/`>` are read as their closure, as every
    /// comparison in the file (`(< 0.3 (+ 0.1 0.2))` is `0.3 <= 0.3`, true).
    func testConstantOnlyComparisonsAreDecidedExactly() throws {
        let cases: [(formula: String, left: String, right: String, op: String)] = [
            ("(<= (+ 0.1 0.2) 0.3)", "0.3", "0.3", "<="),
            ("(>= (+ 0.1 0.2) 0.30000000000000004)", "0.3", "0.30000000000000004", ">="),
            ("(= (* 3 0.1) 0.3)", "0.3", "0.3", "="),
            ("(< 0.3 (+ 0.1 0.2))", "0.3", "0.3", "<="),
            ("(<= (- 1 0.9) 0.1)", "0.1", "0.1", "<="),
        ]
        for (formula, left, right, op) in cases {
            let l = Decimal(string: left)!, r = Decimal(string: right)!
            let truth = op == "<=" ? l <= r : op == ">=" ? l >= r : l == r
            let property = try VNNLibParser.parse(text: vnnlibText(inputs: 1, outputs: 1, "(assert \(formula))"))
            XCTAssertEqual(property.disjuncts, truth ? [[]] : [], formula)
        }
        // In Double each of the first three is decided the other way.
        XCTAssertFalse(0.1 + 0.2 <= 0.3)
        XCTAssertTrue(0.1 + 0.2 >= 0.30000000000000004)
        XCTAssertFalse(3 * 0.1 == 0.3)
        // 1e-400 is not zero (Double("1e-400") is): (<= 1e-400 0) is false, (> 1e-400 0) true.
        XCTAssertEqual(try VNNLibParser.parse(text: vnnlibText(inputs: 1, outputs: 1, "(assert (<= 1e-400 0))")).disjuncts, [])
        XCTAssertEqual(try VNNLibParser.parse(text: vnnlibText(inputs: 1, outputs: 1, "(assert (> 1e-400 0))")).disjuncts, [[]])
        XCTAssertEqual(Double("1e-400"), 0)
        // A false constant comparison removes its disjunct, a true one leaves it unconstrained.
        let mixed = try VNNLibParser.parse(text: vnnlibText(inputs: 1, outputs: 1,
            "(assert (or (and (<= (+ 0.1 0.2) 0.3) (<= Y_0 1)) (and (>= (+ 0.1 0.2) 0.30000000000000004) (<= Y_0 2))))"))
        XCTAssertEqual(mixed.disjuncts, [[LinearAtom(outputCoefficients: [0: 1], constant: -1)]])
    }

    // MARK: Output constraints

    /// (>= Y_0 0.1) is -Y_0 + 1/10 <= 0; its Double form lowers the constant to the Double
    /// below 1/10, so every y with y >= 1/10 satisfies it (the unsafe set grows). (<= Y_0 0.1)
    /// is Y_0 - 1/10 <= 0 and -0.1 (= -0.1000000000000000055…) is already below -1/10.
    func testOutputConstantsRoundDownSoTheUnsafeSetGrows() throws {
        let property = try VNNLibParser.parse(text: vnnlibText(inputs: 1, outputs: 2,
            "(assert (>= X_0 0)) (assert (<= X_0 1)) (assert (>= Y_0 0.1)) (assert (<= Y_1 0.1))"))
        let atoms = try property.inputRegions()[0].outputConstraints.map { try property.enlargedOutputAtom($0) }
        XCTAssertEqual(atoms, [OutputAtom(coefficients: [-1, 0], constant: 0.09999999999999999),
                               OutputAtom(coefficients: [0, 1], constant: -0.1)])
        XCTAssertLessThanOrEqual(Oracle.compare(atoms[0].constant, "0.1"), 0)
        XCTAssertGreaterThan(Oracle.compare(atoms[0].constant.nextUp, "0.1"), 0)
        XCTAssertLessThanOrEqual(Oracle.compare(atoms[1].constant, "-0.1"), 0)
        XCTAssertGreaterThan(Oracle.compare(atoms[1].constant.nextUp, "-0.1"), 0)
    }

    /// Random decimal thresholds (>= Y_0 t): every Double y >= t (exactly, by the printf
    /// oracle) satisfies the Double atom in exact arithmetic, and the atom's constant is the
    /// largest Double <= t.
    func testRandomOutputThresholdsEnlargeTheUnsafeSet() throws {
        var rng = SplitMix64(seed: 15_004)
        for _ in 0..<200 {
            let t = Self.randomDecimal(using: &rng)
            let property = try VNNLibParser.parse(text: vnnlibText(inputs: 0, outputs: 1, "(assert (>= Y_0 \(t)))"))
            let atom = try property.enlargedOutputAtom(property.disjuncts[0][0])
            XCTAssertEqual(atom.coefficients, [-1])
            XCTAssertLessThanOrEqual(Oracle.compare(atom.constant, t), 0, t)
            XCTAssertGreaterThan(Oracle.compare(atom.constant.nextUp, t), 0, t)
            let nearest = Double(t)!
            for y in [nearest.nextDown, nearest, nearest.nextUp] where Oracle.compare(y, t) >= 0 {
                XCTAssertLessThanOrEqual(ExactRational(-y) + ExactRational(atom.constant), .zero, "\(t) at \(y)")
            }
        }
    }

    /// Coefficients that are not Doubles are scaled exactly: 0.1·Y_0 <= 0.3·Y_1 becomes
    /// Y_0 - 3·Y_1 <= 0 (scale 10); 0.1·Y_0 + 0.2·Y_1 >= 0.07 becomes -Y_0 - 2·Y_1 + 0.7 <= 0
    /// (scale 10, constant 7/10 rounded down: the Double 0.7 is 0.6999999999999999555…).
    /// One output with any coefficient scales to ±1. Two 17-digit coefficients with no exact
    /// common scale are refused rather than rounded.
    func testOutputCoefficientsAreScaledExactlyOrRefused() throws {
        func atom(_ assertion: String) throws -> OutputAtom {
            let property = try VNNLibParser.parse(text: vnnlibText(inputs: 0, outputs: 2, "(assert \(assertion))"))
            return try property.enlargedOutputAtom(property.disjuncts[0][0])
        }
        XCTAssertEqual(try atom("(<= (* 0.1 Y_0) (* 0.3 Y_1))"), OutputAtom(coefficients: [1, -3], constant: 0))
        XCTAssertEqual(try atom("(>= (+ (* 0.1 Y_0) (* 0.2 Y_1)) 0.07)"), OutputAtom(coefficients: [-1, -2], constant: 0.7))
        XCTAssertEqual(try atom("(>= (* 0.3 Y_1) 0.1)"), OutputAtom(coefficients: [0, -1], constant: 0.3333333333333333))
        XCTAssertEqual(try atom("(<= Y_0 Y_1)"), OutputAtom(coefficients: [1, -1], constant: 0))
        let inexact = "(<= (* 0.30000000000000004 Y_0) (* 0.19999999999999998 Y_1))"
        let property = try VNNLibParser.parse(text: vnnlibText(inputs: 0, outputs: 2, "(assert \(inexact))"), fileName: "p.vnnlib")
        XCTAssertThrowsError(try property.inputRegions()) { error in
            guard case .inexactOutputCoefficients(let file, let location, _) = error as? VNNLibError else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(file, "p.vnnlib")
            XCTAssertEqual(location, VNNLibLocation(line: 3, column: 9))
            XCTAssertFalse(error.localizedDescription.isEmpty)
        }
    }

    // MARK: Exact replay

    /// y = (x_0 + x_1) + x_2 at (1e16, 1, -1e16): Double evaluation gives 0 (1e16 + 1 rounds
    /// to 1e16, ties to even), the exact value is 1; a ReLU of -y is 0 exactly.
    func testExactOutputsOfAPiecewiseLinearNetwork() throws {
        let network = try NeuralNetwork(inputShape: [3], layers: [
            .affine(AffineLayer(inputSize: 3, outputSize: 2, weights: [1, 1, 1, -1, -1, -1], bias: [0, 0])), .relu,
        ])
        XCTAssertEqual(network.evaluate([1e16, 1, -1e16]), [0, 0])
        XCTAssertEqual(network.exactOutputEnclosure([1e16, 1, -1e16]), [ExactInterval(.one), ExactInterval(.zero)])
        let property = try VNNLibParser.parse(text: vnnlibText(inputs: 3, outputs: 2, "(assert (>= Y_0 0.5))"))
        XCTAssertEqual(property.replay(network: network, input: [1e16, 1, -1e16]), .violated(disjunct: 0))
        XCTAssertFalse(property.isViolated(inputs: [1e16, 1, -1e16], outputs: network.evaluate([1e16, 1, -1e16])))
    }

    /// Tanh layers get an enclosure that contains the float value and is a few ulps wide.
    func testTanhEnclosureContainsTheFloatValue() throws {
        let network = try NeuralNetwork(inputShape: [1], layers: [
            .affine(AffineLayer(inputSize: 1, outputSize: 1, weights: [0.7], bias: [0.1])), .tanh,
        ])
        for x in [-3.0, -0.1, 0, 0.25, 2] {
            let enclosure = network.exactOutputEnclosure([x])[0]
            let float = ExactRational(network.evaluate([x])[0])
            XCTAssertTrue(enclosure.lower <= float && float <= enclosure.upper, "\(x)")
            XCTAssertLessThan((enclosure.upper - enclosure.lower).nearestDouble, 1e-13)
        }
    }

    /// The instance on y = x. The point the enlarged box allows at its top, the
    /// Double 0.2 (> 1/5), violates X_0 + 0.3 <= 0.5 exactly; confirmation moves it into the
    /// inner box, to 0.19999999999999998 (<= 1/5), which satisfies every exact constraint.
    /// A point that meets only the enlarged output set (Y_0 >= 0.09999999999999999 but
    /// Y_0 < 1/10) is never confirmed.
    func testConfirmationAcceptsOnlyPointsOfTheExactProperty() throws {
        let identity = try NeuralNetwork(inputShape: [1], layers: [
            .affine(AffineLayer(inputSize: 1, outputSize: 1, weights: [1], bias: [0])),
        ])
        let property = try VNNLibParser.parse(text: vnnlibText(inputs: 1, outputs: 1,
            "(assert (>= X_0 0)) (assert (<= (+ X_0 0.1 0.1 0.1) 0.5)) (assert (>= Y_0 0.19999999999999998))"))
        XCTAssertEqual(property.replay(network: identity, input: [0.2]), .notViolated)
        XCTAssertEqual(property.replay(network: identity, input: [0.19999999999999998]), .violated(disjunct: 0))
        let confirmed = try XCTUnwrap(property.confirmedViolation(network: identity, candidate: [0.2]))
        XCTAssertEqual(confirmed, [0.19999999999999998])
        XCTAssertLessThanOrEqual(Oracle.compare(confirmed[0], "0.2"), 0)
        XCTAssertGreaterThanOrEqual(Oracle.compare(confirmed[0], "0.19999999999999998"), 0)

        let threshold = try VNNLibParser.parse(text: vnnlibText(inputs: 1, outputs: 1,
            "(assert (>= X_0 0)) (assert (<= X_0 1)) (assert (>= Y_0 0.1))"))
        let enlarged = try threshold.enlargedOutputAtom(threshold.inputRegions()[0].outputConstraints[0])
        XCTAssertTrue(enlarged.holds([0.09999999999999999]))
        XCTAssertNil(threshold.confirmedViolation(network: identity, candidate: [0.09999999999999999]))
        XCTAssertEqual(threshold.confirmedViolation(network: identity, candidate: [0.1]), [0.1])
        // Overflowed or NaN outputs satisfy no atom.
        XCTAssertFalse(threshold.isViolated(inputs: [0.5], outputs: [.infinity]))
        XCTAssertFalse(threshold.isViolated(inputs: [0.5], outputs: [.nan]))
        XCTAssertTrue(threshold.isViolated(inputs: [0.5], outputs: [0.5]))
    }

    // MARK: Exact arithmetic against Decimal

    /// Sums, differences and products of random decimals agree with `Decimal`; comparisons
    /// agree with `Decimal`'s; directed rounding brackets the value (printf oracle).
    func testExactRationalArithmeticMatchesDecimal() throws {
        var rng = SplitMix64(seed: 15_005)
        for _ in 0..<300 {
            let a = Self.randomDecimal(using: &rng, digits: 12), b = Self.randomDecimal(using: &rng, digits: 12)
            let (x, y) = (try XCTUnwrap(ExactRational(decimal: a)), try XCTUnwrap(ExactRational(decimal: b)))
            let (p, q) = (Decimal(string: a)!, Decimal(string: b)!)
            XCTAssertEqual(x + y, ExactRational(decimal: Oracle.plain(p + q)), "\(a) + \(b)")
            XCTAssertEqual(x - y, ExactRational(decimal: Oracle.plain(p - q)), "\(a) - \(b)")
            XCTAssertEqual(x * y, ExactRational(decimal: Oracle.plain(p * q)), "\(a) * \(b)")
            XCTAssertEqual(x < y, p < q, "\(a) < \(b)")
            XCTAssertLessThanOrEqual(Oracle.compare(x.roundedDown, a), 0, a)
            XCTAssertGreaterThan(Oracle.compare(x.roundedDown.nextUp, a), 0, a)
            XCTAssertGreaterThanOrEqual(Oracle.compare(x.roundedUp, a), 0, a)
            XCTAssertLessThan(Oracle.compare(x.roundedUp.nextDown, a), 0, a)
        }
        XCTAssertNil(ExactRational(decimal: "1e-2000"))  // beyond the digit bound
        XCTAssertEqual(ExactRational(decimal: "-0.0"), .zero)
        XCTAssertEqual(ExactRational(fraction: "1/3")!.roundedUp, (1.0 / 3).nextUp)
        XCTAssertEqual(ExactRational(fraction: "1/3")!.roundedDown, 1.0 / 3)
    }

    /// Directed rounding of random fractions p/q (p, q < 2^64, so the 128-bit fast path, and
    /// wider ones, the long-division path): `roundedDown <= p/q <= roundedUp`, checked by
    /// cross-multiplication, with no Double strictly between, and both equal to the nearest
    /// Double (``ExactRational/nearestDouble``, tested against IEEE division) when it is exact.
    func testDirectedRoundingBracketsRandomFractions() throws {
        var rng = SplitMix64(seed: 15_006)
        for trial in 0..<2_000 {
            let wide = trial % 4 == 3
            let p = rng.next() >> (rng.next() % 64), q = max(rng.next() >> (rng.next() % 64), 1)
            var text = "\(p)/\(q)"
            if wide { text = "\(p)\(rng.next() % 1000)/\(q)" }
            let raw = try XCTUnwrap(ExactRational(fraction: rng.next() % 2 == 0 ? text : "-" + text))
            let x = ExactRational.reduced(isNegative: raw.isNegative, numerator: raw.numerator, denominator: raw.denominator)
            let (down, up) = (x.roundedDown, x.roundedUp)
            XCTAssertTrue(ExactRational(down) <= x && x <= ExactRational(up), text)
            XCTAssertTrue(down == up || down.nextUp == up, text)
            XCTAssertTrue(down == x.nearestDouble || up == x.nearestDouble, text)
            XCTAssertEqual(x.exactDouble != nil, down == up, text)
        }
    }

    /// A decimal in plain notation with 1…`digits` digits (so magnitude below 10^digits).
    static func randomDecimal(using rng: inout SplitMix64, digits: Int = 17) -> String {
        let count = Int(rng.next() % UInt64(digits)) + 1
        var text = ""
        for _ in 0..<count { text.append(Character(String(rng.next() % 10))) }
        let point = Int(rng.next() % UInt64(count + 1))
        let integer = point == 0 ? "0" : String(text.prefix(point))
        let fraction = String(text.dropFirst(point))
        let sign = rng.next() % 2 == 0 ? "" : "-"
        let magnitude = fraction.isEmpty ? integer : integer + "." + fraction
        return sign + String(magnitude.drop { $0 == "0" }.isEmpty ? "0" : magnitude)
    }
}
