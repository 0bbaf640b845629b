import XCTest
import Foundation
import Encoding
import Network
@testable import Solver

/// The big-M encoding solved by Z3 against brute force: dense sampling of tiny random
/// networks over 2-D boxes, with bounds from the test's own interval arithmetic.
final class Z3EncodingAgreementTests: XCTestCase {
    struct Case {
        var network: NeuralNetwork
        var lower: [Double]
        var upper: [Double]
        var bounds: [PreActivationBounds]
        var sampledMax: Double
        var outputLower: Double
        var outputUpper: Double
    }

    private func makeCase(activation: Layer, sizes: [Int] = [2, 8, 8, 1], using rng: inout Z3SeededGenerator) -> Case {
        let network = Z3TestNetworks.random(sizes: sizes, activation: activation, using: &rng)
        let center = (0..<2).map { _ in Double.random(in: -1...1, using: &rng) }
        let lower = center.map { $0 - 0.5 }, upper = center.map { $0 + 0.5 }
        let (bounds, output) = Z3TestNetworks.intervalBounds(network, lower: lower, upper: upper)
        var sampledMax = -Double.infinity
        let grid = 120
        for a in 0...grid {
            for b in 0...grid {
                let x = [lower[0] + (upper[0] - lower[0]) * Double(a) / Double(grid),
                         lower[1] + (upper[1] - lower[1]) * Double(b) / Double(grid)]
                sampledMax = max(sampledMax, network.evaluate(x)[0])
            }
        }
        return Case(network: network, lower: lower, upper: upper, bounds: bounds, sampledMax: sampledMax,
                    outputLower: output.lower[0], outputUpper: output.upper[0])
    }

    /// "max output >= t": unsat only if no sample reaches t; sat whenever a sample exceeds
    /// t clearly; a sat model's input, run through the float forward pass, reproduces the
    /// model's output. Every (affine form, phase encoding) combination and the SMT-LIB2
    /// text re-read by Z3 give the same answer.
    func testZ3AgreesWithDenseSampling() throws {
        try checkAgreement(seed: 2024, sizes: [2, 6, 6, 1], networksPerActivation: 3, phaseEncodings: [.boolean])
    }

    /// The same with integer phases too, on smaller networks (integer phases are much
    /// slower in Z3 4.8.12: exact simplex with big-M rows and 53-bit weights).
    func testIntegerAndBooleanPhasesAgreeWithDenseSampling() throws {
        try checkAgreement(seed: 77, sizes: [2, 5, 1], networksPerActivation: 3, phaseEncodings: PhaseEncoding.allCases)
    }

    private func checkAgreement(seed: UInt64, sizes: [Int], networksPerActivation: Int, phaseEncodings: [PhaseEncoding]) throws {
        var rng = Z3SeededGenerator(seed: seed)
        let context = try Z3Context()
        var satCount = 0, unsatCount = 0
        for activation in [Layer.relu, .leakyRelu(alpha: 0.2), .clip(lower: -0.5, upper: 0.7)] {
            for _ in 0..<networksPerActivation {
                let testCase = makeCase(activation: activation, sizes: sizes, using: &rng)
                let span = testCase.outputUpper - testCase.outputLower
                for threshold in [testCase.sampledMax - 0.05 * span, testCase.sampledMax + 0.02 * span,
                                  Double.random(in: testCase.outputLower...testCase.outputUpper, using: &rng)] {
                    var answers: [Bool] = []
                    for form in [NetworkEncoder.AffineForm.substituted, .equalities] {
                        let encoding = try NetworkEncoder(options: .init(affineForm: form)).encode(
                            testCase.network, inputLower: testCase.lower, inputUpper: testCase.upper,
                            preActivationBounds: testCase.bounds,
                            property: OutputProperty(outputCount: 1, disjuncts: [[OutputAtom(coefficients: [-1], constant: threshold)]]))
                        for phases in phaseEncodings {
                            let result = try context.solve(encoding.system, options: Z3QueryOptions(phases: phases))
                            if ProcessInfo.processInfo.environment["Z3_TEST_DUMP"] != nil {
                                try? encoding.system.smtlib2(phases: phases).write(toFile: "/tmp/z3dump-\(phases)-\(form).smt2", atomically: true, encoding: .utf8)
                            }
                            switch result.outcome {
                            case .unsat:
                                XCTAssertLessThanOrEqual(testCase.sampledMax, threshold + 1e-9, "unsat but a sample reaches the threshold")
                                answers.append(false)
                            case .sat(let model):
                                let input = model.inputs.map(\.double)
                                for i in 0..<2 {
                                    XCTAssertGreaterThanOrEqual(input[i], testCase.lower[i])
                                    XCTAssertLessThanOrEqual(input[i], testCase.upper[i])
                                }
                                let output = testCase.network.evaluate(input)[0]
                                XCTAssertEqual(output, model.outputs[0].double, accuracy: 1e-9 * (1 + abs(output)))
                                XCTAssertGreaterThanOrEqual(output, threshold - 1e-9)
                                answers.append(true)
                            case .unknown(let reason):
                                XCTFail("unknown: \(reason)")
                            }
                            let text = encoding.system.smtlib2(phases: phases)
                            let reread = try context.solve(smtlib2: text).outcome
                            XCTAssertEqual(reread.isSat, answers.last, "SMT-LIB2 text answers differently")
                        }
                    }
                    XCTAssertEqual(Set(answers).count, 1, "encodings disagree: \(answers)")
                    if threshold < testCase.sampledMax - 1e-9 { XCTAssertEqual(answers.first, true, "a sample exceeds t but Z3 says unsat") }
                    if answers.first == true { satCount += 1 } else { unsatCount += 1 }
                }
            }
        }
        XCTAssertGreaterThan(satCount, 0)
        XCTAssertGreaterThan(unsatCount, 0)
    }

