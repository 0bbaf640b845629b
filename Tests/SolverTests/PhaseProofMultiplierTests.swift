import Encoding
import Foundation
import Network
@testable import Solver
import XCTest

/// Phase-engine proofs whose nodes use split multipliers (``SplitMultipliers``, beta-CROWN;
/// ``PhaseSplitOptions/splitMultipliers`` with slopes optimised at every node): they record the
/// multipliers (``PhaseProofNode/multipliers``), the checker re-evaluates every node with them
/// and re-checks the proofs VALID, and rejects a negative multiplier.
final class PhaseProofMultiplierTests: XCTestCase {
    typealias Proved = PhaseProofCertificateTests.Proved

    /// Random networks and boxes (``PhaseProofCertificateTests/randomNetwork(_:)``) solved
    /// with multipliers and 3 slope steps per node, forced deep (no Z3 leaves).
    static let proofs: [Proved] = {
        var configuration = PhaseSplitSearchTests.phaseConfiguration(leafThreshold: 0)
        configuration.phaseSplit.batch = 1
        configuration.phaseSplit.splitMultipliers = true
        configuration.phaseSplit.childSlopeIterations = 3
        return try! PhaseProofCertificateTests.randomProofs(configuration: configuration, seed: 907, cases: 200)
    }()

    func problems(_ proved: Proved, _ proof: PhaseProof) throws -> [PhaseProofFault] {
        try PhaseProofCertificateTests.faults(proved, proof)
    }

    /// Every proof re-checks VALID, and some record multipliers (all `>= 0`).
    func testProofsWithMultipliersCheckValid() throws {
        for proved in Self.proofs {
            XCTAssertEqual(try problems(proved, proved.proof), [], "\(proved.query.network.layers)")
        }
        let recorded = Self.proofs.flatMap { $0.proof.nodes.compactMap(\.multipliers) }.flatMap { $0 }
        print("phase proofs with multipliers: \(Self.proofs.count), recorded multipliers \(recorded.count)")
        XCTAssertGreaterThanOrEqual(Self.proofs.count, 10)
        XCTAssertGreaterThan(recorded.count, 10)
        XCTAssert(recorded.allSatisfy { $0.value >= 0 })
    }

    /// Mutation: a recorded multiplier made negative (or not finite) is rejected before any
    /// bound uses it: with `β < 0` the term `-β s z` is negative on the sub-problem.
    func testNegativeMultiplierIsRejected() throws {
        var tried = 0
        for proved in Self.proofs {
            guard let node = proved.proof.nodes.firstIndex(where: { $0.multipliers?.isEmpty == false }) else { continue }
            for bad in [-0.5, -.infinity, .nan] {
                var proof = proved.proof
                proof.nodes[node].multipliers![0].value = bad
                let entry = proof.nodes[node].multipliers![0]
                XCTAssertEqual(try problems(proved, proof), [.invalidMultiplier(row: entry.row, layer: entry.layer, unit: entry.unit)])
            }
            tried += 1
        }
        XCTAssertGreaterThanOrEqual(tried, 5)
    }

    /// A clip `[0, 1]` unit split at its breakpoint 0 has a ReLU phase, so the search gives it
    /// a multiplier; the checker accepts such proofs (it rejected them once: it allowed only
    /// ReLU / LeakyReLU layers).
    func testMultipliersOnClipUnitsHeldAtZeroCheckValid() throws {
        var configuration = PhaseSplitSearchTests.phaseConfiguration(leafThreshold: 0)
        configuration.phaseSplit.batch = 1
        configuration.phaseSplit.splitMultipliers = true
        configuration.phaseSplit.childSlopeIterations = 3
        configuration.limits.maxNodes = 300
        let solver = try QuerySolver(configuration: configuration)
        var rng = Z3SeededGenerator(seed: 911)
        var onClip = 0, proofs = 0
        for _ in 0..<60 {
            var layers: [Layer] = []
            let sizes = [3, 8, 8, 3]
            for k in 1..<sizes.count {
                let weights = (0..<(sizes[k] * sizes[k - 1])).map { _ in Double.random(in: -1...1, using: &rng) }
                let bias = (0..<sizes[k]).map { _ in Double.random(in: -0.5...0.5, using: &rng) }
                layers.append(.affine(AffineLayer(inputSize: sizes[k - 1], outputSize: sizes[k], weights: weights, bias: bias)))
                if k == 1 { layers.append(.clip(lower: 0, upper: 1)) }
                if k == 2 { layers.append(.relu) }
            }
            let network = try NeuralNetwork(inputShape: [3], layers: layers)
            let center = (0..<3).map { _ in Double.random(in: -1...1, using: &rng) }
            let box = try Box.linf(center: center, radius: [0.15, 0.25, 0.4].randomElement(using: &rng)!)
            let query = SafetyQuery(network: network, box: box,
                                    property: OutputProperty.misclassification(outputCount: 3, trueClass: network.evaluate(center).argmax))
            let result = solver.solve(query)
            guard case .holds = result.verdict, let proof = result.phaseProof, proof.nodes.count > 1 else { continue }
            let proved = Proved(query: query, proof: try PhaseProofCertificateTests.roundTrip(proof))
            XCTAssertEqual(try problems(proved, proved.proof), [])
            proofs += 1
            onClip += proof.nodes.compactMap(\.multipliers).joined().filter { $0.layer == 1 }.count
        }
        XCTAssertGreaterThanOrEqual(proofs, 5)
        XCTAssertGreaterThan(onClip, 0, "no multiplier on a clip unit: the test checks nothing")
    }

    /// Mutation: a multiplier on a unit of an affine layer, on a row past the specification,
    /// or recorded without slopes is rejected.
    func testMisplacedMultiplierIsRejected() throws {
        let proved = try XCTUnwrap(Self.proofs.first { $0.proof.nodes.contains { $0.multipliers?.isEmpty == false } })
        let node = proved.proof.nodes.firstIndex { $0.multipliers?.isEmpty == false }!
        let entry = proved.proof.nodes[node].multipliers![0]
        var affine = proved.proof
        affine.nodes[node].multipliers![0].layer = 0
        XCTAssertEqual(try problems(proved, affine), [.invalidMultiplier(row: entry.row, layer: 0, unit: entry.unit)])
        var row = proved.proof
        row.nodes[node].multipliers![0].row = 99
        XCTAssertEqual(try problems(proved, row), [.invalidMultiplier(row: 99, layer: entry.layer, unit: entry.unit)])
        var bare = proved.proof
        bare.nodes[node].slopes = nil
        XCTAssert(try problems(proved, bare).contains(.invalidMultiplier(row: entry.row, layer: entry.layer, unit: entry.unit)))
    }
}
