import Encoding
import Foundation
import Network
@testable import Solver
import XCTest

/// The split search closes a sub-box with bounds intersected with every ancestor's bounds;
/// the certificate checker must bound its own copy of the tree the same way, or valid proofs
/// fail to check (ACAS Xu 1_1 prop_3: 48 of 2,352 leaves stayed open when re-bounded from
/// scratch).
final class CertificateAncestorBoundsTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// The query of Tests/Fixtures/certificates/acasxu_1_1_prop_3_subbox.vnnlib, solved as
    /// `verify vnnlib` solves it (strong branching, batches of 8).
    func subBoxProof() throws -> (SafetyQuery, QueryResult) {
        let network = try NetworkFile.load(Self.fixtures.appendingPathComponent("vnncomp/acasxu/ACASXU_run2a_1_1_batch_2000.onnx").path)
        let property = try VNNLibParser.parse(
            contentsOf: Self.fixtures.appendingPathComponent("certificates/acasxu_1_1_prop_3_subbox.vnnlib").path,
            expectedInputs: network.inputSize, expectedOutputs: network.outputSize)
        let queries = try VNNLibQueries.queries(for: property, network: network)
        XCTAssertEqual(queries.count, 1)
        var configuration = QueryConfiguration()
        configuration.limits.maxNodes = Int.max
        configuration.search.searchBatch = QueryConfiguration.oneShotSearchBatch
        configuration.search.strongBranchingDepth = QueryConfiguration.oneShotStrongBranchingDepth
        let result = try QuerySolver(configuration: configuration).solve(queries[0])
        return (queries[0], result)
    }

    /// Whether fresh linear bounds over `box` alone (plus the exact LP over conjunctions)
    /// exclude every disjunct: what the checker did before it carried ancestors' bounds.
    func closesFromScratch(_ query: SafetyQuery, _ box: Box, _ solver: ExactLeafSolver) -> Bool {
        let (specification, rows) = query.specification
        let bounds = BoundPropagation.bounds(of: query.network, over: box, specification: specification, method: .linear)
        return InputSplitSearch.openDisjuncts(bounds.specLower, rows: rows, among: Array(rows.indices)).allSatisfy { disjunct in
            rows[disjunct].count >= 2 && solver.relaxationExcludes(
                box: box, rows: rows[disjunct].map { (bounds.inputCoefficients[$0], bounds.inputConstants[$0]) })
        }
    }

    func testLeavesThatNeedTheirAncestorsBoundsCheck() throws {
        let (query, result) = try subBoxProof()
        guard case .holds(.split) = result.verdict else { return XCTFail("expected a split proof, got \(result.verdict)") }
        XCTAssertFalse(result.leavesTruncated)
        XCTAssertTrue(result.leaves.allSatisfy { $0.path.count == $0.depth })

        let solver = try ExactLeafSolver()
        let openFromScratch = result.leaves.filter { leaf in
            !closesFromScratch(query, try! Box(lower: leaf.lower, upper: leaf.upper), solver)
        }
        // The premise of the test: some leaf is closed only by its ancestors' bounds. If a
        // change to the bounds or the search removes it, pick another sub-box (README).
        XCTAssertFalse(openFromScratch.isEmpty, "every leaf closes from scratch: the fixture no longer exercises ancestors' bounds")

        let leaves = result.leaves.map { CertificateChecker.Leaf(lower: $0.lower, upper: $0.upper, method: $0.method, path: $0.path) }
        var report = CertificateChecker.Report()
        try CertificateChecker.checkProof(query, leaves: leaves, cvc5: nil, report: &report)
        XCTAssertEqual(report.problems, [])
        XCTAssertEqual(report.leavesChecked, leaves.count)
        // A full binary tree with n leaves has 2n - 1 nodes (fewer when a node closes early).
        XCTAssertLessThanOrEqual(report.nodesBounded, 2 * leaves.count - 1)
    }

    /// The recorded leaves are only a map: the same leaves do not prove a larger box, and a
    /// leaf that crosses the rebuilt tree's split is reported.
    func testLeavesOfAnotherBoxDoNotCheck() throws {
        let (query, result) = try subBoxProof()
        let leaves = result.leaves.map { CertificateChecker.Leaf(lower: $0.lower, upper: $0.upper, method: $0.method, path: $0.path) }
        var upper = query.box.upper
        upper[3] = 0.5  // the parent node's box in dimension 3 (0.3...0.5)
        var larger = query
        larger.box = try Box(lower: query.box.lower, upper: upper)
        var report = CertificateChecker.Report()
        try CertificateChecker.checkProof(larger, leaves: leaves, cvc5: nil, report: &report)
        XCTAssertFalse(report.problems.isEmpty)
    }
}