    /// Local robustness on a 3-class network: sat models really change the float argmax
    /// or tie within rounding; unsat means no sample changes it.
    func testMisclassificationQueriesAgreeWithSampling() throws {
        var rng = Z3SeededGenerator(seed: 99)
        let context = try Z3Context()
        for _ in 0..<10 {
            let network = Z3TestNetworks.random(sizes: [2, 6, 6, 3], using: &rng)
            let center = (0..<2).map { _ in Double.random(in: -1...1, using: &rng) }
            let radius = Double.random(in: 0.01...0.3, using: &rng)
            let lower = center.map { $0 - radius }, upper = center.map { $0 + radius }
            let label = network.evaluate(center).argmax
            let bounds = Z3TestNetworks.intervalBounds(network, lower: lower, upper: upper).layers
            let encoding = try NetworkEncoder().encode(network, inputLower: lower, inputUpper: upper, preActivationBounds: bounds,
                                                       property: .misclassification(outputCount: 3, trueClass: label))
            let result = try context.solve(encoding.system)
            switch result.outcome {
            case .unsat:
                for a in 0...40 { for b in 0...40 {
                    let x = [lower[0] + 2 * radius * Double(a) / 40, lower[1] + 2 * radius * Double(b) / 40]
                    XCTAssertEqual(network.evaluate(x).argmax, label, "unsat but \(x) is misclassified")
                } }
            case .sat(let model):
                let y = network.evaluate(model.inputs.map(\.double))
                let margin = (0..<3).filter { $0 != label }.map { y[label] - y[$0] }.min()!
                XCTAssertLessThanOrEqual(margin, 1e-9, "sat model does not reach the violation set in floating point")
            case .unknown(let reason):
                XCTFail("unknown: \(reason)")
            }
        }
    }

    /// An independent solver on exported files, when cvc5 is installed.
    func testExportedFilesAgreeWithCVC5() throws {
        guard let cvc5 = Z3TestNetworks.executable("cvc5") else { throw XCTSkip("cvc5 is not installed") }
        var rng = Z3SeededGenerator(seed: 7)
        let context = try Z3Context()
        var checked = 0
        for index in 0..<6 {
            let network = Z3TestNetworks.random(sizes: [2, 5, 5, 2], activation: index % 3 == 2 ? .clip(lower: -0.4, upper: 0.6) : .relu, using: &rng)
            let lower = [-0.6, -0.2], upper = [0.1, 0.5]
            let bounds = Z3TestNetworks.intervalBounds(network, lower: lower, upper: upper).layers
            let encoding = try NetworkEncoder().encode(network, inputLower: lower, inputUpper: upper, preActivationBounds: bounds,
                                                       property: .misclassification(outputCount: 2, trueClass: index % 2))
            for phases in PhaseEncoding.allCases {
                let z3 = try context.solve(encoding.system, options: Z3QueryOptions(phases: phases)).outcome
                let answer = try Z3TestNetworks.runCVC5(cvc5, text: encoding.system.smtlib2(phases: phases))
                XCTAssertEqual(answer, z3.isSat ? "sat" : "unsat", "cvc5 disagrees (\(phases))")
                checked += 1
            }
        }
        XCTAssertEqual(checked, 12)
    }
}
