import Encoding
import Foundation
import Network
@testable import Solver
import Support

/// Networks and helpers shared by the attack tests.
enum AttackFixtures {
    static let digits = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples/digits").path

    /// `C ∘ G_c` of the shipped digits models.
    static func digitsNetwork(_ c: Int) throws -> NeuralNetwork {
        try NeuralNetwork.composing(classifier: NetworkFile.load(digits + "/classifier.onnx"),
                                    after: NetworkFile.load(digits + "/generator_\(c).onnx"))
    }

    static func affine(_ rows: [[Double]], _ bias: [Double]) -> Layer {
        .affine(AffineLayer(inputSize: rows[0].count, outputSize: rows.count, weights: rows.flatMap { $0 }, bias: bias))
    }

    /// A random tiny network: 1-4 inputs, two hidden layers with a random activation, 3 outputs.
    static func randomNetwork(_ rng: inout SplitMix64, smooth: Bool = false) -> NeuralNetwork {
        let inputs = Int.random(in: 1...4, using: &rng)
        let activations: [Layer] = smooth ? [.tanh, .sigmoid]
            : [.relu, .leakyRelu(alpha: 0.25), .clip(lower: -0.5, upper: 0.75)]
        var layers: [Layer] = []
        var size = inputs
        for width in [Int.random(in: 2...8, using: &rng), Int.random(in: 2...6, using: &rng), 3] {
            let weights = (0..<(width * size)).map { _ in Double.random(in: -1...1, using: &rng) }
            let bias = (0..<width).map { _ in Double.random(in: -0.5...0.5, using: &rng) }
            layers.append(.affine(AffineLayer(inputSize: size, outputSize: width, weights: weights, bias: bias)))
            if width != 3 || layers.count < 5 { layers.append(activations.randomElement(using: &rng)!) }
            size = width
        }
        if case .affine = layers.last! {} else { layers.removeLast() }
        return try! NeuralNetwork(inputShape: [inputs], layers: layers)
    }

    /// The pieces a piecewise-linear network is linear on: for every ReLU-like unit, which
    /// side of its kink(s) its input lies on (`z > 0`; `z < 0`; `z < lower`, `z > upper`).
    static func activationPattern(_ network: NeuralNetwork, _ x: [Double]) -> [Int] {
        let values = network.activations(x)
        var pattern: [Int] = []
        for (index, layer) in network.layers.enumerated() {
            let z = values[index]
            switch layer {
            case .affine, .tanh, .sigmoid, .enclosedScale: continue
            case .relu: pattern += z.map { $0 > 0 ? 1 : 0 }
            case .leakyRelu: pattern += z.map { $0 < 0 ? 0 : 1 }
            case .clip(let lower, let upper): pattern += z.map { $0 > lower && $0 < upper ? 1 : ($0 <= lower ? 0 : 2) }
            }
        }
        return pattern
    }
}
