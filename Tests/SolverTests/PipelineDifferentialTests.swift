import Encoding
import Foundation
import Network
@testable import Solver
import XCTest

/// The full pipeline against an independent oracle: a naive SMT-LIB2 encoding written here
/// (no bounds at all, one `ite` per ReLU-like unit, exact rationals) decided by cvc5 (Z3
/// without it, ``NaiveOracle``), on hundreds of random tiny networks and boxes. Any
/// disagreement fails; ROBUST verdicts are also checked by dense sampling and every
/// counterexample by the naive encoding on its point.
final class PipelineDifferentialTests: XCTestCase {
    /// Naive encoding: `h = ite(z > 0, z, 0)` etc. for every unit; the unsafe set as an `or`.
    static func naiveSMT(_ network: NeuralNetwork, _ box: Box, _ property: OutputProperty) -> String {
        func q(_ value: Double) -> String { ExactRational(value).smtlib2() }
        var lines = ["(set-logic QF_LRA)"]
        var names: [String] = []
        for i in 0..<box.dimension {
            lines.append("(declare-const x\(i) Real)")
            lines.append("(assert (and (>= x\(i) \(q(box.lower[i]))) (<= x\(i) \(q(box.upper[i])))))")
            names.append("x\(i)")
        }
        var counter = 0
        func fresh(_ expression: String) -> String {
            counter += 1
            lines.append("(declare-const v\(counter) Real)")
            lines.append("(assert (= v\(counter) \(expression)))")
            return "v\(counter)"
        }
        for layer in network.layers {
            switch layer {
            case .affine(let affine):
                names = (0..<affine.outputSize).map { row in
                    let terms = (0..<affine.inputSize).map { "(* \(q(affine.weight(row: row, column: $0))) \(names[$0]))" }
                    return fresh("(+ \(terms.joined(separator: " ")) \(q(affine.bias[row])))")
                }
            case .relu:
                names = names.map { fresh("(ite (> \($0) 0) \($0) 0)") }
            case .leakyRelu(let alpha):
                names = names.map { fresh("(ite (>= \($0) 0) \($0) (* \(q(alpha)) \($0)))") }
            case .clip(let lower, let upper):
                names = names.map { name in
                    var value = name
                    if lower.isFinite { value = "(ite (< \(value) \(q(lower))) \(q(lower)) \(value))" }
                    if upper.isFinite { value = "(ite (> \(value) \(q(upper))) \(q(upper)) \(value))" }
                    return fresh(value)
                }
            case .enclosedScale(let scale):
                guard let divisors = scale.divisors else { preconditionFailure("naive encoding needs exact divisors") }
                names = names.indices.map { fresh("(/ \(names[$0]) \(q(divisors[$0])))") }
            case .tanh, .sigmoid:
                preconditionFailure("naive encoding is for piecewise-linear networks")
            }
        }
        let disjuncts = property.disjuncts.map { atoms in
            "(and " + atoms.map { atom in
                let terms = atom.coefficients.enumerated().map { "(* \(q($0.element)) \(names[$0.offset]))" }
                return "(<= (+ \(terms.joined(separator: " ")) \(q(atom.constant))) 0)"
            }.joined(separator: " ") + ")"
        }
        lines.append("(assert (or \(disjuncts.joined(separator: " "))))")
        lines.append("(check-sat)")
        return lines.joined(separator: "\n")
    }

    static func randomNetwork(_ rng: inout Z3SeededGenerator) -> NeuralNetwork {
        let inputs = Int.random(in: 1...3, using: &rng)
        let hidden = [Int.random(in: 2...6, using: &rng), Int.random(in: 2...5, using: &rng)]
        let activations: [Layer] = [.relu, .leakyRelu(alpha: 0.25), .clip(lower: -0.5, upper: 0.75), .relu]
        var layers: [Layer] = []
        var size = inputs
        for width in hidden + [3] {
            let weights = (0..<(width * size)).map { _ in Double.random(in: -1...1, using: &rng) }
            let bias = (0..<width).map { _ in Double.random(in: -0.5...0.5, using: &rng) }
            layers.append(.affine(AffineLayer(inputSize: size, outputSize: width, weights: weights, bias: bias)))
            if width != 3 || layers.count < 5 { if width != 3 { layers.append(activations.randomElement(using: &rng)!) } }
            size = width
        }
        return try! NeuralNetwork(inputShape: [inputs], layers: layers)
    }

    /// One random differential case: a network of ``randomNetwork(_:)``, an L-inf box around a
    /// random centre, and misclassification of the centre's class.
    struct DifferentialCase {
        let network: NeuralNetwork
        let box: Box
        let property: OutputProperty
    }

    static func randomCases(seed: UInt64, count: Int) throws -> [DifferentialCase] {
        var rng = Z3SeededGenerator(seed: seed)
        return try (0..<count).map { _ in
            let network = Self.randomNetwork(&rng)
            let center = (0..<network.inputSize).map { _ in Double.random(in: -1...1, using: &rng) }
            let radius = [0.01, 0.1, 0.3, 0.8].randomElement(using: &rng)!
            let box = try Box.linf(center: center, radius: radius)
            let property = OutputProperty.misclassification(outputCount: 3, trueClass: network.evaluate(center).argmax)
            return DifferentialCase(network: network, box: box, property: property)
        }
    }

