import Foundation
import XCTest

@testable import Encoding

/// The VNN-COMP fixtures shipped with the tests.
let vnnlibFixtures = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures/vnncomp")

func vnnlibFixture(_ relativePath: String) -> String {
    vnnlibFixtures.appendingPathComponent(relativePath).path
}

/// `(declare-const X_0 Real) … (declare-const Y_{outputs-1} Real)` followed by `body`.
func vnnlibText(inputs: Int, outputs: Int, _ body: String) -> String {
    (0..<inputs).map { "(declare-const X_\($0) Real)\n" }.joined()
        + (0..<outputs).map { "(declare-const Y_\($0) Real)\n" }.joined() + body
}

final class VNNLibParserTests: XCTestCase {
    // MARK: ACAS Xu

    func testAcasProperty1IsOneBoxWithOneOutputAtom() throws {
        let property = try VNNLibParser.parse(contentsOf: vnnlibFixture("acasxu/prop_1.vnnlib"))
        XCTAssertEqual(property.inputCount, 5)
        XCTAssertEqual(property.outputCount, 5)
        XCTAssertEqual(property.disjuncts.count, 1)
        XCTAssertEqual(property.disjuncts[0].count, 11)
        // (<= X_0 0.679857769) is X_0 - 679857769/10^9 <= 0; (>= X_0 0.6) is -X_0 + 3/5 <= 0 (exact).
        XCTAssertEqual(
            property.disjuncts[0][0],
            LinearAtom(exactInputCoefficients: [0: .one], exactConstant: ExactRational(fraction: "-679857769/1000000000")!))
        XCTAssertEqual(
            property.disjuncts[0][1], LinearAtom(exactInputCoefficients: [0: -.one], exactConstant: ExactRational(fraction: "3/5")!))
        XCTAssertEqual(property.disjuncts[0][0].location, VNNLibLocation(line: 16, column: 9))

        let regions = try property.inputRegions()
        XCTAssertEqual(regions.count, 1)
        // The exact bounds rounded outward (oracle: Python's fractions.Fraction and math.nextafter):
        // 0.6 and -0.5 are below their decimals already; 0.45 is above, so the lower bound is the
        // Double below it; 0.679857769 and -0.45 round up to the Double above.
        XCTAssertEqual(regions[0].lower, [0.6, -0.5, -0.5, 0.44999999999999996, -0.5])
        XCTAssertEqual(regions[0].upper, [0.6798577690000001, 0.5, 0.5, 0.5, -0.44999999999999996])
        // (>= Y_0 3.991125645861615) is -Y_0 + 798225129172323/200000000000000 <= 0, exactly;
        // its Double form has the constant rounded down (the unsafe set grows).
        XCTAssertEqual(
            regions[0].outputConstraints,
            [LinearAtom(exactOutputCoefficients: [0: -.one], exactConstant: ExactRational(fraction: "798225129172323/200000000000000")!)])
        XCTAssertEqual(
            try property.enlargedOutputAtom(regions[0].outputConstraints[0]),
            OutputAtom(coefficients: [-1, 0, 0, 0, 0], constant: 3.9911256458616147))
    }

    func testAcasProperty2IsAConjunctionOfFourComparisons() throws {
        let property = try VNNLibParser.parse(contentsOf: vnnlibFixture("acasxu/prop_2.vnnlib"))
        let regions = try property.inputRegions()
        XCTAssertEqual(regions.count, 1)
        // (<= Y_j Y_0) is Y_j - Y_0 <= 0.
        XCTAssertEqual(
            regions[0].outputConstraints,
            (1...4).map { LinearAtom(outputCoefficients: [$0: 1, 0: -1], constant: 0) })
    }

    func testAllAcasPropertiesParseWithTheirDisjunctCounts() throws {
        // prop_5, 9, 10: an `or` of 4; prop_6: (or of 2 input boxes) × (or of 4) = 8;
        // prop_7: or of 2 conjunctions; prop_8: or of 3.
        let expected = [1: 1, 2: 1, 3: 1, 4: 1, 5: 4, 6: 8, 7: 2, 8: 3, 9: 4, 10: 4]
        for (number, count) in expected {
            let property = try VNNLibParser.parse(
                contentsOf: vnnlibFixture("acasxu/prop_\(number).vnnlib"), expectedInputs: 5, expectedOutputs: 5)
            XCTAssertEqual(property.disjuncts.count, count, "prop_\(number)")
            for region in try property.inputRegions() {
                XCTAssertEqual(region.lower.count, 5)
                XCTAssertTrue(zip(region.lower, region.upper).allSatisfy { $0 <= $1 }, "prop_\(number)")
                XCTAssertFalse(region.outputConstraints.isEmpty, "prop_\(number)")
                XCTAssertTrue(region.outputConstraints.allSatisfy { !$0.involvesInputs })
            }
        }
    }

