import Encoding
import Foundation
import Network
@testable import Solver
import XCTest

/// The ReLU-phase engine with intermediates refined after each node's split only
/// (``PhaseNodeIntermediates/afterSplit``): verdicts against the naive Z3 encoding
/// (``PipelineDifferentialTests``), forced deep, with split multipliers and per-node slope
/// steps, and with Z3 leaves; proofs record the mode on every split node and re-check VALID
/// (the checker re-derives each node's bounds from the layer of its recorded split).
///
/// Mutation check (run on this branch): the checker passing no split layer (so it refines no
/// layer, as fixed mode) makes some of these proofs fail
/// ``testAfterSplitProofsRecordTheModeAndCheckValid`` (leaves that no longer close).
final class PhaseSplitAfterSplitNodeBoundsTests: XCTestCase {
    typealias Proved = PhaseProofCertificateTests.Proved

    static func configuration() -> QueryConfiguration {
        PhaseSplitFixedNodeBoundsTests.configuration(multipliers: true, intermediates: .afterSplit)
    }

    func testAfterSplitNodeBoundsAgreeWithNaiveZ3() throws {
        let counts = try PipelineDifferentialTests.runDifferential(configuration: Self.configuration(), seed: 151, cases: 150)
        XCTAssertGreaterThan(counts.robust, 10)
        XCTAssertGreaterThan(counts.violated, 10)
    }

    /// Z3 leaves on sub-problems with up to 2 unstable units, bounded after-split (their
    /// big-M constants come from those bounds).
    func testAfterSplitNodeBoundsWithZ3LeavesAgreeWithNaiveZ3() throws {
        var configuration = PhaseSplitSearchTests.phaseConfiguration(leafThreshold: 2)
        configuration.phaseSplit.nodeIntermediates = .afterSplit
        let counts = try PipelineDifferentialTests.runDifferential(configuration: configuration, seed: 153, cases: 120)
        XCTAssertGreaterThan(counts.robust, 10)
        XCTAssertGreaterThan(counts.violated, 10)
    }

    static let proofs: [Proved] = try! PhaseProofCertificateTests.randomProofs(
        configuration: PhaseSplitAfterSplitNodeBoundsTests.configuration(), seed: 919, cases: 240)

    /// Every split node records `.afterSplit` (the root and a root fork's children, bounded
    /// as the root, none), the mode survives the JSON round trip, and every proof checks VALID.
    func testAfterSplitProofsRecordTheModeAndCheckValid() throws {
        XCTAssertGreaterThanOrEqual(Self.proofs.count, 10)
        for proved in Self.proofs {
            XCTAssertNil(proved.proof.nodes[0].intermediates)
            XCTAssert(proved.proof.nodes.dropFirst().allSatisfy { $0.split == nil ? $0.intermediates == nil : $0.intermediates == .afterSplit })
            XCTAssertEqual(try PhaseProofCertificateTests.faults(proved, proved.proof), [], "\(proved.query.network.layers)")
        }
    }

    /// With after-split node bounds, multipliers and per-node slope steps, a node budget gives
    /// the same verdict and node count for 1 and 4 threads (batches of 8 nodes).
    func testAfterSplitNodeBoundsAreDeterministicAcrossThreads() throws {
        var configuration = Self.configuration()
        configuration.phaseSplit.batch = 8
        let answers = try PhaseSplitSearchTests.answersAcrossThreads(configuration, seed: 154, maxNodes: 9)
        XCTAssertEqual(answers[0], answers[1])
    }
}
