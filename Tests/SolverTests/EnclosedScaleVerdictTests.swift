import Encoding
import Foundation
import Network
@testable import Solver
import XCTest

/// Verdicts on networks with a factor that has no exact `Double` (`x / 3`, `.nnet` range 3),
/// against the file's network in exact rational arithmetic (the divisor itself, never
/// `fl(1/3)`).
///
/// Hand derivation used below: `fl(1/3) = (2^54 - 1) / (3 · 2^54)`, so
/// `3 · fl(1/3) - 1 = -2^-54` exactly. The network
///
/// ```
/// (h, x) = (x / 3, x);   y0 = 3 h - x + c;   y1 = 0
/// ```
///
/// has `y0 = c` for every `x` in exact arithmetic, while the same network with the stored
/// weight `fl(1/3)` has `y0 = c - 2^-54 x`. On `x` in `[1, 2]`, `c = 1.5 · 2^-54` separates
/// them: the file's network is class 0 everywhere, the rounded one is class 1 for `x > 1.5`.
final class EnclosedScaleVerdictTests: XCTestCase {
    private func network(offset c: Double, rounded: Bool) throws -> NeuralNetwork {
        let split: Layer = rounded ? .affine(.diagonal(scale: [1.0 / 3, 1], shift: [0, 0]))
                                   : .enclosedScale(try XCTUnwrap(EnclosedScale.reciprocals([3, 1])))
        return try NeuralNetwork(inputShape: [1], layers: [
            .affine(AffineLayer(inputSize: 1, outputSize: 2, weights: [1, 1], bias: [0, 0])),
            split,
            .affine(AffineLayer(inputSize: 2, outputSize: 2, weights: [3, -1, 0, 0], bias: [c, 0])),
        ])
    }

    private func solve(_ network: NeuralNetwork, trueClass: Int, attack: Bool = true) throws -> Verdict {
        var configuration = QueryConfiguration()
        configuration.attack.useAttack = attack
        let query = SafetyQuery(network: network, box: try Box(lower: [1], upper: [2]),
                                property: .misclassification(outputCount: 2, trueClass: trueClass))
        return try QuerySolver(configuration: configuration).solve(query).verdict
    }

    /// Before: the weight fl(1/3) made class 0 fail at x > 1.5 (a wrong NOT ROBUST); the
    /// rounded network below still shows that flip. Now: ROBUST, proved by Z3 with `3 h = x`
    /// (the bounds alone cannot: their enclosure of `1/3` is wider than `c`).
    func testDivisionByThreeIsNotRefutedByTheRoundedWeight() throws {
        let c = 1.5 * 0x1p-54
        if case .holds = try solve(try network(offset: c, rounded: true), trueClass: 0) {
            XCTFail("fixture: the rounded network must not be robust")
        }
        for attack in [true, false] {
            let verdict = try solve(try network(offset: c, rounded: false), trueClass: 0, attack: attack)
            switch verdict {
            case .holds: break
            case .unknown(let reason): XCTFail("Z3 with the exact divisor decides this; unknown: \(reason)")
            case .violated(let cx), .violatedUnconfirmed(let cx):
                XCTFail("x/3 network is class 0 on [1, 2] exactly; got a counterexample at \(cx.input)")
            }
        }
    }

    /// Before: the rounded weight made class 1 robust (a wrong ROBUST: y0 = c > 0 exactly);
    /// now the exact check confirms the violation (x/3 evaluated as a rational).
    func testDivisionByThreeIsNotProvedByTheRoundedWeight() throws {
        let c = 0.5 * 0x1p-54
        guard case .holds = try solve(try network(offset: c, rounded: true), trueClass: 1) else {
            return XCTFail("fixture: the rounded network must be robust for class 1")
        }
        let verdict = try solve(try network(offset: c, rounded: false), trueClass: 1)
        switch verdict {
        case .holds: XCTFail("x/3 network has y0 = c > 0, class 0, everywhere: ROBUST for class 1 is wrong")
        case .violated(let cx):
            // The float error bound cannot separate 2^-55 from 0; the rational x/3 does.
            XCTAssertEqual(cx.check, .violated(disjunct: 0, .exactArithmetic))
        case .violatedUnconfirmed, .unknown: XCTFail("the exact rational check confirms this violation: \(verdict)")
        }
    }

    /// The same flip through a `.nnet` input normalisation with ranges (3, 1) and a
    /// VNN-LIB-style output property `Y_0 <= 0` on the point box `x = (1.5, 1.5)`:
    /// `y0 = 3 x̂0 - x̂1 + 2^-55` is `2^-55 > 0` exactly (safe: unsat), but with the weight
    /// fl(1/3) it is `2^-55 - 1.5 · 2^-54 < 0` (a wrong sat before).
    func testNNetRangeThreeKeepsTheExactQuotient() throws {
        let text = """
        1,2,1,2,
        2,1,
        0,
        -10,-10,
        10,10,
        0,0,0,
        3,1,1,
        3,-1,
        \(0x1p-55),
        """
        let network = try NNetLoader.parse(text: text, fileName: "third.nnet").network
        XCTAssertTrue(network.hasEnclosedScale)
        let property = OutputProperty(outputCount: 1, disjuncts: [[OutputAtom(coefficients: [1], constant: 0)]])
        for attack in [true, false] {
            var configuration = QueryConfiguration()
            configuration.attack.useAttack = attack
            let result = try QuerySolver(configuration: configuration)
                .solve(SafetyQuery(network: network, box: try Box(lower: [1.5, 1.5], upper: [1.5, 1.5]), property: property))
            guard case .holds = result.verdict else {
                return XCTFail("y0 = 2^-55 > 0 exactly at x = 1.5: unsat (Z3 with 3 x̂0 = x0), got \(result.verdict)")
            }
        }
    }
}