    func testAcasProperty7HasTwoDisjunctsOfThreeOutputAtoms() throws {
        let property = try VNNLibParser.parse(contentsOf: vnnlibFixture("acasxu/prop_7.vnnlib"))
        let regions = try property.inputRegions()
        XCTAssertEqual(regions.count, 2)
        XCTAssertEqual(regions[0].lower, regions[1].lower)
        XCTAssertEqual(
            regions[0].outputConstraints, [0, 1, 2].map { LinearAtom(outputCoefficients: [3: 1, $0: -1], constant: 0) })
        XCTAssertEqual(
            regions[1].outputConstraints, [0, 1, 2].map { LinearAtom(outputCoefficients: [4: 1, $0: -1], constant: 0) })
    }

    func testAcasProperty6DistributesTwoInputBoxesOverFourOutputCases() throws {
        let regions = try VNNLibParser.parse(contentsOf: vnnlibFixture("acasxu/prop_6.vnnlib")).inputRegions()
        XCTAssertEqual(regions.count, 8)
        // First box (X_1 in [0.11140846, 0.499999896]) with each of the 4 output cases, then the second.
        // Rounded outward (oracle: Python's fractions.Fraction).
        XCTAssertEqual(regions[0].lower[1], 0.11140845999999999)
        XCTAssertEqual(regions[3].upper[1], 0.49999989600000005)
        XCTAssertEqual(regions[4].lower[1], -0.49999989600000005)
        XCTAssertEqual(regions[7].upper[1], -0.11140845999999999)
        for (k, region) in regions.enumerated() {
            XCTAssertEqual(region.outputConstraints, [LinearAtom(outputCoefficients: [k % 4 + 1: 1, 0: -1], constant: 0)])
        }
    }

    // MARK: vnncomp-test

    func testVnncompTestProperties() throws {
        let nano = try VNNLibParser.parse(contentsOf: vnnlibFixture("vnncomp-test/test_nano.vnnlib"))
        XCTAssertEqual([nano.inputCount, nano.outputCount], [1, 1])
        let nanoRegions = try nano.inputRegions()
        XCTAssertEqual(nanoRegions, [
            VNNLibInputRegion(lower: [-1], upper: [1], outputConstraints: [LinearAtom(outputCoefficients: [0: 1], constant: 1)])
        ])

        for name in ["test_small", "test_tiny"] {
            let property = try VNNLibParser.parse(
                contentsOf: vnnlibFixture("vnncomp-test/\(name).vnnlib"), expectedInputs: 1, expectedOutputs: 1)
            XCTAssertEqual(try property.inputRegions(), [
                VNNLibInputRegion(
                    lower: [-1], upper: [1], outputConstraints: [LinearAtom(outputCoefficients: [0: -1], constant: 100)])
            ], name)
        }

        let prop = try VNNLibParser.parse(contentsOf: vnnlibFixture("vnncomp-test/test_prop.vnnlib"))
        let regions = try prop.inputRegions()
        XCTAssertEqual(regions.count, 1)
        XCTAssertEqual(regions[0].lower[0], -0.30353115613746867)
        XCTAssertEqual(regions[0].upper[2], 0.4999999999856761)  // rounded up (Python fractions)
        XCTAssertEqual(regions[0].outputConstraints.count, 4)
    }

    // MARK: Numbers

    /// Every numeral is its exact rational (oracle: Python's `fractions.Fraction(text)`), not
    /// the nearest Double: `0.1` is `1/10`, `9007199254740993` (2^53 + 1) stays odd, `1e-400`
    /// is not zero.
    func testNumeralsAreReadAsExactRationals() throws {
        let cases = [
            ("1e-05", "1/100000"), ("-1.5E+3", "-1500"), ("2.5e3", "2500"), ("1E5", "100000"), ("1e+05", "100000"),
            ("-0.5", "-1/2"), (".5", "1/2"), ("2.", "2"), ("-.25", "-1/4"), ("0.1", "1/10"), ("7", "7"),
            ("0.30000000000000004441", "30000000000000004441/100000000000000000000"),
            ("9007199254740993", "9007199254740993"),
            ("2.2250738585072011e-308", "22250738585072011/1" + String(repeating: "0", count: 324)),
            ("1e-400", "1/1" + String(repeating: "0", count: 400)),
            ("1.7976931348623157e308", "17976931348623157" + String(repeating: "0", count: 292)),
            ("0.000", "0"), ("-0", "0"), ("00012.50e-1", "5/4"),
        ]
        for (text, fraction) in cases {
            let property = try VNNLibParser.parse(text: vnnlibText(inputs: 0, outputs: 1, "(assert (<= Y_0 \(text)))"))
            let value = try XCTUnwrap(ExactRational(fraction: fraction))
            XCTAssertEqual(
                property.disjuncts, [[LinearAtom(exactOutputCoefficients: [0: .one], exactConstant: -value)]], text)
        }
    }

