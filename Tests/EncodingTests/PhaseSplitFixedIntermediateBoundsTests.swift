import Foundation
import Network
@testable import Encoding
import XCTest

/// The cheap child bound of filtered smart branching
/// (``PhaseSplitBounds/fixedIntermediateBounds(of:over:phases:specification:enclosing:lowerSlopes:)``)
/// against dense sampling, as ``PhaseSplitBoundsTests``: a random sub-problem (the parent),
/// one more split of one of its branchable units (the child), and the child's bound with the
/// parent's layer bounds kept must lie below every row's Float80 value at every sample that
/// satisfies the child's constraints; an empty verdict is never contradicted by such a sample.
///
/// Mutation check: treating every ReLU unit as active in the child (its lower bound clipped
/// at 0, as if `z >= 0` held everywhere) fails ``testChildBoundsContainEveryFeasibleSample``.
final class PhaseSplitFixedIntermediateBoundsTests: XCTestCase {
    func testChildBoundsContainEveryFeasibleSample() {
        var rng = BoundsRandom(seed: 29)
        var feasibleSamples = 0, emptyChildren = 0, children = 0
        for trial in 0..<900 {
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
            let bound = PhaseSplitBounds.fixedIntermediateBounds(of: network, over: box, phases: child, specification: specification,
                                                                 enclosing: parent.result.layerBounds, lowerSlopes: slopes)
            children += 1
            if bound == nil { emptyChildren += 1 }
            for point in BoundsFixtures.samples(box, count: 200, using: &rng) {
                let values = float80Activations(network, point)
                guard PhaseSplitBoundsTests.satisfies(child, values) else { continue }
                feasibleSamples += 1
                guard let bound else {
                    XCTFail("trial \(trial): child called empty, but \(point) satisfies \(child.intervals)")
                    break
                }
                for r in 0..<specification.count {
                    let value = float80Specification(specification, row: r, values.last!)
                    XCTAssert(Float80(bound.specLower[r]) <= value, "trial \(trial): row \(r) lower \(bound.specLower[r]) above \(value)")
                }
            }
        }
        XCTAssertGreaterThan(children, 150)
        XCTAssertGreaterThan(feasibleSamples, 5_000, "the sample must exercise feasible children")
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
            return try XCTUnwrap(PhaseSplitBounds.fixedIntermediateBounds(
                of: network, over: box, phases: phases, specification: specification, enclosing: parent.result.layerBounds)).specLower[0]
        }
        XCTAssertEqual(try child(above: false), 0, accuracy: 1e-12)
        XCTAssertEqual(try child(above: true), -2, accuracy: 1e-9)
    }
}
