import Encoding
import Foundation
import Network
@testable import Solver
import XCTest

/// The ReLU-phase engine (``PhaseSplitSearch``) against independent oracles: the naive
/// SMT-LIB2 encoding (``PipelineDifferentialTests/naiveSMT(_:_:_:)``: no bounds, one `ite`
/// per unit, exact rationals) decided by cvc5 or Z3 (``NaiveOracle``), dense sampling of
/// every ROBUST box, and the exact check of every counterexample.
///
/// Mutation checks: flipping the clip of a fixed phase in ``PhaseSplitBounds`` (an active unit
/// clipped to `z <= 0`), or treating a fixed unit's empty interval as "closed" without the
/// phase, makes ``testForcedDeepPhaseSplitsAgreeWithNaiveZ3`` report ROBUST on violated
/// boxes; splitting one child only (`z >= 0` twice) does too.
final class PhaseSplitSearchTests: XCTestCase {
    /// The phase engine on every query with a ReLU or LeakyReLU layer, without the whole-box attack (so that the search
    /// itself must find counterexamples and proofs).
    static func phaseConfiguration(leafThreshold: Int) -> QueryConfiguration {
        var configuration = QueryConfiguration()
        configuration.attack.useAttack = false
        configuration.phaseSplit.engine = .phase
        configuration.phaseSplit.leafUnstableThreshold = leafThreshold
        // Networks without a ReLU or LeakyReLU layer keep input splitting; its depth limit
        // sends their deep sub-boxes to Z3 within the node budget.
        configuration.leaves.maxDepth = 12
        return configuration
    }

    /// Z3 leaves take sub-problems with up to 2 unstable units: the leaf encoding with fixed
    /// phases substituted is exercised.
    func testPhaseEngineAgreesWithNaiveZ3() throws {
        let counts = try PipelineDifferentialTests.runDifferential(
            configuration: Self.phaseConfiguration(leafThreshold: 2), seed: 131, cases: 150)
        XCTAssertGreaterThan(counts.robust, 10, "the sample must exercise proofs")
        XCTAssertGreaterThan(counts.violated, 10, "the sample must exercise counterexamples")
    }

    /// The search before disjuncts got their own trees (one tree for all disjuncts, no split
    /// multipliers, no slope steps below the root) stays an option and stays sound.
    func testJointDisjunctSearchAgreesWithNaiveZ3() throws {
        var configuration = Self.phaseConfiguration(leafThreshold: 0)
        configuration.phaseSplit.disjuncts = .joint
        configuration.phaseSplit.splitMultipliers = false
        configuration.phaseSplit.childSlopeIterations = 0
        let counts = try PipelineDifferentialTests.runDifferential(configuration: configuration, seed: 135, cases: 100)
        XCTAssertGreaterThan(counts.robust, 10)
        XCTAssertGreaterThan(counts.violated, 10)
    }

    /// Threshold 0 and one node per batch: every ReLU and LeakyReLU unit is split until none is
    /// unstable, so proofs rest on the deepest split-aware bounds (and Z3 only sees clip units).
    func testForcedDeepPhaseSplitsAgreeWithNaiveZ3() throws {
        var configuration = Self.phaseConfiguration(leafThreshold: 0)
        configuration.phaseSplit.batch = 1
        configuration.bounds.useRelaxationLP = false
        let counts = try PipelineDifferentialTests.runDifferential(configuration: configuration, seed: 132, cases: 150)
        XCTAssertGreaterThan(counts.robust, 10)
        XCTAssertGreaterThan(counts.violated, 10)
    }

    /// Without Z3 a ReLU-only network is still decided: a sub-problem with every unit fixed
    /// is linear, so its bounds are exact up to rounding; verdicts must agree with the naive
    /// encoding wherever the engine decides, and every ROBUST box survives dense sampling.
    func testPhaseSplitsAloneDecideReLUNetworksSoundly() throws {
        var rng = Z3SeededGenerator(seed: 133)
        var configuration = Self.phaseConfiguration(leafThreshold: 0)
        configuration.leaves.useSMT = false
        let solver = try QuerySolver(configuration: configuration)
        let drawn = try (0..<120).map { _ in
            let network = Z3TestNetworks.random(sizes: [2, 6, 5, 3], using: &rng)
            let center = (0..<2).map { _ in Double.random(in: -1...1, using: &rng) }
            let box = try Box.linf(center: center, radius: [0.05, 0.2, 0.6].randomElement(using: &rng)!)
            let property = OutputProperty.misclassification(outputCount: 3, trueClass: network.evaluate(center).argmax)
            return PipelineDifferentialTests.DifferentialCase(network: network, box: box, property: property)
        }
        let naive = try NaiveOracle.decide(drawn.map { PipelineDifferentialTests.naiveSMT($0.network, $0.box, $0.property) })
        var decided = 0
        for (trial, drawnCase) in drawn.enumerated() {
            let (network, box, property) = (drawnCase.network, drawnCase.box, drawnCase.property)
            let result = solver.solve(SafetyQuery(network: network, box: box, property: property))
            switch (result.verdict, naive[trial]) {
            case (.holds, .unsat):
                decided += 1
                for _ in 0..<400 {
                    let x = (0..<2).map { Double.random(in: box.lower[$0]...box.upper[$0], using: &rng) }
                    XCTAssertNil(property.violatedDisjunct(network.evaluate(x)), "trial \(trial): sampled violation in a ROBUST box")
                }
            case (.violated(let counterexample), .sat):
                decided += 1
                XCTAssertTrue(counterexample.isConfirmed && box.contains(counterexample.input))
            case (.unknown, _):
                continue
            default:
                XCTFail("trial \(trial): phase engine \(result.verdict) vs naive \(naive[trial])")
            }
        }
        XCTAssertGreaterThan(decided, 60)
    }

    /// The node budget ends the search with UNKNOWN (never a verdict it has not reached), and
    /// the same budget gives the same answer and node count for 1 and 4 threads.
    func testNodeBudgetIsDeterministicAcrossThreads() throws {
        let answers = try Self.answersAcrossThreads(Self.phaseConfiguration(leafThreshold: 0), seed: 134, maxNodes: 5)
        XCTAssertEqual(answers[0], answers[1])
    }

    /// The verdict and node count (`"label nodes"`) of one random query (a `[3, 8, 8, 3]`
    /// network from `seed`, an L-infinity box of radius 0.5) under `configuration` with the
    /// node budget `maxNodes`, for 1 and for 4 search threads. A HOLDS must fit the budget.
    static func answersAcrossThreads(_ configuration: QueryConfiguration, seed: UInt64, maxNodes: Int) throws -> [String] {
        var rng = Z3SeededGenerator(seed: seed)
        let network = Z3TestNetworks.random(sizes: [3, 8, 8, 3], using: &rng)
        let center = [0.1, -0.2, 0.3]
        let box = try Box.linf(center: center, radius: 0.5)
        let property = OutputProperty.misclassification(outputCount: 3, trueClass: network.evaluate(center).argmax)
        var answers: [String] = []
        for threads in [1, 4] {
            var configuration = configuration
            configuration.limits.maxNodes = maxNodes
            configuration.search.searchThreads = threads
            let result = try QuerySolver(configuration: configuration).solve(SafetyQuery(network: network, box: box, property: property))
            answers.append("\(result.verdict.label) \(result.statistics.nodes)")
            if case .holds = result.verdict { XCTAssertLessThanOrEqual(result.statistics.nodes, maxNodes) }
        }
        return answers
    }
}
