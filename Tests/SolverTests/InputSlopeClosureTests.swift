import Encoding
import Foundation
import Network
@testable import Solver
import XCTest

/// Optimised slopes in the input split search (``BoundSettings/slopeSteps``): a sub-box that
/// the plain linear bounds leave open gets alpha-CROWN slopes and closes when the sound
/// bounds with them exclude every disjunct. The verdicts must agree with the naive Z3 oracle,
/// the closing slopes must be in the certificate, and `verify check` must re-prove those
/// leaves with them and reject slopes that are out of range or do not close the leaf.
final class InputSlopeClosureTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures")

    func configuration(slopeSteps: Int) -> QueryConfiguration {
        var configuration = QueryConfiguration()
        configuration.bounds.slopeSteps = slopeSteps
        configuration.search.searchBatch = QueryConfiguration.oneShotSearchBatch
        configuration.search.searchThreads = 2
        return configuration
    }

    /// Random ReLU networks and boxes (``PipelineDifferentialTests/runDifferential``): the
    /// verdicts agree with the naive Z3 encoding, robust boxes have no sampled violation, and
    /// some sub-boxes are closed by slopes (so the sample exercises the new leaves).
    func testOptimisedSlopesAgreeWithNaiveZ3() throws {
        var configuration = configuration(slopeSteps: 20)
        configuration.leaves.maxDepth = 14
        let counts = try PipelineDifferentialTests.runDifferential(configuration: configuration, seed: 47, cases: 120)
        XCTAssertGreaterThan(counts.robust, 10, "the sample must exercise proofs")
        XCTAssertGreaterThan(counts.violated, 10, "the sample must exercise counterexamples")
        XCTAssertGreaterThan(counts.slopeClosures, 0, "the sample must close sub-boxes by optimised slopes")
    }

    /// The query of a fixture under `Tests/Fixtures/certificates` (see its README).
    func fixtureQuery(_ name: String) throws -> SafetyQuery {
        let network = try NetworkFile.load(Self.fixtures.appendingPathComponent("vnncomp/acasxu/ACASXU_run2a_4_2_batch_2000.onnx").path)
        let property = try VNNLibParser.parse(contentsOf: Self.fixtures.appendingPathComponent("certificates/\(name)").path,
                                              expectedInputs: network.inputSize, expectedOutputs: network.outputSize)
        let queries = try VNNLibQueries.queries(for: property, network: network)
        XCTAssertEqual(queries.count, 1)
        return queries[0]
    }

    func checkerLeaves(_ result: QueryResult) -> [CertificateChecker.Leaf] {
        result.leaves.map {
            CertificateChecker.Leaf(lower: $0.lower, upper: $0.upper, method: $0.method, path: $0.path,
                                    slopes: $0.slopes.map(SlopeLayerCertificate.list))
        }
    }

    func check(_ query: SafetyQuery, _ leaves: [CertificateChecker.Leaf]) throws -> CertificateChecker.Report {
        var report = CertificateChecker.Report()
        try CertificateChecker.checkProof(query, leaves: leaves, cvc5: nil, report: &report)
        return report
    }

    /// ACAS Xu 4_2 property 2 on the slab next to its tightest point: plain bounds with
    /// `verify vnnlib`'s strong branching leave it open after hundreds of sub-boxes (more
    /// than 98,000 in 30 s; without strong branching they close it in 13), optimised slopes
    /// close it at the root. Dense sampling finds no violation (the property's margin there
    /// is about 1e-3).
    func testSlopesCloseTheSlabThatPlainBoundsLeaveOpen() throws {
        let query = try fixtureQuery("acasxu_4_2_prop_2_slab.vnnlib")
        var plain = configuration(slopeSteps: 0)
        plain.search.strongBranchingDepth = QueryConfiguration.oneShotStrongBranchingDepth
        plain.limits.maxNodes = 300
        let open = try QuerySolver(configuration: plain).solve(query)
        guard case .unknown(.nodeBudget) = open.verdict else { return XCTFail("plain bounds: expected the node budget, got \(open.verdict)") }

        let closed = try QuerySolver(configuration: configuration(slopeSteps: 20)).solve(query)
        guard case .holds(.split) = closed.verdict else { return XCTFail("expected a split proof, got \(closed.verdict)") }
        XCTAssertEqual(closed.statistics.nodes, 1)
        XCTAssertEqual(closed.statistics.slopeClosures, 1)
        XCTAssertEqual(closed.leaves.map(\.method), [.slopes])
        let slopes = try XCTUnwrap(closed.leaves.first?.slopes)
        XCTAssertTrue(slopes.values.contains { $0.contains { !$0.isNaN && $0 > 0 && $0 < 1 } }, "some slope is optimised strictly inside [0, 1]")

        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let x = (0..<query.box.dimension).map { Double.random(in: query.box.lower[$0]...query.box.upper[$0], using: &rng) }
            XCTAssertNil(query.property.violatedDisjunct(query.network.evaluate(x)), "sampled violation at \(x)")
        }
    }

    /// The checker re-proves a proof with both kinds of leaves (the 1/8 sub-box: plain bounds
    /// close some, slopes the rest) from the recorded slopes alone, and rejects the slope
    /// leaf when its slopes leave `[0, 1]`, are dropped, or the leaf claims plain bounds.
    func testCheckerReprovesSlopeLeavesAndRejectsTamperedOnes() throws {
        let query = try fixtureQuery("acasxu_4_2_prop_2_subbox.vnnlib")
        var settings = configuration(slopeSteps: 20)
        settings.search.strongBranchingDepth = QueryConfiguration.oneShotStrongBranchingDepth
        let result = try QuerySolver(configuration: settings).solve(query)
        guard case .holds(.split) = result.verdict else { return XCTFail("expected a split proof, got \(result.verdict)") }
        let leaves = checkerLeaves(result)
        XCTAssertTrue(leaves.contains { $0.method == .slopes })
        XCTAssertTrue(leaves.contains { $0.method == .bounds })

        let valid = try check(query, leaves)
        XCTAssertEqual(valid.problems, [])
        XCTAssertEqual(valid.leavesChecked, leaves.count)
        XCTAssertEqual(valid.reprovedBySlopes, leaves.filter { $0.method == .slopes }.count)

        let index = try XCTUnwrap(leaves.firstIndex { $0.method == .slopes })
        var outOfRange = leaves
        let layer = try XCTUnwrap(outOfRange[index].slopes?.firstIndex { $0.slopes.contains { $0 != nil } })
        let unit = try XCTUnwrap(outOfRange[index].slopes?[layer].slopes.firstIndex { $0 != nil })
        outOfRange[index].slopes![layer].slopes[unit] = 1.5
        XCTAssertTrue(try check(query, outOfRange).problems.contains {
            if case .invalidSlopes = $0 { return true }
            return false
        })

        var dropped = leaves
        dropped[index].slopes = nil
        XCTAssertTrue(try check(query, dropped).problems.contains {
            if case .doesNotClose(_, _, .slopes) = $0 { return true }
            return false
        })

        var plain = leaves
        plain[index].method = .bounds
        XCTAssertTrue(try check(query, plain).problems.contains {
            if case .doesNotClose(_, _, .bounds) = $0 { return true }
            return false
        })
    }

    /// The thread count changes nothing: the slope optimisation is part of each node's
    /// preparation, a pure function of the node.
    func testThreadCountNeverChangesASlopeProof() throws {
        let query = try fixtureQuery("acasxu_4_2_prop_2_subbox.vnnlib")
        var one = configuration(slopeSteps: 20)
        one.search.searchThreads = 1
        var three = one
        three.search.searchThreads = 3
        let a = try QuerySolver(configuration: one).solve(query), b = try QuerySolver(configuration: three).solve(query)
        // In the certificate's form: a unit without a free line has a NaN slope in a
        // ClosedLeaf (NaN != NaN) and nil in the certificate, and the layers are sorted.
        XCTAssertEqual("\(checkerLeaves(a))", "\(checkerLeaves(b))")
        XCTAssertEqual(a.statistics.nodes, b.statistics.nodes)
        XCTAssertGreaterThan(a.statistics.slopeClosures, 0)
    }
}