    /// `cases` random cases (``randomCases(seed:count:)``) solved with `configuration` and
    /// decided by the naive encoding (``NaiveOracle``); every verdict must agree with the
    /// naive one, every ROBUST box survive 300 samples, and every exact counterexample be a
    /// violation of the naive encoding on its one-point box.
    static func runDifferential(configuration: QueryConfiguration, seed: UInt64, cases: Int) throws
        -> (robust: Int, violated: Int, slopeClosures: Int) {
        let drawn = try randomCases(seed: seed, count: cases)
        let naive = try NaiveOracle.decide(drawn.map { naiveSMT($0.network, $0.box, $0.property) })
        var sampler = Z3SeededGenerator(seed: seed ^ 0x5A3D_11E5)
        let solver = try QuerySolver(configuration: configuration)
        let pointOracle = try Z3Context()
        var counts = (robust: 0, violated: 0, slopeClosures: 0)
        for (trial, drawnCase) in drawn.enumerated() {
            let (network, box, property) = (drawnCase.network, drawnCase.box, drawnCase.property)
            let result = solver.solve(SafetyQuery(network: network, box: box, property: property))
            counts.slopeClosures += result.statistics.slopeClosures
            switch (result.verdict, naive[trial]) {
            case (.holds, .unsat):
                counts.robust += 1
                for _ in 0..<300 {
                    let x = (0..<box.dimension).map { Double.random(in: box.lower[$0]...box.upper[$0], using: &sampler) }
                    XCTAssertNil(property.violatedDisjunct(network.evaluate(x)), "trial \(trial): sampled violation inside a ROBUST box")
                }
            case (.violated(let counterexample), .sat), (.violatedUnconfirmed(let counterexample), .sat):
                counts.violated += 1
                XCTAssertTrue(box.contains(counterexample.input), "trial \(trial): counterexample outside the box")
                XCTAssertEqual(counterexample.outputs, network.evaluate(counterexample.input))
                if case .violated = result.verdict {
                    // The verdict is exact (design rule 8): the naive encoding on the one-point
                    // box at the counterexample's Double input must be sat. The float outputs
                    // may miss a violation whose margin is 0 exactly (a tie at a kink).
                    let point = try Box(lower: counterexample.input, upper: counterexample.input)
                    guard case .sat = try pointOracle.solve(smtlib2: Self.naiveSMT(network, point, property)).outcome else {
                        XCTFail("trial \(trial): \(counterexample.input) is not a violation in exact arithmetic")
                        continue
                    }
                }
            default:
                XCTFail("trial \(trial): pipeline \(result.verdict) vs naive \(naive[trial]); \(result.statistics); \(result.steps)")
            }
        }
        return counts
    }

    /// The batch oracle answers problem by problem, in order: cvc5's batch (when installed)
    /// gives Z3's verdict on every case, with both answers present among them; a problem
    /// neither solver can read makes the batch throw instead of shifting the answers.
    func testNaiveOracleAnswersInOrderAndAgreesWithZ3() throws {
        let drawn = try Self.randomCases(seed: 4, count: 24)
        let problems = drawn.map { Self.naiveSMT($0.network, $0.box, $0.property) }
        let batch = try NaiveOracle.decide(problems)
        let z3 = try Z3Context()
        let single: [NaiveVerdict?] = try problems.map {
            switch try z3.solve(smtlib2: $0).outcome {
            case .sat: .sat
            case .unsat: .unsat
            case .unknown: nil
            }
        }
        XCTAssertEqual(batch, single)
        XCTAssertTrue(batch.contains(.sat) && batch.contains(.unsat), "the cases must exercise both answers")
        XCTAssertThrowsError(try NaiveOracle.decide([problems[0], "(set-logic QF_LRA)\n(assert (> y 0))\n(check-sat)", problems[1]]))
    }

    func testDefaultPipelineAgreesWithNaiveZ3() throws {
        let counts = try Self.runDifferential(configuration: QueryConfiguration(), seed: 1, cases: 150)
        XCTAssertGreaterThan(counts.robust, 10, "the sample must exercise proofs")
        XCTAssertGreaterThan(counts.violated, 10, "the sample must exercise counterexamples")
    }

    /// Without attack, linear bounds and splitting, every open query goes straight to Z3 on
    /// the big-M encoding: this isolates the encoding and its big-M constants.
    func testZ3OnlyPipelineAgreesWithNaiveZ3() throws {
        var configuration = QueryConfiguration()
        configuration.attack.useAttack = false
        configuration.bounds.useLinear = false
        configuration.search.useSplit = false
        configuration.bounds.useRelaxationLP = false
        let counts = try Self.runDifferential(configuration: configuration, seed: 2, cases: 150)
        XCTAssertGreaterThan(counts.robust, 10)
        XCTAssertGreaterThan(counts.violated, 10)
    }

    /// Splitting with Z3 only at the very end (threshold 0) exercises the split search and
    /// the relaxation LP on conjunctions.
    func testSplitHeavyPipelineAgreesWithNaiveZ3() throws {
        var configuration = QueryConfiguration()
        configuration.attack.useAttack = false
        configuration.leaves.smtUnstableThreshold = 0
        configuration.leaves.maxDepth = 12
        let counts = try Self.runDifferential(configuration: configuration, seed: 3, cases: 100)
        XCTAssertGreaterThan(counts.robust, 5)
        XCTAssertGreaterThan(counts.violated, 5)
    }
}
