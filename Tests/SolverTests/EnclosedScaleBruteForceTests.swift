import Encoding
import Foundation
import Network
@testable import Solver
import Support
import XCTest

/// Verdicts of tiny networks with a division (`x / c`, `c` not a power of two) or a batch
/// normalisation factor (`gamma / sqrt(v)`) against brute force in exact rational arithmetic:
///
/// - ROBUST: the box corners and 33 evenly spaced points are classified as the class
///   (strict margin) by the exact network, with the divisor itself, and, for batch norm,
///   with both ends of the certified enclosure (the verdict claims every factor in it);
/// - NOT ROBUST: the counterexample lies in the box and is not the class for the exact
///   network (for batch norm: at both ends).
///
/// Weights pair `c` with `1/c`-like partners (`3` after a division by 3, `0.1` beside `10`)
/// and biases of `1e-16`, so many margins are within the rounding of `fl(1/c)`.
final class EnclosedScaleBruteForceTests: XCTestCase {
    private static let weights: [Double] = [3, -3, 0.3, -1, 1, 10, 0.1, 0.7, 1e-16, 0]
    private static let divisors: [Double] = [3, 0.3, 10, 7, -3, 0.1]

    private func pick<T>(_ pool: [T], _ rng: inout SplitMix64) -> T { pool[Int(rng.next() % UInt64(pool.count))] }

    private func exactOutputs(_ network: NeuralNetwork, _ input: [Double], upperEnd: Bool) -> [ExactRational] {
        var x = input.map(ExactRational.init)
        for layer in network.layers {
            switch layer {
            case .affine(let affine):
                x = (0..<affine.outputSize).map { i in
                    (0..<affine.inputSize).reduce(ExactRational(affine.bias[i])) { $0 + ExactRational(affine.weight(row: i, column: $1)) * x[$1] }
                }
            case .relu: x = x.map { $0.signum > 0 ? $0 : .zero }
            case .enclosedScale(let scale):
                x = x.indices.map { i in
                    scale.divisors.map { x[i] / ExactRational($0[i]) } ?? ExactRational(upperEnd ? scale.upper[i] : scale.lower[i]) * x[i]
                }
            default: preconditionFailure("affine, relu and enclosed scales only")
            }
        }
        return x
    }

    private func isClass(_ network: NeuralNetwork, _ input: [Double], _ c: Int, upperEnd: Bool) -> Bool {
        let y = exactOutputs(network, input, upperEnd: upperEnd)
        return y.indices.allSatisfy { $0 == c || (y[c] - y[$0]).signum > 0 }
    }

    func testVerdictsAgreeWithExactBruteForce() throws {
        var rng = SplitMix64(seed: 15_151)
        var robust = 0, violated = 0
        for trial in 0..<80 {
            let batchNorm = trial % 4 == 3
            let scale: EnclosedScale = batchNorm
                ? try XCTUnwrap(EnclosedScale.batchNormalization(gamma: [pick([0.3, 2, -0.7], &rng), 1], variance: [pick([0.1, 3, 0.7], &rng), 2], epsilon: 1e-5))
                : try XCTUnwrap(EnclosedScale.reciprocals([pick(Self.divisors, &rng), pick([1, 3, 0.3], &rng)]))
            let first = AffineLayer(inputSize: 1, outputSize: 2, weights: [1, pick(Self.weights, &rng)], bias: [0, pick(Self.weights, &rng)])
            let last = AffineLayer(inputSize: 2, outputSize: 2,
                                   weights: (0..<4).map { _ in pick(Self.weights, &rng) },
                                   bias: (0..<2).map { _ in pick(Self.weights, &rng) * (rng.next() % 2 == 0 ? 1 : 1e-16) })
            var layers: [Layer] = [.affine(first), .enclosedScale(scale)]
            if rng.next() % 2 == 0 { layers.append(.relu) }
            layers.append(.affine(last))
            let network = try NeuralNetwork(inputShape: [1], layers: layers)
            let center = Double(Int(rng.next() % 9) - 4) * 0.5
            let box = try Box.linf(center: [center], radius: pick([0.25, 1, 3], &rng))
            let trueClass = Int(rng.next() % 2)
            var configuration = QueryConfiguration()
            configuration.attack.useAttack = trial % 2 == 0
            let result = try QuerySolver(configuration: configuration).solve(
                SafetyQuery(network: network, box: box, property: .misclassification(outputCount: 2, trueClass: trueClass)))
            let ends = batchNorm ? [false, true] : [false]
            let context = "trial \(trial): box \(box.lower)...\(box.upper), class \(trueClass), layers \(network.layers)"
            switch result.verdict {
            case .holds:
                robust += 1
                for k in 0...32 {
                    let x = min(box.lower[0] + (box.upper[0] - box.lower[0]) * Double(k) / 32, box.upper[0])
                    for end in ends {
                        XCTAssertTrue(isClass(network, [x], trueClass, upperEnd: end), "ROBUST, yet x = \(x) is not the class; \(context)")
                    }
                }
            case .violated(let cx):
                violated += 1
                XCTAssertTrue(box.contains(cx.input), context)
                for end in ends {
                    XCTAssertFalse(isClass(network, cx.input, trueClass, upperEnd: end), "NOT ROBUST, yet \(cx.input) is the class; \(context)")
                }
            case .violatedUnconfirmed, .unknown:
                continue
            }
        }
        XCTAssertGreaterThan(robust, 10)
        XCTAssertGreaterThan(violated, 10)
    }
}
