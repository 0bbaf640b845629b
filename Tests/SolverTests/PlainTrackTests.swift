import Encoding
import Network
@testable import Solver
import XCTest

/// The split search's plain track (``SearchSettings/plainTrackPeriod``) only looks for
/// counterexamples: it must never change a proof (same verdict, same proof leaves, same
/// main-search node count), every violation it reports must reproduce in the float forward
/// pass (and never on a query the search without it proves), the verdicts must agree with
/// the independent naive Z3 oracle, and the thread count must not change its results either.
final class PlainTrackTests: XCTestCase {
    /// Tiny random networks (naive Z3 decides them in milliseconds), the plain track started
    /// after 2 nodes and given every second batch.
    func testPlainTrackPipelineAgreesWithNaiveZ3() throws {
        var configuration = QueryConfiguration()
        configuration.search.searchBatch = 2
        configuration.search.strongBranchingDepth = 4
        configuration.leaves.maxDepth = 14
        configuration.attack.escalateAfterNodes = 2
        configuration.search.plainTrackPeriod = 2
        let counts = try PipelineDifferentialTests.runDifferential(configuration: configuration, seed: 79, cases: 120)
        XCTAssertGreaterThan(counts.robust, 10, "the sample must exercise proofs")
        XCTAssertGreaterThan(counts.violated, 10, "the sample must exercise counterexamples")
    }

    /// Deep searches on wider random networks (too big for the naive oracle): the search
    /// without the plain track is the reference, every counterexample is checked by the float
    /// forward pass, and a search that ends on the node budget has spent it on the main search.
    func testPlainTrackKeepsProofsAndFindsOnlyRealCounterexamples() throws {
        var rng = Z3SeededGenerator(seed: 77)
        var without = QueryConfiguration()
        without.search.searchBatch = 4
        without.search.strongBranchingDepth = 3
        without.leaves.maxDepth = 14
        without.attack.escalateAfterNodes = 8
        // No escalated attack: at node 8 it would find most counterexamples before the plain
        // track gets a batch, and this test is about the plain track's own finds.
        without.attack.escalatedAttack = nil
        without.limits.maxNodes = 100  // some searches end on the budget, which only the main search spends
        without.attack.wholeBox = AttackConfiguration(restarts: 1, steps: 0)
        var with = without
        with.search.plainTrackPeriod = 2
        var withThreads = with
        withThreads.search.searchThreads = 3
        let plain = try QuerySolver(configuration: without)
        let tracked = try QuerySolver(configuration: with)
        let trackedThreads = try QuerySolver(configuration: withThreads)
        var proofs = 0, plainTrackRuns = 0, plainTrackFinds = 0, budgetEnds = 0
        for trial in 0..<40 {
            // Unsafe: output i at least a threshold near the largest sampled value (so that
            // searches are long and some end in counterexamples).
            let (network, box, highest, lowest) = try BatchedSearchTests.sampledOutputRanges(&rng)
            let slack = [-0.01, 0.005, 0.03].randomElement(using: &rng)!
            let disjuncts = (0..<3).map { i -> [OutputAtom] in
                var coefficients = [0.0, 0.0, 0.0]
                coefficients[i] = -1
                return [OutputAtom(coefficients: coefficients, constant: highest[i] + slack * (highest[i] - lowest[i]))]
            }
            let property = OutputProperty(outputCount: 3, disjuncts: disjuncts)
            let query = SafetyQuery(network: network, box: box, property: property)
            let reference = plain.solve(query), result = tracked.solve(query)
            let threaded = trackedThreads.solve(query)
            XCTAssertEqual(threaded.verdict, result.verdict, "trial \(trial)")
            XCTAssertEqual(threaded.statistics, result.statistics, "trial \(trial)")
            if result.statistics.plainTrackNodes > 0 { plainTrackRuns += 1 }
            switch (result.verdict, reference.verdict) {
            case (.holds, .holds):
                proofs += 1
                XCTAssertEqual(result.leaves, reference.leaves, "trial \(trial): the plain track changed the proof")
                XCTAssertEqual(result.statistics.nodes - result.statistics.plainTrackNodes, reference.statistics.nodes,
                               "trial \(trial)")
            case (.violated(let counterexample), .violated), (.violated(let counterexample), .unknown):
                if result.statistics.plainTrackFound { plainTrackFinds += 1 }
                XCTAssertTrue(box.contains(counterexample.input), "trial \(trial)")
                XCTAssertNotNil(property.violatedDisjunct(network.evaluate(counterexample.input)),
                                "trial \(trial): the counterexample does not reproduce")
            case (.unknown, .unknown):
                budgetEnds += 1
                XCTAssertEqual(result.statistics.nodes - result.statistics.plainTrackNodes, without.limits.maxNodes, "trial \(trial)")
                XCTAssertEqual(reference.statistics.nodes, without.limits.maxNodes, "trial \(trial)")
            default:
                XCTFail("trial \(trial): with the plain track \(result.verdict), without it \(reference.verdict)")
            }
        }
        XCTAssertGreaterThan(proofs, 5, "the sample must exercise proofs")
        XCTAssertGreaterThan(plainTrackRuns, 10, "the sample must run the plain track")
        XCTAssertGreaterThan(budgetEnds, 0, "the sample must exercise the node budget")
        XCTAssertGreaterThan(plainTrackFinds, 0, "the sample must exercise counterexamples found by the plain track")
    }

    func testThePeriodIsInTheIdentityTextOnlyWhenSet() {
        let plain = QueryConfiguration()
        XCTAssertFalse(plain.description.contains("plainTrackPeriod"), plain.description)
        var tracked = plain
        tracked.search.plainTrackPeriod = QueryConfiguration.oneShotPlainTrackPeriod
        XCTAssertTrue(tracked.description.contains("plainTrackPeriod: \(QueryConfiguration.oneShotPlainTrackPeriod)"),
                      tracked.description)
    }
}
