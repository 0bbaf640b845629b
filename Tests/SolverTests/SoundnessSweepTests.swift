import Encoding
import Foundation
import Network
@testable import Solver
import XCTest

/// A long soundness sweep, run on request only (it takes minutes in a release build):
///
/// ```
/// VERIFY_SWEEP_CASES=600 VERIFY_SWEEP_SEED=11 [VERIFY_SWEEP_PROPERTY=random] \
///     swift test -c release -Xswiftc -enable-testing --filter SoundnessSweepTests
/// ```
///
/// Deeper random networks than the differential tests (2-3 hidden layers of 3-7 units, ReLU,
/// LeakyReLU or clip, float32 weights), decided by five engine configurations (the phase engine
/// at its defaults, without the attack, by phase splits alone with a larger root branching, the
/// default `auto`, the input engine) against the naive encoding decided by ``NaiveOracle``.
/// Every verdict must agree, every ROBUST box survive 500 samples, every exact counterexample
/// be a violation on its one-point box, and every phase proof check VALID. The property is
/// misclassification of the box centre's class, or with `VERIFY_SWEEP_PROPERTY=random` 1-3
/// disjuncts of 1-3 random linear atoms whose constants put the centre near their boundary.
/// Prints each configuration's counts and the cases it left VIOLATED (unconfirmed).
/// `VERIFY_SWEEP_CONFIGURATION=NAME` (for instance `phase`) runs that configuration alone.
final class SoundnessSweepTests: XCTestCase {
    static func randomNetwork(_ rng: inout Z3SeededGenerator) -> NeuralNetwork {
        let kinds: [Layer] = [.relu, .relu, .leakyRelu(alpha: 0.25), .clip(lower: -0.5, upper: 0.75)]
        let inputs = Int.random(in: 2...5, using: &rng)
        let sizes = [inputs] + (0..<Int.random(in: 2...3, using: &rng)).map { _ in Int.random(in: 3...7, using: &rng) } + [3]
        var layers: [Layer] = []
        for k in 1..<sizes.count {
            let weights = (0..<(sizes[k] * sizes[k - 1])).map { _ in Double(Float.random(in: -1...1, using: &rng)) }
            let bias = (0..<sizes[k]).map { _ in Double(Float.random(in: -0.5...0.5, using: &rng)) }
            layers.append(.affine(AffineLayer(inputSize: sizes[k - 1], outputSize: sizes[k], weights: weights, bias: bias)))
            if k < sizes.count - 1 { layers.append(kinds.randomElement(using: &rng)!) }
        }
        return try! NeuralNetwork(inputShape: [inputs], layers: layers)
    }

    /// 1-3 disjuncts of 1-3 atoms `a · y + b <= 0`, `a` from {-1, 0, 1, uniform}, `b` such
    /// that the atom's value at `y` is uniform in [-0.4, 0.4] (rounded to float32).
    static func randomProperty(near y: [Double], _ rng: inout Z3SeededGenerator) -> OutputProperty {
        let disjuncts = (0..<Int.random(in: 1...3, using: &rng)).map { _ in
            (0..<Int.random(in: 1...3, using: &rng)).map { _ -> OutputAtom in
                let a = y.indices.map { _ in [-1.0, 0, 1, Double(Float.random(in: -1...1, using: &rng))].randomElement(using: &rng)! }
                let value = zip(a, y).reduce(0.0) { $0 + $1.0 * $1.1 }
                return OutputAtom(coefficients: a, constant: Double(Float(-value + Double.random(in: -0.4...0.4, using: &rng))))
            }
        }
        return OutputProperty(outputCount: y.count, disjuncts: disjuncts)
    }

    static var configurations: [(name: String, configuration: QueryConfiguration)] {
        var phase = QueryConfiguration()
        phase.phaseSplit.engine = .phase
        var noAttack = phase
        noAttack.attack.useAttack = false
        var splitsOnly = noAttack
        splitsOnly.phaseSplit.leafUnstableThreshold = 0
        splitsOnly.leaves.useSMT = false
        splitsOnly.phaseSplit.rootBranching.layers = 3
        splitsOnly.phaseSplit.rootBranching.perBound = 300
        var input = QueryConfiguration()
        input.phaseSplit.engine = .input
        return [("phase", phase), ("phase, no attack", noAttack), ("phase splits only, root branching 300 x 3 layers", splitsOnly),
                ("auto (default)", QueryConfiguration()), ("input", input)]
    }

