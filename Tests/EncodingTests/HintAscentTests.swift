import Network
@testable import Encoding
import XCTest

/// The ascent of the slope and multiplier hints (``HintAscent``).
///
/// Mutation checks, run by hand: flipping the sign of Adam's step in ``AdamMoments`` fails
/// ``testAdamMovesManyMultipliersTogetherToTheOptimum``; dropping the bias correction (the
/// first step then moves by about `3.2 · rate`) fails it too; returning the last iterate
/// instead of the best fails both tests.
final class HintAscentTests: XCTestCase {
    /// The hand example of ``SplitMultipliersTests/testMultiplierRecoversTheSplitOnAHandExample()``
    /// with `k` copies of the split unit: `z_j = x1 + x2` for `j < k`, all split active,
    /// `z_a = x1 + 2`, `z_b = x2 + 2`, `y = ReLU(z_a) + ReLU(z_b) = x1 + x2 + 4` on
    /// `x in [-1, 1]^2`. With multipliers `β_j` the row is `y - Σ β_j z_j`, whose bound is
    /// `4 - 2 |1 - Σ β_j|`: 2 at `β = 0`, the true minimum 4 at `Σ β_j = 1`.
    static func copies(_ k: Int) throws -> (NeuralNetwork, Box, PhaseConstraints, LinearSpecification) {
        var weights: [Double] = []
        for _ in 0..<k { weights += [1, 1] }
        weights += [1, 0, 0, 1]
        let network = try NeuralNetwork(inputShape: [2], layers: [
            .affine(AffineLayer(inputSize: 2, outputSize: k + 2, weights: weights, bias: [Double](repeating: 0, count: k) + [2, 2])),
            .relu,
            .affine(AffineLayer(inputSize: k + 2, outputSize: 1, weights: [Double](repeating: 0, count: k) + [1, 1], bias: [0])),
        ])
        var phases = PhaseConstraints()
        for j in 0..<k { phases = phases.fixing(ActivationUnit(layer: 1, unit: j), .active, width: k + 2) }
        return (network, try Box(lower: [-1, -1], upper: [1, 1]), phases, LinearSpecification(coefficients: [[1]], constants: [0]))
    }

    /// Ten multipliers that must move together to `Σ β = 1`: Adam's first step moves each
    /// by its rate 0.1 (the bias-corrected first step is `rate · sign(g)`), which is the
    /// optimum; sign steps of 0.5, 0.35, ... overshoot to `Σ β = 5` (bound -4) and are
    /// still below 3.9 after ten steps. The bounds are the sound evaluation with the hints.
    func testAdamMovesManyMultipliersTogetherToTheOptimum() throws {
        let (network, box, phases, y) = try Self.copies(10)
        let plain = try XCTUnwrap(PhaseSplitBounds.bounds(of: network, over: box, phases: phases, specification: y))
        XCTAssertEqual(plain.result.specLower[0], 2, accuracy: 1e-9)
        func bound(_ method: HintAscent.Method) throws -> Double {
            let hints = plain.optimisedHints(rows: [0], specification: y, box: box, phases: phases, start: SplitMultipliers(),
                                             ascent: HintAscent(method: method, slopeRate: 0.01, multiplierRate: 0.1),
                                             iterations: 10)
            XCTAssert(hints.multipliers.values.values.allSatisfy { $0.values.allSatisfy { $0 >= 0 } })
            return try XCTUnwrap(PhaseSplitBounds.bounds(of: network, over: box, phases: phases, specification: y,
                                                         multipliers: hints.multipliers)).result.specLower[0]
        }
        XCTAssertGreaterThan(try bound(.adam), 3.99)
        XCTAssertLessThan(try bound(.sign), 3.9, "the measured failure of sign steps with many splits")
        XCTAssertGreaterThan(try bound(.sign), 2, "sign steps still improve on the plain bound here")
    }

    /// Zero steps return the start as it is (the ascent runs no step and needs none).
    func testZeroStepsReturnTheStart() throws {
        let (network, box, phases, y) = try Self.copies(3)
        let plain = try XCTUnwrap(PhaseSplitBounds.bounds(of: network, over: box, phases: phases, specification: y))
        var values: [ActivationUnit: Double] = [:]
        for (unit, _) in phases.all { values[unit] = 0.25 }
        let start = SplitMultipliers(values: [0: values])
        for method in HintAscent.Method.allCases {
            let hints = plain.optimisedHints(rows: [0], specification: y, box: box, phases: phases, start: start,
                                             ascent: HintAscent(method: method), iterations: 0)
            XCTAssertEqual(hints.multipliers, start, "\(method)")
        }
    }

    /// The best iterate is returned: on a start that is already optimal (`β_j = 0.1`), a
    /// large rate that overshoots at once still returns hints as good as the start.
    func testAnOptimalStartIsKept() throws {
        let (network, box, phases, y) = try Self.copies(10)
        let plain = try XCTUnwrap(PhaseSplitBounds.bounds(of: network, over: box, phases: phases, specification: y))
        var values: [ActivationUnit: Double] = [:]
        for (unit, _) in phases.all { values[unit] = 0.1 }
        let hints = plain.optimisedHints(rows: [0], specification: y, box: box, phases: phases,
                                         start: SplitMultipliers(values: [0: values]),
                                         ascent: HintAscent(multiplierRate: 5), iterations: 6)
        let bound = try XCTUnwrap(PhaseSplitBounds.bounds(of: network, over: box, phases: phases, specification: y,
                                                          multipliers: hints.multipliers)).result.specLower[0]
        XCTAssertEqual(bound, 4, accuracy: 1e-9)
    }
}
