import Foundation
import Network
@testable import Encoding
import XCTest

/// Sub-problem bounds with fixed intermediates (``PhaseNodeIntermediates/fixed``: the
/// parent's layer bounds kept, split units clipped, only the specification rows
/// back-substituted) and with intermediates refined after the split only
/// (``PhaseNodeIntermediates/afterSplit``) against dense sampling, as
/// ``PhaseSplitBoundsTests``: a random sub-problem (the parent, refined), one more split of
/// one of its branchable units (the child), bounded in the mode, random slopes and random
/// split multipliers `β >= 0`; every layer's bounds must contain, and every row's lower bound
/// lie below, the Float80 values of every sample that satisfies the child's constraints; an
/// empty verdict is never contradicted by such a sample.
///
/// Mutation checks: clipping active units to `z <= 0` (instead of `z >= 0`) in fixed mode
/// fails ``testFixedIntermediateBoundsContainEveryFeasibleSample``; refining the split's own
/// layer or an earlier one in after-split mode fails
/// ``testAfterSplitRefinesOnlyTheLayersAfterTheSplit`` (both run on this branch).
final class PhaseSplitNodeIntermediatesTests: XCTestCase {
    func testFixedIntermediateBoundsContainEveryFeasibleSample() {
        checkChildBoundsContainEveryFeasibleSample(.fixed, seed: 41)
    }

    func testAfterSplitIntermediateBoundsContainEveryFeasibleSample() {
        checkChildBoundsContainEveryFeasibleSample(.afterSplit, seed: 47)
    }

    func checkChildBoundsContainEveryFeasibleSample(_ intermediates: PhaseNodeIntermediates, seed: UInt64) {
        var rng = BoundsRandom(seed: seed)
        var feasibleSamples = 0, children = 0, withMultipliers = 0
        for trial in 0..<700 {
            let network = BoundsFixtures.network(.piecewiseLinear, using: &rng)
            let box = BoundsFixtures.box(dimension: network.inputSize, using: &rng)
            let specification = BoundsFixtures.specification(outputs: network.outputSize, using: &rng)
            let phases = PhaseSplitBoundsTests.phases(network, box, using: &rng)
            guard let parent = PhaseSplitBounds.bounds(of: network, over: box, phases: phases, specification: specification),
                  let unit = parent.branchableUnits.randomElement(using: &rng),
                  let b = parent.breakpoint(of: unit) else { continue }
            let side = SplitSide(breakpoint: b, above: Bool.random(using: &rng))
            let child = phases.constraining(unit, side, width: parent.result.layerBounds[unit.layer].count)
            let slopes = trial % 2 == 0 ? [:] : parent.optimisedSlopes(rows: Array(0..<specification.count),
                                                                       specification: specification, box: box, iterations: 4)
            var values: [Int: [ActivationUnit: Double]] = [:]
            if trial % 3 != 0 {
                for r in 0..<specification.count {
                    for (fixed, _) in child.all { values[r, default: [:]][fixed] = Double.random(in: 0...2, using: &rng) }
                }
            }
            let multipliers = SplitMultipliers(values: values)
            if !multipliers.isEmpty { withMultipliers += 1 }
            let bounds = PhaseSplitBounds.bounds(of: network, over: box, phases: child, specification: specification,
                                                 enclosing: parent.result.layerBounds, lowerSlopes: slopes,
                                                 multipliers: multipliers, intermediates: intermediates,
                                                 newestSplitLayer: unit.layer)
            children += 1
            for point in BoundsFixtures.samples(box, count: 200, using: &rng) {
                let activations = float80Activations(network, point)
                guard PhaseSplitBoundsTests.satisfies(child, activations) else { continue }
                feasibleSamples += 1
                guard let bounds else {
                    XCTFail("trial \(trial): child called empty, but \(point) satisfies \(child.intervals)")
                    break
                }
                for (k, layer) in bounds.result.layerBounds.enumerated() {
                    for i in 0..<layer.count {
                        let v = activations[k][i]
                        XCTAssert(Float80(layer.lower[i]) <= v && v <= Float80(layer.upper[i]),
                                  "trial \(trial): layer \(k) unit \(i): \(v) outside [\(layer.lower[i]), \(layer.upper[i])]")
                    }
                }
                for r in 0..<specification.count {
                    let value = float80Specification(specification, row: r, activations.last!)
                    XCTAssert(Float80(bounds.result.specLower[r]) <= value,
                              "trial \(trial): row \(r) lower \(bounds.result.specLower[r]) above \(value)")
                }
            }
        }
        XCTAssertGreaterThan(children, 150)
        XCTAssertGreaterThan(withMultipliers, 80)
        XCTAssertGreaterThan(feasibleSamples, 5_000, "the sample must exercise feasible children")
    }