    func testNegativeLiteralsAndUnaryMinusAgree() throws {
        let a = try VNNLibParser.parse(text: vnnlibText(inputs: 1, outputs: 0, "(assert (>= X_0 -0.5))"))
        let b = try VNNLibParser.parse(text: vnnlibText(inputs: 1, outputs: 0, "(assert (>= X_0 (- 0.5)))"))
        XCTAssertEqual(a.disjuncts, b.disjuncts)
        XCTAssertEqual(a.disjuncts, [[LinearAtom(inputCoefficients: [0: -1], constant: -0.5)]])
    }

    // MARK: Terms and constraints

    func testLinearTermsAreCollected() throws {
        let cases: [(String, LinearAtom)] = [
            // X_0 + 2 X_1 - 1 - Y_0 <= 0
            ("(<= (+ X_0 (* 2 X_1) -1) Y_0)", LinearAtom(inputCoefficients: [0: 1, 1: 2], outputCoefficients: [0: -1], constant: -1)),
            // X_0 - X_1 - 1 - 0 <= 0
            ("(<= (- X_0 X_1 1) 0)", LinearAtom(inputCoefficients: [0: 1, 1: -1], constant: -1)),
            // 3 X_0 and (* 2 3 X_0) = 6 X_0; >= flips.
            ("(>= (* X_0 3) (* 2 3 X_1))", LinearAtom(inputCoefficients: [0: -3, 1: 6], constant: 0)),
            ("(<= (- X_0) 0.25)", LinearAtom(inputCoefficients: [0: -1], constant: -0.25)),
            // Like terms cancel: (X_0 + X_1) - X_0 = X_1.
            ("(<= (- (+ X_0 X_1) X_0) 1)", LinearAtom(inputCoefficients: [1: 1], constant: -1)),
            ("(<= (* 0.5 (+ X_0 2)) 1)", LinearAtom(inputCoefficients: [0: 0.5], constant: 0)),
            // Strict comparisons are read as their closure.
            ("(< X_0 1)", LinearAtom(inputCoefficients: [0: 1], constant: -1)),
            ("(> X_0 1)", LinearAtom(inputCoefficients: [0: -1], constant: 1)),
        ]
        for (constraint, atom) in cases {
            let property = try VNNLibParser.parse(text: vnnlibText(inputs: 2, outputs: 1, "(assert \(constraint))"))
            XCTAssertEqual(property.disjuncts, [[atom]], constraint)
        }
    }

    func testEqualityAndChainsBecomeConjunctions() throws {
        let equal = try VNNLibParser.parse(text: vnnlibText(inputs: 1, outputs: 0, "(assert (= X_0 1))"))
        XCTAssertEqual(equal.disjuncts, [[
            LinearAtom(inputCoefficients: [0: 1], constant: -1), LinearAtom(inputCoefficients: [0: -1], constant: 1),
        ]])
        let chain = try VNNLibParser.parse(text: vnnlibText(inputs: 1, outputs: 0, "(assert (<= -1 X_0 1))"))
        XCTAssertEqual(try chain.inputRegions(), [VNNLibInputRegion(lower: [-1], upper: [1], outputConstraints: [])])
    }

    func testConstantComparisonsAreEvaluated() throws {
        let alwaysFalse = try VNNLibParser.parse(
            text: vnnlibText(inputs: 1, outputs: 1, "(assert (<= X_0 1))\n(assert (<= 1 0))"))
        XCTAssertEqual(alwaysFalse.disjuncts, [])
        let alwaysTrue = try VNNLibParser.parse(
            text: vnnlibText(inputs: 1, outputs: 1, "(assert (<= X_0 1))\n(assert (<= 0 1))\n(assert true)"))
        XCTAssertEqual(alwaysTrue.disjuncts, [[LinearAtom(inputCoefficients: [0: 1], constant: -1)]])
        // The false branch of an `or` disappears.
        let branch = try VNNLibParser.parse(
            text: vnnlibText(inputs: 0, outputs: 1, "(assert (or (and (<= 2 1) (<= Y_0 0)) (>= Y_0 1) false))"))
        XCTAssertEqual(branch.disjuncts, [[LinearAtom(outputCoefficients: [0: -1], constant: 1)]])
    }

