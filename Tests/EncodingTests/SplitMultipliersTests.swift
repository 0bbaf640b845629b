import Foundation
import Network
@testable import Encoding
import XCTest

/// Split constraints in the linear bounds (``SplitMultipliers``, beta-CROWN).
///
/// Oracle: dense sampling in Float80 as in ``PhaseSplitBoundsTests``: every sample that
/// satisfies the sub-problem's split constraints lies above every specification row's lower
/// bound, whatever multipliers `β >= 0` the bounds use: random ones (large, to stress the
/// rounding argument of ``BackSubstitution/addSplitTerms(_:layer:pass:)``) and optimised ones.
///
/// Mutation checks, run by hand: flipping the sign `s` in ``SplitMultipliers/terms(_:)``
/// (`δ = +β` for an active unit) fails ``testMultipliedBoundsContainEveryFeasibleSample`` and
/// ``testMultiplierRecoversTheSplitOnAHandExample``; dropping the projection `max(β, 0)` in
/// the optimiser lets `β` go negative, which the precondition in ``SplitMultipliers/terms(_:)``
/// stops (the tests crash); dropping that precondition too fails
/// ``testMultipliedBoundsContainEveryFeasibleSample``.
final class SplitMultipliersTests: XCTestCase {
    /// Random multipliers: every ReLU-phase unit of `phases`, per row, a value in `[0, 4]`
    /// (a third of them 0).
    static func randomMultipliers(_ phases: PhaseConstraints, rows: Int, using rng: inout BoundsRandom) -> SplitMultipliers {
        var values: [Int: [ActivationUnit: Double]] = [:]
        for r in 0..<rows {
            for (unit, _) in phases.all where Int.random(in: 0..<3, using: &rng) != 0 {
                values[r, default: [:]][unit] = Double.random(in: 0...4, using: &rng)
            }
        }
        return SplitMultipliers(values: values)
    }

    /// Soundness on hundreds of random sub-problems (ReLU / LeakyReLU / clip networks, random
    /// phase sets): random multipliers, and multipliers optimised jointly with the slopes and
    /// evaluated inside the plain bounds as the search does. The optimised bound must beat
    /// the plain one on some trials (the multipliers do something).
    func testMultipliedBoundsContainEveryFeasibleSample() {
        var rng = BoundsRandom(seed: 1013)
        var feasibleSamples = 0, multiplied = 0, improved = 0
        for trial in 0..<400 {
            let network = BoundsFixtures.network(.piecewiseLinear, using: &rng)
            let box = BoundsFixtures.box(dimension: network.inputSize, using: &rng)
            let specification = BoundsFixtures.specification(outputs: network.outputSize, using: &rng)
            let phases = PhaseSplitBoundsTests.phases(network, box, using: &rng)
            guard !phases.all.isEmpty,
                  let plain = PhaseSplitBounds.bounds(of: network, over: box, phases: phases, specification: specification) else { continue }
            multiplied += 1
            let bounds: PhaseSplitNodeBounds?
            if trial % 2 == 0 {
                let multipliers = Self.randomMultipliers(phases, rows: specification.count, using: &rng)
                bounds = PhaseSplitBounds.bounds(of: network, over: box, phases: phases, specification: specification,
                                                 multipliers: multipliers)
            } else {
                let hints = plain.optimisedHints(rows: Array(0..<specification.count), specification: specification,
                                                 box: box, phases: phases, start: SplitMultipliers(), iterations: 12)
                XCTAssert(hints.multipliers.values.values.allSatisfy { $0.values.allSatisfy { $0 >= 0 } })
                bounds = PhaseSplitBounds.bounds(of: network, over: box, phases: phases, specification: specification,
                                                 enclosing: plain.result.layerBounds, lowerSlopes: hints.slopes,
                                                 multipliers: hints.multipliers)
                let slopesOnly = PhaseSplitBounds.bounds(of: network, over: box, phases: phases, specification: specification,
                                                         enclosing: plain.result.layerBounds, lowerSlopes: hints.slopes)
                if let bounds, let slopesOnly, zip(bounds.result.specLower, slopesOnly.result.specLower).contains(where: { $0 > $1 + 1e-9 }) {
                    improved += 1
                }
            }
            for point in BoundsFixtures.samples(box, count: 200, using: &rng) {
                let values = float80Activations(network, point)
                guard PhaseSplitBoundsTests.satisfies(phases, values) else { continue }
                feasibleSamples += 1
                guard let bounds else {
                    XCTFail("trial \(trial): bounds call the sub-problem empty, but \(point) satisfies \(phases.intervals)")
                    break
                }
                for r in 0..<specification.count {
                    let value = float80Specification(specification, row: r, values.last!)
                    XCTAssert(Float80(bounds.result.specLower[r]) <= value,
                              "trial \(trial): row \(r) lower \(bounds.result.specLower[r]) above \(value)")
                    let linear = zip(bounds.result.inputCoefficients[r], point).reduce(Float80(bounds.result.inputConstants[r])) {
                        $0 + Float80($1.0) * Float80($1.1)
                    }
                    XCTAssert(linear <= value + 1e-9 * (1 + abs(value)),
                              "trial \(trial): row \(r) linear bound \(linear) above \(value) at a feasible point")
                }
            }
        }
        XCTAssertGreaterThan(multiplied, 150)
        XCTAssertGreaterThan(feasibleSamples, 5_000, "the sample must exercise feasible sub-problems")
        XCTAssertGreaterThan(improved, 5, "optimised multipliers must tighten some bounds")
    }

