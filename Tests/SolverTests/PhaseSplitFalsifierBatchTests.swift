import Encoding
import Network
@testable import Solver
import Support
import XCTest

/// The lockstep descents of ``PhaseSplitFalsifier`` and the batched gradients under them
/// (``NeuralNetwork/batchGradients(_:outputWeights:)``): a batch gives each row the values and
/// gradient of the single-row passes (bit for bit for one row, within rounding for more),
/// and descending from all starts at once returns what the one-at-a-time descents find first
/// in (step, start) order.
final class PhaseSplitFalsifierBatchTests: XCTestCase {
    /// Random rows of random networks (ReLU, LeakyReLU, clip, tanh, sigmoid): a batch of one
    /// gives ``NeuralNetwork/evaluate(_:)`` exactly (its gradient is
    /// ``NeuralNetwork/valueAndGradient(at:outputWeights:)`` itself, checked against finite
    /// differences in `GradientTests`); every row of a batch of several agrees with the
    /// single-row gradient to rounding (a relative 1e-9, points away from kinks).
    func testBatchGradientsMatchSingleRowGradients() {
        var rng = SplitMix64(seed: 4_242)
        var compared = 0
        for trial in 0..<200 {
            let network = AttackFixtures.randomNetwork(&rng, smooth: trial % 3 == 0)
            let count = Int.random(in: 1...6, using: &rng)
            let rows = (0..<count).map { _ in (0..<network.inputSize).map { _ in Double.random(in: -1...1, using: &rng) } }
            let weights = (0..<count).map { _ in (0..<network.outputSize).map { _ in Double.random(in: -1...1, using: &rng) } }
            let forward = network.batchActivations(rows.flatMap { $0 }, count: count)
            let gradients = network.batchGradients(forward, outputWeights: weights.flatMap { $0 })
            XCTAssertEqual(forward.outputs, network.evaluate(batch: rows.flatMap { $0 }, count: count))
            for r in 0..<count {
                let single = network.valueAndGradient(at: rows[r], outputWeights: weights[r]).gradient
                let batched = Array(gradients[(r * network.inputSize)..<((r + 1) * network.inputSize)])
                if count == 1 {
                    XCTAssertEqual(Array(forward.output(row: 0)), network.evaluate(rows[0]))
                } else {
                    for (b, s) in zip(batched, single) { XCTAssertEqual(b, s, accuracy: 1e-9 * max(1, abs(s))) }
                }
                compared += 1
            }
        }
        XCTAssertGreaterThan(compared, 400)
    }

    /// On random small networks and boxes, for every target and a set of starts: the lockstep
    /// descent finds a counterexample exactly when some start finds one on its own, and returns
    /// the point of the lowest-numbered start among those that find one after the fewest steps
    /// (a start's steps before its find are the steps its own descent counts); the same with
    /// every target's starts in one batch (``PhaseSplitFalsifier/descend(disjuncts:from:steps:expired:effort:)``).
    func testLockstepDescentReturnsTheEarliestOneAtATimeFind() throws {
        var rng = SplitMix64(seed: 2_027)
        var finds = 0, misses = 0
        var queries = [try PhaseSplitFalsifierTests.l1BallQuery(n: 6, radius: 0.3)]
        while queries.count < 120 {
            let network = AttackFixtures.randomNetwork(&rng)
            let center = (0..<network.inputSize).map { _ in Double.random(in: -1...1, using: &rng) }
            let radius = Double.random(in: 0.05...0.8, using: &rng)
            let box = try Box(lower: center.map { $0 - radius }, upper: center.map { $0 + radius })
            let y = network.evaluate(box.center)
            let trueClass = y.indices.max { y[$0] < y[$1] }!
            queries.append(SafetyQuery(network: network, box: box,
                                       property: .misclassification(outputCount: network.outputSize, trueClass: trueClass)))
        }
        for query in queries {
            let falsifier = PhaseSplitFalsifier(query: query, options: FalsifierOptions())
            let starts = (0..<5).map { _ in RandomSearchAttack.uniformPoint(in: query.box, using: &rng) }
            // All targets at once (the whole-box search's batch): rows in target, then start order.
            var rows: [(disjunct: Int, start: [Double])] = []
            for d in query.property.disjuncts.indices { rows += starts.map { (d, $0) } }
            var earliest: (steps: Int, point: [Double])?
            for row in rows {
                var alone = FalsifierEffort()
                if let found = falsifier.descend(disjunct: row.disjunct, from: row.start, steps: 12, expired: { false }, effort: &alone),
                   earliest.map({ alone.steps < $0.steps }) ?? true {
                    earliest = (alone.steps, found.input)
                }
            }
            var allEffort = FalsifierEffort()
            let all = falsifier.descend(disjuncts: rows.map(\.disjunct), from: rows.map(\.start), steps: 12,
                                        expired: { false }, effort: &allEffort)
            XCTAssertEqual(all?.input, earliest?.point)
            for d in query.property.disjuncts.indices {
                var best: (steps: Int, point: [Double])?
                for start in starts {
                    var alone = FalsifierEffort()
                    if let found = falsifier.descend(disjunct: d, from: start, steps: 12, expired: { false }, effort: &alone),
                       best.map({ alone.steps < $0.steps }) ?? true {
                        best = (alone.steps, found.input)
                    }
                }
                var effort = FalsifierEffort()
                let lockstep = falsifier.descend(disjunct: d, from: starts, steps: 12, expired: { false }, effort: &effort)
                XCTAssertEqual(lockstep?.input, best?.point)
                XCTAssertEqual(effort.candidates, starts.count)
                if let best {
                    XCTAssertEqual(effort.steps, best.steps * starts.count)
                    finds += 1
                } else {
                    XCTAssertEqual(effort.steps, 12 * starts.count)
                    misses += 1
                }
            }
        }
        XCTAssertGreaterThan(finds, 20, "the sample must exercise counterexamples")
        XCTAssertGreaterThan(misses, 20, "and descents that find none")
    }
}
