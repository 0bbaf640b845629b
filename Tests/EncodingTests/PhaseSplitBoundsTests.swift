import Foundation
import Network
@testable import Encoding
import XCTest

/// Split-aware bounds (``PhaseSplitBounds``) against dense sampling: on hundreds of random
/// ReLU / LeakyReLU / clip networks, boxes and phase sets, every sample whose Float80 forward
/// pass satisfies the phase constraints (the sub-problem's points) lies inside every layer's
/// bounds and above every specification row's lower bound, and an "empty" verdict is never
/// contradicted by such a sample. Float80 is within ~2^-64 of exact, far below the bounds'
/// rounding margins, so no tolerance is used.
///
/// Half the trials use lower slopes optimised by
/// ``PhaseSplitNodeBounds/optimisedSlopes(rows:specification:box:ascent:iterations:)``, evaluated
/// inside the plain bounds as the search does.
///
/// Mutation checks (each fails ``testSplitAwareBoundsContainEveryFeasibleSample``): clipping
/// an active unit's upper bound instead of its lower one (the sign of a split constraint
/// dropped or flipped), or skipping the clip and treating a fixed active unit as the
/// identity anyway.
final class PhaseSplitBoundsTests: XCTestCase {
    /// A random phase set: mostly the activation pattern of one sample (so the sub-problem is
    /// not empty), sometimes random phases (often empty).
    static func phases(_ network: NeuralNetwork, _ box: Box, using rng: inout BoundsRandom) -> PhaseConstraints {
        let reference = BoundsFixtures.samples(box, count: 1, using: &rng).last!
        let values = float80Activations(network, reference)
        var phases = PhaseConstraints()
        let followPattern = Int.random(in: 0..<4, using: &rng) != 0
        for (k, layer) in network.layers.enumerated() {
            // The breakpoints of the layer's units: 0 for ReLU-like units, p and q for clip.
            let breakpoints: [Double]
            switch layer {
            case .relu, .leakyRelu: breakpoints = [0]
            case .clip(let p, let q): breakpoints = [p, q]
            case .affine, .tanh, .sigmoid, .enclosedScale: continue
            }
            for i in 0..<values[k].count where Int.random(in: 0..<3, using: &rng) == 0 {
                let unit = ActivationUnit(layer: k, unit: i)
                for b in breakpoints where b.isFinite && (breakpoints.count == 1 || Bool.random(using: &rng)) {
                    let above = followPattern ? values[k][i] >= Float80(b) : Bool.random(using: &rng)
                    phases = phases.constraining(unit, SplitSide(breakpoint: b, above: above), width: values[k].count)
                }
            }
        }
        return phases
    }

    /// Whether a Float80 forward pass satisfies every split constraint with a margin (a value
    /// within 1e-12 of an interval end is not counted, so the comparison in Float80 is the
    /// exact one).
    static func satisfies(_ phases: PhaseConstraints, _ values: [[Float80]]) -> Bool {
        phases.intervals.allSatisfy { unit, lower, upper in
            let z = values[unit.layer][unit.unit]
            return (lower == -.infinity || z > Float80(lower) + 1e-12) && (upper == .infinity || z < Float80(upper) - 1e-12)
        }
    }

    func testSplitAwareBoundsContainEveryFeasibleSample() {
        var rng = BoundsRandom(seed: 13)
        var feasibleSamples = 0, emptyProblems = 0, clippedProblems = 0
        for trial in 0..<400 {
            let network = BoundsFixtures.network(.piecewiseLinear, using: &rng)
            let box = BoundsFixtures.box(dimension: network.inputSize, using: &rng)
            let specification = BoundsFixtures.specification(outputs: network.outputSize, using: &rng)
            let phases = Self.phases(network, box, using: &rng)
            if phases.count > 0 { clippedProblems += 1 }
            let plain = PhaseSplitBounds.bounds(of: network, over: box, phases: phases, specification: specification)
            if plain == nil { emptyProblems += 1 }
            // Every other trial: the bounds with optimised slopes, computed inside the plain ones.
            var bounds = plain
            if let plain, trial % 2 == 1 {
                let slopes = plain.optimisedSlopes(rows: Array(0..<specification.count), specification: specification,
                                                   box: box, iterations: 8)
                bounds = PhaseSplitBounds.bounds(of: network, over: box, phases: phases, specification: specification,
                                                 enclosing: plain.result.layerBounds, lowerSlopes: slopes)
            }
            for point in BoundsFixtures.samples(box, count: 200, using: &rng) {
                let values = float80Activations(network, point)
                guard Self.satisfies(phases, values) else { continue }
                feasibleSamples += 1
                guard let bounds else {
                    XCTFail("trial \(trial): bounds call the sub-problem empty, but \(point) satisfies \(phases.intervals)")
                    break
                }
                for (k, layer) in bounds.result.layerBounds.enumerated() {
                    for i in 0..<layer.count {
                        let v = values[k][i]
                        XCTAssert(Float80(layer.lower[i]) <= v && v <= Float80(layer.upper[i]),
                                  "trial \(trial): layer \(k) unit \(i): \(v) outside [\(layer.lower[i]), \(layer.upper[i])]")
                    }
                }
                for r in 0..<specification.count {
                    let value = float80Specification(specification, row: r, values.last!)
                    XCTAssert(Float80(bounds.result.specLower[r]) <= value,
                              "trial \(trial): row \(r) lower \(bounds.result.specLower[r]) above \(value)")
                }
            }
        }
        XCTAssertGreaterThan(feasibleSamples, 10_000, "the sample must exercise feasible sub-problems")
        XCTAssertGreaterThan(emptyProblems, 10, "the sample must exercise empty sub-problems")
        XCTAssertGreaterThan(clippedProblems, 200)
    }