    /// Hand example where only the multiplier helps: `x in [-1, 1]^2`, hidden units
    /// `z1 = x1 + x2` (split active: `x1 + x2 >= 0`), `z2 = x1 + 2`, `z3 = x2 + 2` (stable),
    /// output `y = ReLU(z2) + ReLU(z3) = x1 + x2 + 4` (z1's output weight 0). On the
    /// sub-problem `min y = 4` (at `x1 + x2 = 0`). Without a multiplier both concretisations
    /// miss it (over the box: `-1 - 1 + 4 = 2`; over the hidden bounds `[1, 3]`: `1 + 1`):
    /// bound 2. With `β = 1` the row is `y - z1 = 4`: bound 4; `β = 0.5` gives 3. The
    /// optimiser from `β = 0` gets close to 4. Fails if the sign of the term is flipped.
    func testMultiplierRecoversTheSplitOnAHandExample() throws {
        let network = try NeuralNetwork(inputShape: [2], layers: [
            .affine(AffineLayer(inputSize: 2, outputSize: 3, weights: [1, 1, 1, 0, 0, 1], bias: [0, 2, 2])), .relu,
            .affine(AffineLayer(inputSize: 3, outputSize: 1, weights: [0, 1, 1], bias: [0])),
        ])
        let box = try Box(lower: [-1, -1], upper: [1, 1])
        let unit = ActivationUnit(layer: 1, unit: 0)
        let phases = PhaseConstraints().fixing(unit, .active, width: 3)
        let y = LinearSpecification(coefficients: [[1]], constants: [0])
        func lower(_ beta: Double) throws -> Double {
            let multipliers = SplitMultipliers(values: beta == 0 ? [:] : [0: [unit: beta]])
            return try XCTUnwrap(PhaseSplitBounds.bounds(of: network, over: box, phases: phases, specification: y,
                                                         multipliers: multipliers)).result.specLower[0]
        }
        XCTAssertEqual(try lower(0), 2, accuracy: 1e-9)
        XCTAssertEqual(try lower(0.5), 3, accuracy: 1e-9)
        XCTAssertEqual(try lower(1), 4, accuracy: 1e-9)
        XCTAssertEqual(try lower(3), 2, accuracy: 1e-9, "too large a multiplier loosens again (4 - 2|1 - β| = 0), to the interval bound")
        let plain = try XCTUnwrap(PhaseSplitBounds.bounds(of: network, over: box, phases: phases, specification: y))
        let hints = plain.optimisedHints(rows: [0], specification: y, box: box, phases: phases, start: SplitMultipliers(), iterations: 20)
        let beta = try XCTUnwrap(hints.multipliers.values[0]?[unit])
        XCTAssertEqual(beta, 1, accuracy: 0.05)
        XCTAssertGreaterThan(try lower(beta), 3.9)
        // The inactive phase (`x1 + x2 <= 0`) of the same unit: the row `y + β z1 = 2 (x1 + x2) + 4`
        // for `β = 1`, bound 0, so the interval bound 2 stands: the true minimum (`y = 2` at
        // `(-1, -1)`). A flipped sign (`y - z1 = 4`) would claim 4.
        let inactive = PhaseConstraints().fixing(unit, .inactive, width: 3)
        let below = try XCTUnwrap(PhaseSplitBounds.bounds(of: network, over: box, phases: inactive, specification: y,
                                                          multipliers: SplitMultipliers(values: [0: [unit: 1]])))
        XCTAssertEqual(below.result.specLower[0], 2, accuracy: 1e-9)
    }

    /// The term keeps an inactive unit (lines `0 <= ReLU(z) <= 0`) in the columns of a
    /// back-substitution between two dense layers, which would otherwise drop it (the pass
    /// stops on a precondition): the linear bound over the input carries the term.
    func testInactiveSplitUnitKeepsItsColumn() throws {
        // z = (x, -x - 1) on x in [-1, 1]; unit 1 is split inactive (z2 <= 0: x >= -1, the
        // whole box). w = ReLU(z); v = (w1 + w2, w1); relu; y = v1 - v2 = w2 = 0 on S.
        let network = try NeuralNetwork(inputShape: [1], layers: [
            .affine(AffineLayer(inputSize: 1, outputSize: 2, weights: [1, -1], bias: [0, -1])), .relu,
            .affine(AffineLayer(inputSize: 2, outputSize: 2, weights: [1, 1, 1, 0], bias: [0, 0])), .relu,
            .affine(AffineLayer(inputSize: 2, outputSize: 1, weights: [1, -1], bias: [0])),
        ])
        let box = try Box(lower: [-1], upper: [1])
        let unit = ActivationUnit(layer: 1, unit: 1)
        let phases = PhaseConstraints().fixing(unit, .inactive, width: 2)
        let y = LinearSpecification(coefficients: [[1]], constants: [0])
        let without = try XCTUnwrap(PhaseSplitBounds.bounds(of: network, over: box, phases: phases, specification: y))
        let with = try XCTUnwrap(PhaseSplitBounds.bounds(of: network, over: box, phases: phases, specification: y,
                                                         multipliers: SplitMultipliers(values: [0: [unit: 0.5]])))
        // Over the input: y = 0 without the term; y + 0.5 z2 = -0.5 x - 0.5 with it. The
        // best bound is 0 either way (early concretisation over w2 in [0, 0]).
        XCTAssertEqual(without.result.inputCoefficients[0][0], 0, accuracy: 1e-12)
        XCTAssertEqual(with.result.inputCoefficients[0][0], -0.5, accuracy: 1e-12)
        XCTAssertEqual(with.result.inputConstants[0], -0.5, accuracy: 1e-12)
        XCTAssertEqual(with.result.specLower[0], 0, accuracy: 1e-12)
    }
}
