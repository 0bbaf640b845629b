import Encoding
import Network
@testable import Solver
import Support
import XCTest

/// Filtered smart branching (``PhaseSplitPreparation/branch(_:phases:slopes:open:best:)``):
/// among its candidates it picks the unit whose worse child has the best bound (checked
/// against every branchable unit's children bounded independently), with one candidate it
/// is the BaBSR choice, and the search's verdicts and node counts do not depend on threads.
/// Soundness of the search with it (the default) is checked by the differential tests
/// (``PhaseSplitSearchTests``, ``PipelineDifferentialTests``).
///
/// Mutation check: taking the better child instead of the worse one (`values.max()` as
/// `worse`) fails ``testFilteredChoiceHasTheBestWorseChild``.
final class PhaseSplitBranchingTests: XCTestCase {
    /// A random ReLU network with two hidden layers of 6-10 units (enough unstable units to
    /// choose among), a box around a random centre and the robustness property of the
    /// centre's class.
    static func randomQuery(_ rng: inout SplitMix64) throws -> SafetyQuery {
        let sizes = [Int.random(in: 2...4, using: &rng), Int.random(in: 6...10, using: &rng),
                     Int.random(in: 6...10, using: &rng), 3]
        var layers: [Layer] = []
        for k in 1..<sizes.count {
            let weights = (0..<(sizes[k] * sizes[k - 1])).map { _ in Double.random(in: -1...1, using: &rng) }
            let bias = (0..<sizes[k]).map { _ in Double.random(in: -0.5...0.5, using: &rng) }
            layers.append(.affine(AffineLayer(inputSize: sizes[k - 1], outputSize: sizes[k], weights: weights, bias: bias)))
            if k < sizes.count - 1 { layers.append(.relu) }
        }
        let network = try NeuralNetwork(inputShape: [sizes[0]], layers: layers)
        let centre = (0..<sizes[0]).map { _ in Double.random(in: -1...1, using: &rng) }
        let radius = Double.random(in: 0.1...0.6, using: &rng)
        let box = try Box(lower: centre.map { $0 - radius }, upper: centre.map { $0 + radius })
        let y = network.evaluate(centre)
        let trueClass = y.indices.max { y[$0] < y[$1] }!
        return SafetyQuery(network: network, box: box, property: .misclassification(outputCount: 3, trueClass: trueClass))
    }

    /// The worse child's value (``BranchingOptions/Objective``) of splitting `unit`, with the
    /// children bounded one by one as the oracle.
    static func worseChild(_ preparation: PhaseSplitPreparation, _ bounds: PhaseSplitNodeBounds, _ unit: ActivationUnit,
                           open: [Int], objective: BranchingOptions.Objective) -> Double {
        let b = bounds.breakpoint(of: unit)!
        return [true, false].map { above -> Double in
            let phases = PhaseConstraints().constraining(unit, SplitSide(breakpoint: b, above: above),
                                                         width: bounds.result.layerBounds[unit.layer].count)
            guard let child = PhaseSplitBounds.bounds(
                of: preparation.query.network, over: preparation.query.box, phases: phases,
                specification: preparation.specification, enclosing: bounds.result.layerBounds, intermediates: .fixed)?.result
            else { return .infinity }
            let values = open.map { d in preparation.rows[d].map { child.specLower[$0] }.max()! }
            switch objective {
            case .lowest: return values.min()!
            case .negativeSum: return values.reduce(0) { $0 + min($1, 0) }
            }
        }.min()!
    }

    func testFilteredChoiceHasTheBestWorseChild() throws {
        var rng = SplitMix64(seed: 2_024)
        var compared = 0, differentFromBaBSR = 0
        for _ in 0..<60 {
            let query = try Self.randomQuery(&rng)
            let (specification, rows) = query.specification
            guard let bounds = PhaseSplitBounds.bounds(of: query.network, over: query.box, phases: PhaseConstraints(),
                                                       specification: specification) else { continue }
            let open = InputSplitSearch.openDisjuncts(bounds.result.specLower, rows: rows, among: Array(rows.indices))
            guard !open.isEmpty else { continue }
            for objective in BranchingOptions.Objective.allCases {
                var preparation = PhaseSplitPreparation(query: query, specification: specification, rows: rows)
                let best = open.map { preparation.bestAtom(bounds.result, $0) }
                let scored = bounds.branchingScores(rows: best, specification: specification).filter { $0.score > 0 }
                guard scored.count >= 2 else { continue }
                preparation.branching.candidates = 1
                let babsr = try XCTUnwrap(preparation.branch(bounds, phases: PhaseConstraints(), slopes: [:], open: open, best: best))
                let plain = try XCTUnwrap(preparation.choose(bounds, rows: best))
                XCTAssertEqual(babsr.unit, plain.unit, "one candidate is the BaBSR choice")
                XCTAssertEqual(babsr.first, plain.first)
                preparation.branching.candidates = scored.count
                preparation.branching.objective = objective
                let chosen = try XCTUnwrap(preparation.branch(bounds, phases: PhaseConstraints(), slopes: [:], open: open, best: best))
                let value = Self.worseChild(preparation, bounds, chosen.unit, open: open, objective: objective)
                for candidate in scored {
                    XCTAssertGreaterThanOrEqual(value, Self.worseChild(preparation, bounds, candidate.unit, open: open, objective: objective),
                                                "\(objective): \(chosen.unit) chosen over \(candidate.unit)")
                }
                compared += 1
                if chosen.unit != babsr.unit { differentFromBaBSR += 1 }
            }
        }
        XCTAssertGreaterThan(compared, 30)
        XCTAssertGreaterThan(differentFromBaBSR, 5, "the sample must exercise choices other than BaBSR's")
    }

    /// Filtered smart branching runs inside the batch's parallel preparation: the same verdicts
    /// and node counts on 1 and 4 threads.
    func testVerdictsAndNodeCountsDoNotDependOnThreads() throws {
        var rng = SplitMix64(seed: 77)
        var searched = 0
        for _ in 0..<40 {
            let query = try Self.randomQuery(&rng)
            var results: [QueryResult] = []
            for threads in [1, 4] {
                var configuration = QueryConfiguration()
                configuration.attack.useAttack = false
                configuration.phaseSplit.engine = .phase
                configuration.phaseSplit.branching.candidates = 4
                configuration.search.searchThreads = threads
                results.append(try QuerySolver(configuration: configuration).solve(query))
            }
            XCTAssertEqual(results[0].verdict.label, results[1].verdict.label)
            XCTAssertEqual(results[0].statistics.nodes, results[1].statistics.nodes)
            if results[0].statistics.nodes > 2 { searched += 1 }
        }
        XCTAssertGreaterThan(searched, 3, "the sample must exercise searches")
    }
}