    func testAndDistributesOverOrInOrder() throws {
        let text = vnnlibText(
            inputs: 0, outputs: 4,
            "(assert (and (or (<= Y_0 0) (<= Y_1 0)) (or (<= Y_2 0) (<= Y_3 0))))")
        let property = try VNNLibParser.parse(text: text)
        let y = { (j: Int) in LinearAtom(outputCoefficients: [j: 1], constant: 0) }
        XCTAssertEqual(property.disjuncts, [[y(0), y(2)], [y(0), y(3)], [y(1), y(2)], [y(1), y(3)]])
    }

    func testCommentsIgnoredCommandsAndDeclareFun() throws {
        let text = """
            ; a comment (with parentheses
            (set-logic QF_LRA) (set-info :source |a (quoted) symbol|) (set-info :note "say ""hi"" ;")
            (declare-fun X_0 () Real) ; trailing comment )
            (declare-const Y_0 Real)
            (assert (<= X_0 1)) (assert (>= X_0 0))
            (assert (>= Y_0 0))
            (check-sat)
            (get-model)
            (exit)
            """
        let property = try VNNLibParser.parse(text: text)
        XCTAssertEqual(try property.inputRegions(), [
            VNNLibInputRegion(lower: [0], upper: [1], outputConstraints: [LinearAtom(outputCoefficients: [0: -1], constant: 0)])
        ])
    }

    func testByteOrderMarkAndCRLFLineEndingsAreAccepted() throws {
        let text = "\u{FEFF}(declare-const X_0 Real)\r\n(declare-const Y_0 Real)\r\n(assert (<= X_0 1))\r\n(assert (>= X_0 0))"
        let property = try VNNLibParser.parse(text: text)
        XCTAssertEqual(property.disjuncts[0][1].location, VNNLibLocation(line: 4, column: 9))
        XCTAssertEqual(try property.inputRegions(), [VNNLibInputRegion(lower: [0], upper: [1], outputConstraints: [])])
    }

    func testDeclarationsMayComeInAnyOrderBeforeUse() throws {
        let text = "(declare-const Y_0 Real)(declare-const X_1 Real)(declare-const X_0 Real)(assert (<= X_1 Y_0))"
        let property = try VNNLibParser.parse(text: text)
        XCTAssertEqual([property.inputCount, property.outputCount], [2, 1])
    }

    // MARK: Input regions

    func testBoundsWithCoefficientsAreWidenedOutward() throws {
        let text = vnnlibText(inputs: 1, outputs: 0, "(assert (<= (* 3 X_0) 1))\n(assert (>= (* 3 X_0) -1))")
        let region = try VNNLibParser.parse(text: text).inputRegions()[0]
        XCTAssertEqual(region.upper, [(1.0 / 3).nextUp])
        XCTAssertEqual(region.lower, [(-1.0 / 3).nextDown])
        // The box contains the exact set [-1/3, 1/3]: 3·upper >= 1 exactly, via an exact product check.
        XCTAssertGreaterThan(region.upper[0], 1.0 / 3)
    }

    func testTightestBoundWins() throws {
        let text = vnnlibText(inputs: 1, outputs: 0, "(assert (<= X_0 2)) (assert (<= X_0 1)) (assert (>= X_0 -3)) (assert (>= X_0 0))")
        XCTAssertEqual(try VNNLibParser.parse(text: text).inputRegions(), [VNNLibInputRegion(lower: [0], upper: [1], outputConstraints: [])])
    }

    func testIsViolatedEvaluatesTheUnsafeSet() throws {
        let property = try VNNLibParser.parse(contentsOf: vnnlibFixture("acasxu/prop_1.vnnlib"))
        let x = [0.65, 0, 0, 0.47, -0.47]
        XCTAssertTrue(property.isViolated(inputs: x, outputs: [4, 0, 0, 0, 0]))
        XCTAssertFalse(property.isViolated(inputs: x, outputs: [3.9, 0, 0, 0, 0]))
        XCTAssertFalse(property.isViolated(inputs: [0.7, 0, 0, 0.47, -0.47], outputs: [4, 0, 0, 0, 0]))
    }

    func testExpectedSizesAreAccepted() throws {
        XCTAssertNoThrow(
            try VNNLibParser.parse(contentsOf: vnnlibFixture("acasxu/prop_3.vnnlib"), expectedInputs: 5, expectedOutputs: 5))
    }

    func testTextAndFileParsesAgree() throws {
        let path = vnnlibFixture("acasxu/prop_8.vnnlib")
        let fromFile = try VNNLibParser.parse(contentsOf: path)
        let fromText = try VNNLibParser.parse(text: String(contentsOfFile: path, encoding: .utf8), fileName: path)
        XCTAssertEqual(fromFile, fromText)
        XCTAssertEqual(fromFile.fileName, path)
    }
}
