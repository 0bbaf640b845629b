import Encoding
import Foundation
import Network
import Support
@testable import Solver
import XCTest

/// Phase-engine proofs as certificates (``PhaseProof``, ``CertificateChecker/checkPhaseProof``).
///
/// The oracle for VALID is the checker's independent re-derivation: every proof the search
/// produces must re-check with no problem (fails if the search closes a node with anything the
/// certificate does not carry, e.g. unrecorded optimised slopes: the root's optimised slopes
/// are what close most of these trees). The mutation tests take those proofs and change one
/// thing; each must be rejected with the fault named in the test.
final class PhaseProofCertificateTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let repository = fixtures.deletingLastPathComponent().deletingLastPathComponent()

    struct Proved: Sendable {
        var query: SafetyQuery
        var proof: PhaseProof
    }

    /// A random network `inputs -> 8 -> 8 -> 3` whose two activation layers are each ReLU,
    /// LeakyReLU (alpha 0.25) or clip `[-0.5, 0.75]`, at least one of them ReLU-like (so the
    /// phase engine takes it); weights in `[-1, 1]`, biases in `[-0.5, 0.5]`.
    static func randomNetwork(_ rng: inout Z3SeededGenerator) -> NeuralNetwork {
        let kinds: [Layer] = [.relu, .leakyRelu(alpha: 0.25), .clip(lower: -0.5, upper: 0.75)]
        var activations = [kinds.randomElement(using: &rng)!, kinds.randomElement(using: &rng)!]
        if case .clip = activations[0], case .clip = activations[1] { activations[1] = .relu }
        let sizes = [Int.random(in: 2...4, using: &rng), 8, 8, 3]
        var layers: [Layer] = []
        for k in 1..<sizes.count {
            let weights = (0..<(sizes[k] * sizes[k - 1])).map { _ in Double.random(in: -1...1, using: &rng) }
            let bias = (0..<sizes[k]).map { _ in Double.random(in: -0.5...0.5, using: &rng) }
            layers.append(.affine(AffineLayer(inputSize: sizes[k - 1], outputSize: sizes[k], weights: weights, bias: bias)))
            if k < sizes.count - 1 { layers.append(activations[k - 1]) }
        }
        return try! NeuralNetwork(inputShape: [sizes[0]], layers: layers)
    }

    /// Random networks (``randomNetwork(_:)``) and boxes, solved by the phase engine: every
    /// HOLDS with a phase proof that splits; with `rootBranching` (the root's branching on, its
    /// default) also those closed at the root, whose branching trees are what is checked.
    static func randomProofs(leafThreshold: Int, seed: UInt64, cases: Int, rootBranching: Bool) throws -> [Proved] {
        var configuration = PhaseSplitSearchTests.phaseConfiguration(leafThreshold: leafThreshold)
        configuration.phaseSplit.batch = 1
        if !rootBranching { configuration.phaseSplit.rootBranching.perBound = 0 }
        return try randomProofs(configuration: configuration, seed: seed, cases: cases, requireSplit: !rootBranching)
    }

    /// The same with the phase engine set up by `configuration` (its node budget set to 300);
    /// with `requireSplit` only proofs that split.
    static func randomProofs(configuration base: QueryConfiguration, seed: UInt64, cases: Int,
                             requireSplit: Bool = true) throws -> [Proved] {
        var configuration = base
        configuration.limits.maxNodes = 300
        let solver = try QuerySolver(configuration: configuration)
        var rng = Z3SeededGenerator(seed: seed)
        var proofs: [Proved] = []
        for _ in 0..<cases {
            let network = Self.randomNetwork(&rng)
            let center = (0..<network.inputSize).map { _ in Double.random(in: -1...1, using: &rng) }
            let box = try Box.linf(center: center, radius: [0.15, 0.25, 0.4].randomElement(using: &rng)!)
            let property = OutputProperty.misclassification(outputCount: 3, trueClass: network.evaluate(center).argmax)
            let query = SafetyQuery(network: network, box: box, property: property)
            let result = solver.solve(query)
            guard case .holds = result.verdict, let proof = result.phaseProof, proof.nodes.count > 1 || !requireSplit else { continue }
            proofs.append(Proved(query: query, proof: try Self.roundTrip(proof)))
        }
        return proofs
    }

    /// The proof as a certificate writes and reads it (null slopes, shortest digits).
    static func roundTrip(_ proof: PhaseProof) throws -> PhaseProof {
        let text = JSONText.encode(try JSONTreeEncoder.encode(proof), pretty: false)
        let read = try JSONTreeDecoder.decode(PhaseProof.self, from: try JSONText.parse(Data(text.utf8)))
        XCTAssertEqual(read.nodes.count, proof.nodes.count)
        return read
    }

    /// The faults `verify check` finds in `proof` as a proof of `proved`'s query.
    static func faults(_ proved: Proved, _ proof: PhaseProof) throws -> [PhaseProofFault] {
        var report = CertificateChecker.Report()
        try CertificateChecker.checkPhaseProof(proved.query, proof: proof, cvc5: nil, report: &report)
        return report.problems.compactMap { if case .phaseProof(_, _, let fault) = $0 { return fault } else { return nil } }
    }

    /// How many of `proofs` the checker rejects once `change` has edited them.
    func proofsFailing(_ proofs: [Proved], after change: (inout PhaseProof) -> Void) throws -> Int {
        try proofs.filter { proved in
            var changed = proved.proof
            change(&changed)
            return try !problems(proved, changed).isEmpty
        }.count
    }

    func problems(_ proved: Proved, _ proof: PhaseProof? = nil) throws -> [CertificateProblem] {
        var report = CertificateChecker.Report()
        try CertificateChecker.checkPhaseProof(proved.query, proof: proof ?? proved.proof, cvc5: nil, report: &report)
        return report.problems
    }

    func faults(_ problems: [CertificateProblem]) -> [PhaseProofFault] {
        problems.compactMap { if case .phaseProof(_, _, let fault) = $0 { return fault } else { return nil } }
    }

    /// `proof` without node `removed` and everything below it (parents re-indexed).
    func removing(_ removed: Int, from proof: PhaseProof) -> PhaseProof {
        var gone = Set([removed])
        for (i, node) in proof.nodes.enumerated() where node.parent.map(gone.contains) == true { gone.insert(i) }
        var index: [Int: Int] = [:]
        var nodes: [PhaseProofNode] = []
        for (i, node) in proof.nodes.enumerated() where !gone.contains(i) {
            index[i] = nodes.count
            var copy = node
            copy.parent = node.parent.map { index[$0]! }
            nodes.append(copy)
        }
        return PhaseProof(nodes: nodes, rootIntermediates: proof.rootIntermediates, rootBranching: proof.rootBranching)
    }

    /// Computed once per test process (every test below reads them). `deep` and `smt` are
    /// searched without the root's branching (``PhaseSplitOptions/rootBranching``), which
    /// closes many of these small trees at the root, so that they keep deep trees and forks
    /// to mutate; `branched` with it.
    static let deep: [Proved] = try! randomProofs(leafThreshold: 0, seed: 901, cases: 120, rootBranching: false)
    static let smt: [Proved] = try! randomProofs(leafThreshold: 2, seed: 902, cases: 120, rootBranching: false)
    static let branched: [Proved] = try! randomProofs(leafThreshold: 0, seed: 903, cases: 200, rootBranching: true)
    var deepProofs: [Proved] { Self.deep }
    var smtProofs: [Proved] { Self.smt }

    /// Every proof of the phase engine re-checks, with forced deep splits (threshold 0) and
    /// with Z3 leaves (threshold 2), and the sample exercises splits of every unit kind.
    func testEveryRandomPhaseProofChecksValid() throws {
        for proved in deepProofs + smtProofs {
            XCTAssertEqual(try problems(proved), [], "\(proved.query.network.layers)")
        }
        print("phase proofs: \(deepProofs.count) deep, \(smtProofs.count) with Z3 leaves; nodes \((deepProofs + smtProofs).map(\.proof.nodes.count))")
        let all = (deepProofs + smtProofs).flatMap { proved in proved.proof.nodes.compactMap(\.split).map { (proved.query.network, $0) } }
        func count(_ kind: (Layer) -> Bool) -> Int { all.filter { kind($0.0.layers[$0.1.layer]) }.count }
        XCTAssertGreaterThan(count { if case .relu = $0 { return true }; return false }, 20)
        XCTAssertGreaterThan(count { if case .leakyRelu = $0 { return true }; return false }, 5)
        XCTAssertGreaterThan(count { if case .clip = $0 { return true }; return false }, 5)
        XCTAssertGreaterThanOrEqual(smtProofs.filter { $0.proof.nodes.contains { $0.closed == .smt } }.count, 3)
        XCTAssertGreaterThanOrEqual((deepProofs + smtProofs).filter { $0.proof.nodes[0].slopes != nil }.count, 5)
    }

    /// Mutation: a dropped child leaves half of its parent's sub-problem covered by nothing.
    func testDroppedChildIsACoverageHole() throws {
        var tried = 0
        for proved in deepProofs where proved.proof.nodes.contains(where: { $0.split != nil }) {
            let leaf = proved.proof.nodes.indices.last { proved.proof.nodes[$0].closed != nil && proved.proof.nodes[$0].split != nil }!
            XCTAssertEqual(faults(try problems(proved, removing(leaf, from: proved.proof))), [.notAPartition(children: 1)])
            tried += 1
        }
        XCTAssertGreaterThanOrEqual(tried, 5)
    }

    /// Mutation: a child's split side flipped (`z <= b` became `z >= b`), so both children
    /// cover the same side.
    func testFlippedSplitSideIsRejected() throws {
        var tried = 0
        for proved in deepProofs where proved.proof.nodes.contains(where: { $0.split != nil }) {
            var proof = proved.proof
            let child = proof.nodes.firstIndex { $0.split != nil }!
            proof.nodes[child].split!.side = proof.nodes[child].split!.side == .above ? .below : .above
            XCTAssertEqual(faults(try problems(proved, proof)), [.notAPartition(children: 2)])
            tried += 1
        }
        XCTAssertGreaterThanOrEqual(tried, 5)
    }

    /// Mutation: a recorded slope outside its range, `[0, 1]` for a ReLU or clip layer and
    /// `[alpha, 1]` for a LeakyReLU layer of slope `alpha < 1` (1.5 and -0.25, both outside
    /// every range). LeakyReLU and clip layers must be exercised.
    func testSlopeOutsideItsRangeIsRejected() throws {
        var tried = 0, leaky = 0, clip = 0
        for proved in deepProofs + smtProofs {
            guard let layers = proved.proof.nodes[0].slopes, let layer = layers.firstIndex(where: { $0.slopes.contains { $0 != nil } }) else { continue }
            let unit = layers[layer].slopes.firstIndex { $0 != nil }!
            var low = 0.0
            if case .leakyRelu(let alpha) = proved.query.network.layers[layers[layer].layer] {
                low = alpha
                leaky += 1
            }
            if case .clip = proved.query.network.layers[layers[layer].layer] { clip += 1 }
            for bad in [1.5, -0.25] {
                var proof = proved.proof
                proof.nodes[0].slopes![layer].slopes[unit] = bad
                XCTAssertEqual(faults(try problems(proved, proof)), [.slopeOutOfRange(layer: layers[layer].layer, low: low, high: 1)])
            }
            tried += 1
        }
        XCTAssertGreaterThanOrEqual(tried, 5)
        XCTAssertGreaterThanOrEqual(leaky, 1, "a LeakyReLU layer's slopes must be exercised")
        XCTAssertGreaterThanOrEqual(clip, 1, "a clip layer's slopes must be exercised")
    }

    /// The root's intermediate slopes (``PhaseProof/rootIntermediates``): the search records
    /// them and the checker replays them (the proofs check VALID in
    /// ``testEveryRandomPhaseProofChecksValid()``); some trees close only with the tighter
    /// bounds they give, so without them those proofs fail. Mutation: a slope outside its
    /// range, or an entry for the first activation layer (which cannot be tightened), is
    /// rejected.
    func testRootIntermediateSlopesAreReplayedAndChecked() throws {
        let carrying = (deepProofs + smtProofs).filter { !($0.proof.rootIntermediates ?? []).isEmpty }
        XCTAssertGreaterThanOrEqual(carrying.count, 10)
        let needed = try proofsFailing(carrying) { $0.rootIntermediates = nil }
        XCTAssertGreaterThanOrEqual(needed, 1, "no proof needs the tightened root bounds: the replay is not exercised")
        var mutated = 0
        for proved in carrying {
            let entries = proved.proof.rootIntermediates!
            guard let slopeLayer = entries[0].lowerRows.firstIndex(where: { $0.slopes.contains { $0 != nil } }) else { continue }
            let unit = entries[0].lowerRows[slopeLayer].slopes.firstIndex { $0 != nil }!
            var outOfRange = proved.proof
            outOfRange.rootIntermediates![0].lowerRows[slopeLayer].slopes[unit] = 1.5
            XCTAssertEqual(faults(try problems(proved, outOfRange)), [.invalidRootIntermediates])
            var firstLayer = proved.proof
            firstLayer.rootIntermediates![0].layer = 1
            XCTAssertEqual(faults(try problems(proved, firstLayer)), [.invalidRootIntermediates])
            mutated += 1
        }
        XCTAssertGreaterThanOrEqual(mutated, 5)
        print("root intermediates: \(carrying.count) proofs carry them, \(needed) need them")
    }

    /// The root's branching trees (``PhaseProof/rootBranching``): the search records them and
    /// the checker replays them (every proof of the default search checks VALID); some trees
    /// close only with the tighter bounds they give, so without them those proofs fail.
    /// Mutation: a tree cut short, an entry that is neither a leaf nor a split, and a tree for
    /// the first activation layer are rejected.
    func testRootBranchingTreesAreReplayedAndChecked() throws {
        for proved in Self.branched {
            XCTAssertEqual(try problems(proved), [], "\(proved.query.network.layers)")
        }
        let carrying = Self.branched.filter { !($0.proof.rootBranching ?? []).isEmpty }
        XCTAssertGreaterThanOrEqual(carrying.count, 10)
        let needed = try proofsFailing(carrying) { $0.rootBranching = nil }
        XCTAssertGreaterThanOrEqual(needed, 1, "no proof needs the branched root bounds: the replay is not exercised")
        var mutated = 0
        for proved in carrying {
            guard let index = proved.proof.rootBranching!.firstIndex(where: { $0.nodes.count > 1 }) else { continue }
            var cut = proved.proof
            cut.rootBranching![index].nodes.removeLast()
            XCTAssertEqual(faults(try problems(proved, cut)), [.invalidRootBranching])
            var garbled = proved.proof
            garbled.rootBranching![index].nodes[0] = [1]
            XCTAssertEqual(faults(try problems(proved, garbled)), [.invalidRootBranching])
            var firstLayer = proved.proof
            firstLayer.rootBranching![index].layer = 1
            XCTAssertEqual(faults(try problems(proved, firstLayer)), [.invalidRootBranching])
            mutated += 1
        }
        XCTAssertGreaterThanOrEqual(mutated, 5)
        print("root branching: \(carrying.count) proofs carry trees, \(needed) need them")
    }

    /// Mutation: a Z3 leaf relabelled `bounds` (the bounds do not close it), and the root
    /// collapsed into a `bounds` leaf (its subtree dropped): the recorded method cannot prove
    /// the leaf.
    func testLeafWhoseMethodCannotProveItIsRejected() throws {
        var relabelled = 0
        for proved in smtProofs {
            guard let leaf = proved.proof.nodes.firstIndex(where: { $0.closed == .smt }) else { continue }
            var proof = proved.proof
            proof.nodes[leaf].closed = .bounds
            XCTAssertEqual(faults(try problems(proved, proof)), [.doesNotClose(.bounds)])
            relabelled += 1
        }
        XCTAssertGreaterThanOrEqual(relabelled, 3)
        var collapsed = 0
        for proved in deepProofs where proved.proof.nodes.count > 1 {
            var proof = PhaseProof(nodes: [proved.proof.nodes[0]])
            proof.nodes[0].closed = .bounds
            XCTAssertEqual(faults(try problems(proved, proof)), [.doesNotClose(.bounds)])
            collapsed += 1
        }
        XCTAssertGreaterThanOrEqual(collapsed, 5)
    }

    /// The proofs that fork (``PhaseDisjunctSearch/separate``, the default): the random
    /// queries' properties have two disjuncts, so most trees fork at the root.
    var forkedProofs: [(proved: Proved, fork: Int, children: [Int])] {
        (deepProofs + smtProofs).compactMap { proved in
            let nodes = proved.proof.nodes
            guard let first = nodes.firstIndex(where: { $0.disjuncts != nil }), let fork = nodes[first].parent else { return nil }
            return (proved, fork, nodes.indices.filter { nodes[$0].parent == fork })
        }
    }

    /// A fork's children each name one disjunct, together every disjunct; forked proofs
    /// check VALID (in ``testEveryRandomPhaseProofChecksValid()``), and a fork child that
    /// loses its disjunct to its sibling's leaves that disjunct to no sub-tree.
    func testForkThatDropsADisjunctIsACoverageHole() throws {
        XCTAssertGreaterThanOrEqual(forkedProofs.count, 3)
        var tried = 0
        for (proved, fork, children) in forkedProofs {
            XCTAssertEqual(children.compactMap { proved.proof.nodes[$0].disjuncts }.flatMap { $0 }.sorted(), [0, 1])
            XCTAssert(children.allSatisfy { proved.proof.nodes[$0].split == nil })
            var proof = proved.proof
            proof.nodes[children[1]].disjuncts = proof.nodes[children[0]].disjuncts
            let missed = proved.proof.nodes[children[1]].disjuncts![0]
            let found = faults(try problems(proved, proof))
            XCTAssertEqual(found, [.forkMissesDisjunct(missed)], "fork \(fork)")
            tried += 1
        }
        XCTAssertGreaterThanOrEqual(tried, 3)
    }

    /// Mutation: a fork child naming no disjunct, one the property lacks, or a split as well,
    /// and a split node given a fork sibling.
    func testMalformedForkIsRejected() throws {
        var tried = 0
        for (proved, _, children) in forkedProofs {
            for bad in [[], [2], [-1]] {
                var proof = proved.proof
                proof.nodes[children[0]].disjuncts = bad
                XCTAssertEqual(faults(try problems(proved, proof)), [.invalidDisjuncts], "\(bad)")
            }
            var withSplit = proved.proof
            withSplit.nodes[children[0]].split = PhaseSplitCertificate(unit: ActivationUnit(layer: 1, unit: 0),
                                                                        side: SplitSide(breakpoint: 0, above: true))
            XCTAssertEqual(faults(try problems(proved, withSplit)), [.invalidDisjuncts])
            tried += 1
        }
        XCTAssertGreaterThanOrEqual(tried, 3)
        var mixed = 0
        for proved in deepProofs {
            let nodes = proved.proof.nodes
            guard let child = nodes.indices.first(where: { nodes[$0].split != nil }), let parent = nodes[child].parent else { continue }
            var proof = proved.proof
            proof.nodes.append(PhaseProofNode(parent: parent, split: nil, closed: .bounds, disjuncts: [0]))
            XCTAssertEqual(faults(try problems(proved, proof)), [.notAPartition(children: 3)])
            mixed += 1
        }
        XCTAssertGreaterThanOrEqual(mixed, 5)
    }

    /// One real instance: the query of `vnnlib` on `model`, solved by the phase engine; its
    /// proof must split (or carry the root's branching trees) and re-check.
    func checkInstance(model: String, vnnlib: String) throws {
        let network = try NetworkFile.load(model)
        let property = try VNNLibParser.parse(contentsOf: vnnlib, expectedInputs: network.inputSize, expectedOutputs: network.outputSize)
        var configuration = QueryConfiguration()
        configuration.phaseSplit.engine = .phase
        configuration.limits.timeLimit = 600
        configuration.limits.maxNodes = 5_000
        let solver = try QuerySolver(configuration: configuration)
        var proofs = 0
        defer { XCTAssertGreaterThan(proofs, 0, "\(vnnlib): no query needed the phase search") }
        for query in try VNNLibQueries.queries(for: property, network: network) {
            let result = solver.solve(query)
            guard case .holds = result.verdict else { return XCTFail("\(vnnlib): expected unsat, got \(result.verdict)") }
            guard let proof = result.phaseProof else { continue }
            XCTAssertTrue(proof.nodes.count > 1 || proof.hasRootBranching, "\(vnnlib): neither splits nor root branching")
            proofs += 1
            XCTAssertEqual(try problems(Proved(query: query, proof: try Self.roundTrip(proof))), [], vnnlib)
        }
    }

    /// The 8x8 digits classifier (64 inputs) on an eps box the root bounds leave open.
    func testDigitsInstanceProofChecksValid() throws {
        try checkInstance(model: Self.repository.appendingPathComponent("examples/digits/classifier.onnx").path,
                          vnnlib: Self.fixtures.appendingPathComponent("certificates/digits_0_eps_0.02.vnnlib").path)
    }

    /// VNN-COMP 2021 `mnistfc` 256x2 prop_0 (784 inputs, `unsat` by every complete verifier).
    func testMNISTInstanceProofChecksValid() throws {
        let root = Self.fixtures.appendingPathComponent("vnncomp/mnistfc")
        try checkInstance(model: root.appendingPathComponent("mnist-net_256x2.onnx").path,
                          vnnlib: root.appendingPathComponent("prop_0_0.03.vnnlib").path)
    }
}
