import Encoding
import Network
@testable import Solver
import XCTest

/// The batched split search (``SearchSettings/searchBatch``) prepares sub-boxes on
/// several threads: it must agree with the independent naive Z3 oracle, and the thread
/// count must never change a result (verdict, counterexample, node count, proof leaves).
final class BatchedSearchTests: XCTestCase {
    func configuration(batch: Int, threads: Int, strongBranchingDepth: Int = 0) -> QueryConfiguration {
        var configuration = QueryConfiguration()
        configuration.search.searchBatch = batch
        configuration.search.searchThreads = threads
        configuration.search.strongBranchingDepth = strongBranchingDepth
        configuration.leaves.maxDepth = 14
        return configuration
    }

    func testBatchedParallelPipelineAgreesWithNaiveZ3() throws {
        let counts = try PipelineDifferentialTests.runDifferential(
            configuration: configuration(batch: 8, threads: 3), seed: 41, cases: 120)
        XCTAssertGreaterThan(counts.robust, 10, "the sample must exercise proofs")
        XCTAssertGreaterThan(counts.violated, 10, "the sample must exercise counterexamples")
    }

    /// Strong branching (``SearchSettings/strongBranchingDepth``) only changes which
    /// dimension is split and hands the halves their bounds: verdicts must still agree with
    /// the naive Z3 oracle.
    func testStrongBranchingAgreesWithNaiveZ3() throws {
        let counts = try PipelineDifferentialTests.runDifferential(
            configuration: configuration(batch: 8, threads: 2, strongBranchingDepth: 6), seed: 43, cases: 120)
        XCTAssertGreaterThan(counts.robust, 10, "the sample must exercise proofs")
        XCTAssertGreaterThan(counts.violated, 10, "the sample must exercise counterexamples")
    }

    /// Deep searches on random networks: unsafe sets just above the largest sampled outputs
    /// (a single atom and a conjunction, so that proofs need many sub-boxes and some end in
    /// counterexamples), no whole-box attack. One thread and four give identical results
    /// for a batch of 8 with strong branching in the top 3 levels.
    func testThreadCountNeverChangesTheResult() throws {
        var rng = Z3SeededGenerator(seed: 42)
        var base = configuration(batch: 8, threads: 1, strongBranchingDepth: 3)
        base.attack.wholeBox = AttackConfiguration(restarts: 1, steps: 0)
        var parallel = base
        parallel.search.searchThreads = 4
        let serial = try QuerySolver(configuration: base)
        let threaded = try QuerySolver(configuration: parallel)
        var nodes = 0, longSearches = 0
        var verdicts = Set<String>()
        for trial in 0..<40 {
            let (network, box, highest, lowest) = try Self.sampledOutputRanges(&rng)
            func above(_ i: Int, _ fraction: Double) -> OutputAtom {  // unsafe: y_i >= threshold
                var coefficients = [0.0, 0.0, 0.0]
                coefficients[i] = -1
                return OutputAtom(coefficients: coefficients, constant: highest[i] + fraction * (highest[i] - lowest[i]))
            }
            let slack = [-0.02, 0.01, 0.05].randomElement(using: &rng)!
            let property = OutputProperty(outputCount: 3, disjuncts: [[above(0, slack)], [above(1, slack / 2), above(2, -0.5)]])
            let query = SafetyQuery(network: network, box: box, property: property)
            let one = serial.solve(query), four = threaded.solve(query)
            XCTAssertEqual(one.verdict, four.verdict, "trial \(trial)")
            XCTAssertEqual(one.statistics, four.statistics, "trial \(trial)")
            XCTAssertEqual(one.leaves, four.leaves, "trial \(trial)")
            nodes += one.statistics.nodes
            if one.statistics.nodes > 16 { longSearches += 1 }
            switch one.verdict {
            case .holds: verdicts.insert("holds")
            case .violated, .violatedUnconfirmed: verdicts.insert("violated")
            case .unknown: verdicts.insert("unknown")
            }
        }
        XCTAssertGreaterThan(longSearches, 10, "the sample must exercise searches longer than a few batches")
        XCTAssertGreaterThan(nodes, 1_000)
        XCTAssertTrue(verdicts.isSuperset(of: ["holds", "violated"]), "\(verdicts)")
    }

    /// A ``widerNetwork(_:)``, a box of radius 1 around a random centre, and each output's
    /// highest and lowest value over 2,000 uniform samples of the box (to place unsafe sets
    /// just beyond what sampling reaches).
    static func sampledOutputRanges(_ rng: inout Z3SeededGenerator) throws
        -> (network: NeuralNetwork, box: Box, highest: [Double], lowest: [Double]) {
        let network = widerNetwork(&rng)
        let box = try Box.linf(center: (0..<network.inputSize).map { _ in Double.random(in: -1...1, using: &rng) },
                               radius: 1)
        var highest = [Double](repeating: -.infinity, count: 3), lowest = [Double](repeating: .infinity, count: 3)
        for _ in 0..<2_000 {
            let y = network.evaluate((0..<box.dimension).map { Double.random(in: box.lower[$0]...box.upper[$0], using: &rng) })
            for i in 0..<3 { highest[i] = max(highest[i], y[i]); lowest[i] = min(lowest[i], y[i]) }
        }
        return (network, box, highest, lowest)
    }

    /// A random ReLU network with 2-3 inputs, two hidden layers of 10-16 units and 3 outputs:
    /// big enough that wide boxes need a few dozen to a few hundred sub-boxes.
    static func widerNetwork(_ rng: inout Z3SeededGenerator) -> NeuralNetwork {
        var layers: [Layer] = []
        var size = Int.random(in: 2...3, using: &rng)
        let inputs = size
        for width in [Int.random(in: 10...16, using: &rng), Int.random(in: 10...16, using: &rng), 3] {
            let weights = (0..<(width * size)).map { _ in Double.random(in: -1...1, using: &rng) }
            let bias = (0..<width).map { _ in Double.random(in: -0.5...0.5, using: &rng) }
            layers.append(.affine(AffineLayer(inputSize: size, outputSize: width, weights: weights, bias: bias)))
            if width != 3 { layers.append(.relu) }
            size = width
        }
        return try! NeuralNetwork(inputShape: [inputs], layers: layers)
    }

    /// The batch size and the strong-branching depth are part of what a result means (they
    /// order and shape the search), the thread count is not: the experiment identity text
    /// follows.
    func testBatchIsInTheIdentityTextAndThreadsAreNot() {
        let plain = QueryConfiguration()
        XCTAssertFalse(plain.description.contains("searchBatch"), plain.description)
        XCTAssertFalse(plain.description.contains("searchThreads"), plain.description)
        var threads = plain
        threads.search.searchThreads = 16
        XCTAssertEqual(threads.description, plain.description)
        var batched = plain
        batched.search.searchBatch = QueryConfiguration.oneShotSearchBatch
        XCTAssertTrue(batched.description.contains("searchBatch: 8"), batched.description)
        XCTAssertFalse(plain.description.contains("strongBranchingDepth"), plain.description)
        var strong = plain
        strong.search.strongBranchingDepth = QueryConfiguration.oneShotStrongBranchingDepth
        XCTAssertTrue(strong.description.contains("strongBranchingDepth: 16"), strong.description)
    }
}