    /// Hand example: `y = ReLU(x)` on `x in [-1, 2]`. Fixing the unit inactive (`x <= 0`)
    /// makes the output exactly 0, so its bounds are `[0, 0]`; fixing it active gives the
    /// identity on `[0, 2]`. Without a phase the ReLU's upper line is `(2/3)(x + 1)`, so
    /// `y <= 2` only. `-y` as the specification row: lower bound `-2` active, `0` inactive.
    func testFixedPhasesMakeTheReLUExact() throws {
        let network = try NeuralNetwork(inputShape: [1], layers: [
            .affine(AffineLayer(inputSize: 1, outputSize: 1, weights: [1], bias: [0])), .relu,
            .affine(AffineLayer(inputSize: 1, outputSize: 1, weights: [1], bias: [0])),
        ])
        let box = try Box(lower: [-1], upper: [2])
        let unit = ActivationUnit(layer: 1, unit: 0)
        let minusY = LinearSpecification(coefficients: [[-1]], constants: [0])
        let inactive = try XCTUnwrap(PhaseSplitBounds.bounds(of: network, over: box,
            phases: PhaseConstraints().fixing(unit, .inactive, width: 1), specification: minusY))
        XCTAssertEqual(inactive.result.layerBounds[1], LayerBounds(lower: [-1], upper: [0]))
        XCTAssertEqual(inactive.result.outputBounds.upper, [0])
        XCTAssertEqual(inactive.result.specLower[0], 0, accuracy: 1e-12)
        let active = try XCTUnwrap(PhaseSplitBounds.bounds(of: network, over: box,
            phases: PhaseConstraints().fixing(unit, .active, width: 1), specification: minusY))
        XCTAssertEqual(active.result.layerBounds[1], LayerBounds(lower: [0], upper: [2]))
        XCTAssertEqual(active.result.specLower[0], -2, accuracy: 1e-12)
        XCTAssertTrue(active.branchableUnits.isEmpty)
        let free = try XCTUnwrap(PhaseSplitBounds.bounds(of: network, over: box, phases: PhaseConstraints(),
                                                         specification: minusY))
        XCTAssertEqual(free.branchableUnits, [unit])
    }

    /// `x in [1, 2]` makes the ReLU's input positive: fixing it inactive (`x <= 0`) leaves no
    /// point, and the bounds say so (nil).
    func testContradictoryPhaseIsEmpty() throws {
        let network = try NeuralNetwork(inputShape: [1], layers: [
            .affine(AffineLayer(inputSize: 1, outputSize: 1, weights: [1], bias: [0])), .relu,
        ])
        let box = try Box(lower: [1], upper: [2])
        XCTAssertNil(PhaseSplitBounds.bounds(of: network, over: box,
            phases: PhaseConstraints().fixing(ActivationUnit(layer: 1, unit: 0), .inactive, width: 1),
            specification: .none))
        XCTAssertNotNil(PhaseSplitBounds.bounds(of: network, over: box,
            phases: PhaseConstraints().fixing(ActivationUnit(layer: 1, unit: 0), .active, width: 1),
            specification: .none))
    }