    func testSweep() throws {
        let environment = ProcessInfo.processInfo.environment
        guard let cases = environment["VERIFY_SWEEP_CASES"].flatMap({ Int($0) }) else {
            throw XCTSkip("a long sweep: set VERIFY_SWEEP_CASES (and run a release build) to run it")
        }
        let seed = environment["VERIFY_SWEEP_SEED"].flatMap { UInt64($0) } ?? 11
        let randomProperties = environment["VERIFY_SWEEP_PROPERTY"] == "random"
        var rng = Z3SeededGenerator(seed: seed)
        let drawn = try (0..<cases).map { _ -> PipelineDifferentialTests.DifferentialCase in
            let network = Self.randomNetwork(&rng)
            let center = (0..<network.inputSize).map { _ in Double.random(in: -1...1, using: &rng) }
            let box = try Box.linf(center: center, radius: [0.02, 0.1, 0.3, 0.6].randomElement(using: &rng)!)
            let property = randomProperties ? Self.randomProperty(near: network.evaluate(center), &rng)
                : .misclassification(outputCount: 3, trueClass: network.evaluate(center).argmax)
            return .init(network: network, box: box, property: property)
        }
        let naive = try NaiveOracle.decide(drawn.map { PipelineDifferentialTests.naiveSMT($0.network, $0.box, $0.property) })
        XCTAssertTrue(naive.contains(.sat) && naive.contains(.unsat), "the cases must exercise both answers")
        var sampler = Z3SeededGenerator(seed: seed ^ 0x5EED)
        let pointOracle = try Z3Context()
        let only = environment["VERIFY_SWEEP_CONFIGURATION"]
        for (name, configuration) in Self.configurations where only == nil || only == name {
            let solver = try QuerySolver(configuration: configuration)
            var counts: [String: Int] = [:]
            for (trial, drawnCase) in drawn.enumerated() {
                let query = SafetyQuery(network: drawnCase.network, box: drawnCase.box, property: drawnCase.property)
                let result = solver.solve(query)
                let label = "\(name), trial \(trial)"
                switch (result.verdict, naive[trial]) {
                case (.holds, .unsat):
                    counts["robust", default: 0] += 1
                    for _ in 0..<500 {
                        let x = (0..<query.box.dimension).map { Double.random(in: query.box.lower[$0]...query.box.upper[$0], using: &sampler) }
                        XCTAssertNil(query.property.violatedDisjunct(query.network.evaluate(x)), "\(label): sampled violation in a ROBUST box")
                    }
                    if let proof = result.phaseProof {
                        var report = CertificateChecker.Report()
                        try CertificateChecker.checkPhaseProof(query, proof: proof, cvc5: nil, report: &report)
                        XCTAssertEqual(report.problems, [], "\(label): the phase proof does not check")
                        counts["phase proofs", default: 0] += 1
                    }
                case (.violated(let counterexample), .sat):
                    counts["violated", default: 0] += 1
                    let point = try Box(lower: counterexample.input, upper: counterexample.input)
                    guard case .sat = try pointOracle.solve(smtlib2: PipelineDifferentialTests.naiveSMT(query.network, point, query.property)).outcome
                    else {
                        XCTFail("\(label): \(counterexample.input) is not a violation in exact arithmetic")
                        continue
                    }
                case (.violatedUnconfirmed, .sat):
                    counts["violated (unconfirmed)", default: 0] += 1
                    print("sweep \(label): violated (unconfirmed); \(query.network.layers), box \(query.box), \(query.property)")
                case (.unknown, _):
                    counts["unknown", default: 0] += 1
                default:
                    XCTFail("\(label): \(result.verdict) against the naive encoding's \(naive[trial]); \(query.network.layers)")
                }
            }
            print("sweep \(name): " + counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", "))
        }
    }
}