    /// Fixed intermediates do no refinement: the child's layer bounds are the parent's (up to
    /// the clip of the split unit and interval intersections), never looser, and the split
    /// unit is clipped to its side.
    func testFixedIntermediatesKeepTheParentsBoundsAndClipTheSplitUnit() {
        var rng = BoundsRandom(seed: 43)
        var checked = 0
        for _ in 0..<200 {
            let network = BoundsFixtures.network(.piecewiseLinear, using: &rng)
            let box = BoundsFixtures.box(dimension: network.inputSize, using: &rng)
            let specification = BoundsFixtures.specification(outputs: network.outputSize, using: &rng)
            guard let parent = PhaseSplitBounds.bounds(of: network, over: box, phases: PhaseConstraints(), specification: specification),
                  let unit = parent.branchableUnits.first, let b = parent.breakpoint(of: unit) else { continue }
            for above in [true, false] {
                let child = PhaseConstraints().constraining(unit, SplitSide(breakpoint: b, above: above),
                                                            width: parent.result.layerBounds[unit.layer].count)
                guard let bounds = PhaseSplitBounds.bounds(of: network, over: box, phases: child, specification: specification,
                                                           enclosing: parent.result.layerBounds, intermediates: .fixed) else { continue }
                for (k, layer) in bounds.result.layerBounds.enumerated() {
                    for i in 0..<layer.count {
                        XCTAssert(layer.lower[i] >= parent.result.layerBounds[k].lower[i] && layer.upper[i] <= parent.result.layerBounds[k].upper[i])
                    }
                }
                let clipped = bounds.result.layerBounds[unit.layer]
                XCTAssert(above ? clipped.lower[unit.unit] >= b : clipped.upper[unit.unit] <= b)
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 100)
    }

    /// After-split mode keeps every layer up to and including the split's exactly as fixed
    /// mode does (interval bounds inside the parent's, the split unit clipped), and every later
    /// activation layer inside fixed mode's (only refinement is added there); on some children
    /// the refinement after the split is strictly tighter.
    func testAfterSplitRefinesOnlyTheLayersAfterTheSplit() {
        var rng = BoundsRandom(seed: 53)
        var checked = 0, tighterAfter = 0
        for _ in 0..<400 {
            let network = BoundsFixtures.network(.piecewiseLinear, using: &rng)
            let box = BoundsFixtures.box(dimension: network.inputSize, using: &rng)
            let specification = BoundsFixtures.specification(outputs: network.outputSize, using: &rng)
            // An unrefined parent (interval intermediates), so that refining any layer up to the
            // split would show.
            guard let parent = PhaseSplitBounds.bounds(of: network, over: box, phases: PhaseConstraints(), specification: specification,
                                                       intermediates: .fixed),
                  let unit = parent.branchableUnits.randomElement(using: &rng), let b = parent.breakpoint(of: unit) else { continue }
            let child = PhaseConstraints().constraining(unit, SplitSide(breakpoint: b, above: Bool.random(using: &rng)),
                                                        width: parent.result.layerBounds[unit.layer].count)
            func bounds(_ mode: PhaseNodeIntermediates) -> [LayerBounds]? {
                PhaseSplitBounds.bounds(of: network, over: box, phases: child, specification: specification,
                                        enclosing: parent.result.layerBounds, intermediates: mode,
                                        newestSplitLayer: unit.layer)?.result.layerBounds
            }
            guard let fixed = bounds(.fixed), let after = bounds(.afterSplit) else { continue }
            for k in fixed.indices {
                if k <= unit.layer {
                    XCTAssertEqual(after[k].lower, fixed[k].lower, "layer \(k) is not after the split at \(unit.layer)")
                    XCTAssertEqual(after[k].upper, fixed[k].upper, "layer \(k) is not after the split at \(unit.layer)")
                } else if k < fixed.count - 1 {
                    // (The output layer is back-substituted in every mode, each with its own
                    // relaxations: no order between the two there.)
                    for i in 0..<fixed[k].count {
                        XCTAssert(after[k].lower[i] >= fixed[k].lower[i] && after[k].upper[i] <= fixed[k].upper[i],
                                  "layer \(k) of \(fixed.count), split at \(unit.layer): [\(after[k].lower[i]), \(after[k].upper[i])] vs [\(fixed[k].lower[i]), \(fixed[k].upper[i])]")
                    }
                    if zip(after[k].lower, fixed[k].lower).contains(where: { $0 > $1 }) { tighterAfter += 1 }
                }
            }
            checked += 1
        }
        XCTAssertGreaterThan(checked, 100)
        XCTAssertGreaterThan(tighterAfter, 10, "the refinement after the split must tighten some layer")
    }

    /// Hand example: `z = x` on `x in [-1, 2]`, `y = ReLU(z)`, row `-y`. Unsplit, the ReLU's
    /// upper line `(2/3)(z + 1)` gives `-y >= -2`; the inactive child (`z <= 0`) has `y = 0`,
    /// so its bound is exactly 0 even with the parent's layer bounds kept; the active child
    /// (`z >= 0`) keeps `-y = -z >= -2`.
    func testSplittingTheOnlyReLUMakesItsChildExact() throws {
        let network = try NeuralNetwork(inputShape: [1], layers: [
            .affine(AffineLayer(inputSize: 1, outputSize: 1, weights: [1], bias: [0])), .relu,
        ])
        let box = try Box(lower: [-1], upper: [2])
        let specification = LinearSpecification(coefficients: [[-1]], constants: [0])
        let parent = try XCTUnwrap(PhaseSplitBounds.bounds(of: network, over: box, phases: PhaseConstraints(), specification: specification))
        XCTAssertEqual(parent.result.specLower[0], -2, accuracy: 1e-9)
        let unit = ActivationUnit(layer: 1, unit: 0)
        func child(above: Bool) throws -> Double {
            let phases = PhaseConstraints().constraining(unit, SplitSide(breakpoint: 0, above: above), width: 1)
            return try XCTUnwrap(PhaseSplitBounds.bounds(
                of: network, over: box, phases: phases, specification: specification, enclosing: parent.result.layerBounds,
                intermediates: .fixed)).result.specLower[0]
        }
        XCTAssertEqual(try child(above: false), 0, accuracy: 1e-12)
        XCTAssertEqual(try child(above: true), -2, accuracy: 1e-9)
    }
}