    /// Hand example: `y = clip(x, 0, 1)` on `x in [-1, 2]`. The unit has two breakpoints;
    /// `breakpoint(of:)` picks the one farther from both ends (0 and 1 tie at distance 1: 0).
    /// Held to `x >= 1` (above the upper breakpoint) the output is exactly 1; to `x <= 0`,
    /// exactly 0; to `0 <= x <= 1` (both sides fixed), the identity on `[0, 1]`, so `-y`
    /// has lower bound `-1`, and no breakpoint is left inside. Fails if a side's sign is
    /// flipped in ``PhaseConstraints/constraining(_:_:width:)`` or in the clip of the bounds.
    func testSplitConstraintsMakeTheClipExact() throws {
        let network = try NeuralNetwork(inputShape: [1], layers: [
            .affine(AffineLayer(inputSize: 1, outputSize: 1, weights: [1], bias: [0])), .clip(lower: 0, upper: 1),
        ])
        let box = try Box(lower: [-1], upper: [2])
        let unit = ActivationUnit(layer: 1, unit: 0)
        let minusY = LinearSpecification(coefficients: [[-1]], constants: [0])
        func bounds(_ sides: [SplitSide]) throws -> PhaseSplitNodeBounds {
            let phases = sides.reduce(PhaseConstraints()) { $0.constraining(unit, $1, width: 1) }
            return try XCTUnwrap(PhaseSplitBounds.bounds(of: network, over: box, phases: phases, specification: minusY))
        }
        let free = try bounds([])
        XCTAssertEqual(free.branchableUnits, [unit])
        XCTAssertEqual(free.breakpoint(of: unit), 0)
        let saturated = try bounds([SplitSide(breakpoint: 1, above: true)])
        XCTAssertEqual(saturated.result.layerBounds[1], LayerBounds(lower: [1], upper: [2]))
        XCTAssertEqual(saturated.result.outputBounds, LayerBounds(lower: [1], upper: [1]))
        let off = try bounds([SplitSide(breakpoint: 0, above: false)])
        XCTAssertEqual(off.result.outputBounds, LayerBounds(lower: [0], upper: [0]))
        let linear = try bounds([SplitSide(breakpoint: 0, above: true), SplitSide(breakpoint: 1, above: false)])
        XCTAssertEqual(linear.result.layerBounds[1], LayerBounds(lower: [0], upper: [1]))
        XCTAssertEqual(linear.result.specLower[0], -1, accuracy: 1e-12)
        XCTAssertTrue(linear.branchableUnits.isEmpty)
        let above = try bounds([SplitSide(breakpoint: 0, above: true)])
        XCTAssertEqual(above.breakpoint(of: unit), 1, "only the upper breakpoint is left inside (0, 2)")
        let phases = PhaseConstraints().constraining(unit, SplitSide(breakpoint: 0, above: true), width: 1)
            .constraining(unit, SplitSide(breakpoint: 1, above: false), width: 1)
        XCTAssertEqual(phases.count, 1)
        XCTAssertTrue(phases.isSatisfied(by: [[0.5], [0.5], [0.5]]))
        XCTAssertFalse(phases.isSatisfied(by: [[1.5], [1.5], [1]]))
        XCTAssertNil(phases.phase(of: unit), "an interval other than one side of 0 is no ReLU phase")
    }
}

/// The optimised lower slopes of LeakyReLU units (``PhaseSplitNodeBounds/slopeFloor(_:)``):
/// they stay in `[alpha, 1]`, and the sound bound computed with them is never below the
/// plain one by more than rounding and is strictly above it on a good share of random
/// LeakyReLU networks (a slope optimisation that skipped LeakyReLU layers fails the latter).
final class LeakyReLUSlopeTests: XCTestCase {
    func testLeakyReLUSlopesStayInRangeAndRaiseTheBound() {
        var rng = BoundsRandom(seed: 29)
        var raised = 0, optimised = 0
        for trial in 0..<120 {
            let alpha = [0.01, 0.2, -0.3][trial % 3]
            let (network, box) = BoundsFixtures.activationChain(.leakyRelu(alpha: alpha), using: &rng)
            let specification = BoundsFixtures.specification(outputs: 2, using: &rng)
            guard let plain = PhaseSplitBounds.bounds(of: network, over: box, phases: PhaseConstraints(), specification: specification)
            else { return XCTFail("no phases: never empty") }
            let slopes = plain.optimisedSlopes(rows: Array(0..<specification.count), specification: specification, box: box,
                                               iterations: 20)
            for (k, row) in slopes {
                guard case .leakyRelu = network.layers[k] else { XCTFail("slopes for layer \(k), not LeakyReLU"); continue }
                optimised += 1
                for slope in row where !slope.isNaN { XCTAssert(alpha <= slope && slope <= 1, "slope \(slope), alpha \(alpha)") }
            }
            guard let tuned = PhaseSplitBounds.bounds(of: network, over: box, phases: PhaseConstraints(), specification: specification,
                                                      enclosing: plain.result.layerBounds, lowerSlopes: slopes) else {
                XCTFail("trial \(trial): optimised slopes called the box empty")
                continue
            }
            let before = plain.result.specLower.reduce(0, +), after = tuned.result.specLower.reduce(0, +)
            XCTAssertGreaterThanOrEqual(after, before - 1e-9 * max(1, abs(before)), "trial \(trial)")
            if after > before + 1e-6 * max(1, abs(before)) { raised += 1 }
        }
        XCTAssertGreaterThan(optimised, 60, "most trials must have unstable LeakyReLU units")
        XCTAssertGreaterThan(raised, 20, "optimised slopes must raise the bound on a good share of the trials")
    }
}
