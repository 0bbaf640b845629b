import Encoding
import Foundation
import Network
@testable import Solver
import XCTest

/// The ReLU-phase engine with fixed intermediates below the root
/// (``PhaseSplitOptions/nodeIntermediates`` `.fixed`, ``PhaseNodeIntermediates``): verdicts
/// against the naive Z3 encoding (``PipelineDifferentialTests``), forced deep, with and
/// without split multipliers and per-node slope steps; proofs record the mode on every node
/// below the root and re-check VALID; tampered ones do not.
///
/// Mutation check run at the bounds level: clipping active units to `z <= 0` in fixed mode only
/// fails ``PhaseSplitNodeIntermediatesTests/testFixedIntermediateBoundsContainEveryFeasibleSample``
/// (sub-problems called empty that hold feasible samples, layer values outside their bounds).
final class PhaseSplitFixedNodeBoundsTests: XCTestCase {
    typealias Proved = PhaseProofCertificateTests.Proved

    static func configuration(multipliers: Bool, intermediates: PhaseNodeIntermediates = .fixed) -> QueryConfiguration {
        var configuration = PhaseSplitSearchTests.phaseConfiguration(leafThreshold: 0)
        configuration.phaseSplit.batch = 1
        configuration.phaseSplit.nodeIntermediates = intermediates
        configuration.phaseSplit.splitMultipliers = multipliers
        configuration.phaseSplit.childSlopeIterations = multipliers ? 3 : 0
        configuration.bounds.useRelaxationLP = false
        return configuration
    }

    func testForcedDeepFixedNodeBoundsAgreeWithNaiveZ3() throws {
        let counts = try PipelineDifferentialTests.runDifferential(configuration: Self.configuration(multipliers: false),
                                                                   seed: 141, cases: 150)
        XCTAssertGreaterThan(counts.robust, 10)
        XCTAssertGreaterThan(counts.violated, 10)
    }

    func testFixedNodeBoundsWithMultipliersAgreeWithNaiveZ3() throws {
        let counts = try PipelineDifferentialTests.runDifferential(configuration: Self.configuration(multipliers: true),
                                                                   seed: 142, cases: 150)
        XCTAssertGreaterThan(counts.robust, 10)
        XCTAssertGreaterThan(counts.violated, 10)
    }

    /// Z3 leaves on sub-problems with up to 2 unstable units, bounded with fixed intermediates
    /// (their big-M constants come from the fixed bounds).
    func testFixedNodeBoundsWithZ3LeavesAgreeWithNaiveZ3() throws {
        var configuration = PhaseSplitSearchTests.phaseConfiguration(leafThreshold: 2)
        configuration.phaseSplit.nodeIntermediates = .fixed
        let counts = try PipelineDifferentialTests.runDifferential(configuration: configuration, seed: 143, cases: 120)
        XCTAssertGreaterThan(counts.robust, 10)
        XCTAssertGreaterThan(counts.violated, 10)
    }

    static let proofs: [Proved] = try! PhaseProofCertificateTests.randomProofs(
        configuration: PhaseSplitFixedNodeBoundsTests.configuration(multipliers: true), seed: 917, cases: 120)

    func problems(_ proved: Proved, _ proof: PhaseProof) throws -> [PhaseProofFault] {
        try PhaseProofCertificateTests.faults(proved, proof)
    }

    /// Every split node records `.fixed` (the root and a root fork's children, bounded as the
    /// root, none), and every proof checks VALID.
    func testFixedProofsRecordTheModeAndCheckValid() throws {
        XCTAssertGreaterThanOrEqual(Self.proofs.count, 10)
        for proved in Self.proofs {
            XCTAssertNil(proved.proof.nodes[0].intermediates)
            XCTAssert(proved.proof.nodes.dropFirst().allSatisfy { ($0.split == nil) == ($0.intermediates == nil) })
            XCTAssertEqual(try problems(proved, proved.proof), [], "\(proved.query.network.layers)")
        }
    }

    /// Tampering: a flipped split side (both children on one side) leaves part of the box
    /// uncovered; a negative multiplier is rejected before any bound uses it.
    func testTamperedFixedProofsAreRejected() throws {
        var flipped = 0, negative = 0
        for proved in Self.proofs {
            if let child = proved.proof.nodes.indices.first(where: { proved.proof.nodes[$0].split != nil }) {
                var proof = proved.proof
                let side = proof.nodes[child].split!.side
                proof.nodes[child].split!.side = side == .above ? .below : .above
                XCTAssert(try problems(proved, proof).contains { if case .notAPartition = $0 { return true } else { return false } })
                flipped += 1
            }
            if let node = proved.proof.nodes.firstIndex(where: { $0.multipliers?.isEmpty == false }) {
                var proof = proved.proof
                proof.nodes[node].multipliers![0].value = -0.5
                let entry = proof.nodes[node].multipliers![0]
                XCTAssertEqual(try problems(proved, proof), [.invalidMultiplier(row: entry.row, layer: entry.layer, unit: entry.unit)])
                negative += 1
            }
        }
        XCTAssertGreaterThanOrEqual(flipped, 10)
        XCTAssertGreaterThanOrEqual(negative, 3)
    }

    /// With fixed node bounds, multipliers and per-node slope steps, a node budget gives the
    /// same verdict and node count for 1 and 4 threads (batches of 8 nodes).
    func testFixedNodeBoundsAreDeterministicAcrossThreads() throws {
        var configuration = Self.configuration(multipliers: true)
        configuration.phaseSplit.batch = 8
        let answers = try PhaseSplitSearchTests.answersAcrossThreads(configuration, seed: 144, maxNodes: 9)
        XCTAssertEqual(answers[0], answers[1])
    }
}
