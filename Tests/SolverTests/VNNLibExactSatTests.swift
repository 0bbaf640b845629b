import Encoding
import Foundation
import Network
@testable import Solver
import Support
import XCTest

/// VNN-LIB instances whose answer depends on reading constants exactly, decided as
/// `verify vnnlib` decides them: the solver works on the outward-rounded queries
/// (``VNNLibQueries``) and a violation counts as `sat` only once
/// ``VNNLibProperty/confirmedViolation(network:candidate:)`` has a point of the exact property.
/// Oracle: the instances are one-dimensional on y = x and decided by hand in the comments;
/// the witness is checked against the decimals with glibc's exact `printf`.
final class VNNLibExactSatTests: XCTestCase {
    private let identity = try! NeuralNetwork(inputShape: [1], layers: [
        .affine(AffineLayer(inputSize: 1, outputSize: 1, weights: [1], bias: [0])),
    ])

    private func decide(_ body: String) throws -> (answer: String, witness: [Double]?) {
        let text = "(declare-const X_0 Real)\n(declare-const Y_0 Real)\n" + body
        let property = try VNNLibParser.parse(text: text, expectedInputs: 1, expectedOutputs: 1)
        let solver = try QuerySolver(configuration: QueryConfiguration())
        var answer = "unsat"
        for query in try VNNLibQueries.queries(for: property, network: identity) {
            switch solver.solve(query).verdict {
            case .holds: continue
            case .violated(let candidate), .violatedUnconfirmed(let candidate):
                XCTAssertTrue(query.box.contains(candidate.input))
                if let input = property.confirmedViolation(network: identity, candidate: candidate.input) {
                    return ("sat", input)
                }
                answer = "unknown"
            case .unknown:
                answer = "unknown"
            }
        }
        return (answer, nil)
    }

    /// Z3 reads decimal numerals exactly with its own rational arithmetic: for random plain
    /// decimals, its canonical `p/q` must be the parser's exact value, and the atom of
    /// `(<= X_0 d)` must carry it.
    func testNumeralsAgreeWithZ3() throws {
        let context = try Z3Context()
        var rng = SplitMix64(seed: 15_007)
        for _ in 0..<300 {
            let count = Int(rng.next() % 20) + 1
            var digits = (0..<count).map { _ in String(rng.next() % 10) }.joined()
            let point = Int(rng.next() % UInt64(count + 1))
            digits = point == count ? digits : String(digits.prefix(point)) + "." + digits.dropFirst(point)
            if digits.hasPrefix(".") { digits = "0" + digits }
            let z3 = try context._numeralForTesting(digits)
            let property = try VNNLibParser.parse(text: "(declare-const X_0 Real)\n(assert (<= X_0 \(digits)))")
            let atom = try XCTUnwrap(property.disjuncts.first?.first)
            XCTAssertEqual((-atom.constant).fractionString, z3, digits)
        }
    }

    /// sign(b - d) exactly, for a Double b and a plain decimal d (glibc prints b exactly).
    private func compare(_ b: Double, _ d: String) -> Int {
        let exact = String(format: "%.1100f", b)
        let length = 1102
        func padded(_ s: String) -> String {
            var parts = s.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            if parts.count == 1 { parts.append("") }
            return String(repeating: "0", count: 20 - parts[0].count) + parts[0] + "."
                + parts[1].padding(toLength: length, withPad: "0", startingAt: 0)
        }
        precondition(b >= 0 && !d.hasPrefix("-"), "non-negative values only")
        let (x, y) = (padded(exact), padded(d))
        return x == y ? 0 : (x < y ? -1 : 1)
    }

    /// The issue's instance: X_0 >= 0, X_0 + 0.1 + 0.1 + 0.1 <= 0.5 (X_0 <= 1/5 exactly),
    /// Y_0 = X_0 >= 0.19999999999999998. The Double 0.19999999999999998 (= 0.1999999999999999833…)
    /// lies in [0.19999999999999998, 0.2]: sat. Double folding made the box [0, 0.19999999999999996]
    /// and the answer unsat.
    func testIssueInstanceIsSatWithAnExactWitness() throws {
        let (answer, witness) = try decide(
            "(assert (>= X_0 0))\n(assert (<= (+ X_0 0.1 0.1 0.1) 0.5))\n(assert (>= Y_0 0.19999999999999998))")
        XCTAssertEqual(answer, "sat")
        let x = try XCTUnwrap(witness?.first)
        XCTAssertLessThanOrEqual(compare(x, "0.2"), 0, "X_0 + 0.3 <= 0.5")
        XCTAssertGreaterThanOrEqual(compare(x, "0.19999999999999998"), 0, "Y_0 >= 0.19999999999999998")
        XCTAssertGreaterThanOrEqual(x, 0)
    }

    /// X_0 <= 1/5 and Y_0 = X_0 >= 0.2000000000000001 > 1/5: no real point, unsat, although
    /// the enlarged box reaches the Double 0.2 (> 1/5).
    func testExactlyEmptyInstanceIsUnsat() throws {
        XCTAssertEqual(
            try decide("(assert (>= X_0 0))\n(assert (<= (+ X_0 0.1 0.1 0.1) 0.5))\n(assert (>= Y_0 0.2000000000000001))").answer,
            "unsat")
    }

    /// X_0 <= 1/5 and Y_0 = X_0 >= 1/5: violated only at the real 1/5, which no Double is.
    /// The enlarged query is violated (at the Double 0.2 or 0.19999999999999998), but no
    /// Double satisfies the exact property, so the answer is neither sat nor unsat.
    func testViolationOnlyBetweenDoublesIsUnknown() throws {
        XCTAssertEqual(
            try decide("(assert (>= X_0 0))\n(assert (<= (+ X_0 0.1 0.1 0.1) 0.5))\n(assert (>= Y_0 0.2))").answer,
            "unknown")
    }
}
