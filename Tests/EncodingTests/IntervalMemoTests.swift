import Network
@testable import Encoding
import XCTest

/// The interval memo (``IntervalMemo``) is a cache only: sub-problem bounds computed with the
/// parent's memo must be the same Doubles as without it, and a memo filled over another box
/// must not leak into a computation over this one.
///
/// Mutation checks: letting ``IntervalMemo`` reuse an entry without comparing the input
/// bounds fails both tests; never reusing one fails the reuse count of
/// ``testChildBoundsWithTheParentsMemoAreTheSameDoubles``.
final class IntervalMemoTests: XCTestCase {
    func testChildBoundsWithTheParentsMemoAreTheSameDoubles() {
        var rng = BoundsRandom(seed: 83)
        var children = 0, nonEmpty = 0, reused = 0
        for trial in 0..<600 {
            let network = BoundsFixtures.network(.piecewiseLinear, using: &rng)
            let box = BoundsFixtures.box(dimension: network.inputSize, using: &rng)
            let specification = BoundsFixtures.specification(outputs: network.outputSize, using: &rng)
            let phases = PhaseSplitBoundsTests.phases(network, box, using: &rng)
            guard let parent = PhaseSplitBounds.bounds(of: network, over: box, phases: phases, specification: specification,
                                                       intervals: IntervalMemo()),
                  let unit = parent.branchableUnits.randomElement(using: &rng),
                  let b = parent.breakpoint(of: unit) else { continue }
            let child = phases.constraining(unit, SplitSide(breakpoint: b, above: Bool.random(using: &rng)),
                                            width: parent.result.layerBounds[unit.layer].count)
            let intermediates = PhaseNodeIntermediates.allCases[trial % PhaseNodeIntermediates.allCases.count]
            func childBounds(_ memo: IntervalMemo?) -> PhaseSplitNodeBounds? {
                PhaseSplitBounds.bounds(of: network, over: box, phases: child, specification: specification,
                                        enclosing: parent.result.layerBounds, intermediates: intermediates,
                                        newestSplitLayer: unit.layer, intervals: memo)
            }
            let plain = childBounds(nil), memoised = childBounds(parent.intervals)
            children += 1
            XCTAssertEqual(plain == nil, memoised == nil, "trial \(trial): emptiness differs")
            guard let plain, let memoised else { continue }
            nonEmpty += 1
            assertIdentical(plain.result, memoised.result, "trial \(trial) (\(intermediates))")
            if memoised.intervals.reuses > parent.intervals.reuses { reused += 1 }
        }
        XCTAssertGreaterThan(children, 150)
        // The box never changes, so at least the first affine layer is reused by every child.
        XCTAssertEqual(reused, nonEmpty)
    }

    func testAMemoFromAnotherBoxChangesNothing() {
        var rng = BoundsRandom(seed: 89)
        var compared = 0
        for trial in 0..<200 {
            let network = BoundsFixtures.network(.piecewiseLinear, using: &rng)
            let box = BoundsFixtures.box(dimension: network.inputSize, using: &rng)
            let other = BoundsFixtures.box(dimension: network.inputSize, using: &rng)
            let specification = BoundsFixtures.specification(outputs: network.outputSize, using: &rng)
            guard let elsewhere = PhaseSplitBounds.bounds(of: network, over: other, phases: PhaseConstraints(),
                                                          specification: specification, intervals: IntervalMemo()) else { continue }
            let plain = PhaseSplitBounds.bounds(of: network, over: box, phases: PhaseConstraints(), specification: specification)
            let memoised = PhaseSplitBounds.bounds(of: network, over: box, phases: PhaseConstraints(),
                                                   specification: specification, intervals: elsewhere.intervals)
            XCTAssertEqual(plain == nil, memoised == nil, "trial \(trial): emptiness differs")
            guard let plain, let memoised else { continue }
            assertIdentical(plain.result, memoised.result, "trial \(trial)")
            // The first layer's input is the box itself: its product is this box's, not the other's.
            XCTAssertEqual(memoised.intervals.recordedInput(layer: 0), LayerBounds(lower: box.lower, upper: box.upper),
                           "trial \(trial): the first layer's product of another box was reused")
            compared += 1
        }
        XCTAssertGreaterThan(compared, 150)
    }

    private func assertIdentical(_ a: BoundResult, _ b: BoundResult, _ context: String) {
        XCTAssertEqual(a.specLower.map(\.bitPattern), b.specLower.map(\.bitPattern), "\(context): specification bounds differ")
        XCTAssertEqual(a.layerBounds.count, b.layerBounds.count)
        for (k, (x, y)) in zip(a.layerBounds, b.layerBounds).enumerated() {
            XCTAssertEqual(x.lower.map(\.bitPattern), y.lower.map(\.bitPattern), "\(context): layer \(k) lower bounds differ")
            XCTAssertEqual(x.upper.map(\.bitPattern), y.upper.map(\.bitPattern), "\(context): layer \(k) upper bounds differ")
        }
    }
}
