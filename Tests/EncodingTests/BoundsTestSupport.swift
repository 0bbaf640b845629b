import Foundation
import Network
@testable import Encoding
import Support

typealias BoundsRandom = SplitMix64

/// Which activation kinds a random network may use.
enum BoundsActivationMix {
    case piecewiseLinear
    case all
}

enum BoundsFixtures {
    /// A random chain `affine, activation, affine, activation, affine` (2-4 inputs, two
    /// hidden layers of 8 units, 2 outputs) and an L-infinity box of radius 0.8 around a
    /// random point of `[-1, 1]^n`.
    static func activationChain(_ activation: Layer, using rng: inout BoundsRandom) -> (network: NeuralNetwork, box: Box) {
        let inputs = Int.random(in: 2...4, using: &rng)
        var layers: [Layer] = [], width = inputs
        for next in [8, 8] {
            layers += [.affine(affine(width, next, scale: 1.5, using: &rng)), activation]
            width = next
        }
        layers.append(.affine(affine(width, 2, scale: 1, using: &rng)))
        let network = try! NeuralNetwork(inputShape: [inputs], layers: layers)
        let box = try! Box.linf(center: (0..<inputs).map { _ in Double.random(in: -1...1, using: &rng) }, radius: 0.8)
        return (network, box)
    }

    static func affine(_ input: Int, _ output: Int, scale: Double, using rng: inout BoundsRandom) -> AffineLayer {
        AffineLayer(inputSize: input, outputSize: output,
                    weights: (0..<(input * output)).map { _ in scale * Double.random(in: -1...1, using: &rng) },
                    bias: (0..<output).map { _ in Double.random(in: -0.5...0.5, using: &rng) })
    }

    static func activation(_ mix: BoundsActivationMix, using rng: inout BoundsRandom) -> Layer {
        let choices = mix == .all ? 8 : 6
        switch Int.random(in: 0..<choices, using: &rng) {
        case 0, 1: return .relu
        case 2: return .leakyRelu(alpha: [0.01, 0.1, 0.5, -0.3, 1.5, 2][Int.random(in: 0..<6, using: &rng)])
        case 3:
            let lower = Double.random(in: -1...0.3, using: &rng)
            return .clip(lower: lower, upper: lower + Double.random(in: 0...1.5, using: &rng))
        case 4: return [Layer.clip(lower: 0, upper: .infinity), .clip(lower: -.infinity, upper: 0.5),
                        .clip(lower: -1, upper: 1), .clip(lower: 0.4, upper: 0.2)][Int.random(in: 0..<4, using: &rng)]
        case 5: return .relu
        case 6: return .tanh
        default: return .sigmoid
        }
    }

    /// A random network: affine blocks with random activations (sometimes two in a row,
    /// sometimes none, so affine layers also chain), and sometimes a final activation.
    static func network(_ mix: BoundsActivationMix, using rng: inout BoundsRandom) -> NeuralNetwork {
        let inputs = Int.random(in: 1...4, using: &rng)
        var width = inputs
        var layers: [Layer] = []
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            let next = Int.random(in: 1...6, using: &rng)
            layers.append(.affine(affine(width, next, scale: Double.random(in: 0.3...2, using: &rng), using: &rng)))
            width = next
            let roll = Int.random(in: 0..<10, using: &rng)
            if roll >= 1 { layers.append(activation(mix, using: &rng)) }
            if roll >= 8 { layers.append(activation(mix, using: &rng)) }
        }
        let outputs = Int.random(in: 1...4, using: &rng)
        layers.append(.affine(affine(width, outputs, scale: 1, using: &rng)))
        if Int.random(in: 0..<5, using: &rng) == 0 { layers.append(activation(mix, using: &rng)) }
        return try! NeuralNetwork(inputShape: [inputs], layers: layers)
    }

    /// A random box, sometimes degenerate in some or all dimensions.
    static func box(dimension: Int, using rng: inout BoundsRandom) -> Box {
        let radii: [Double] = [0, 1e-9, 1e-3, 0.05, 0.3, 1, 3]
        let radius = radii[Int.random(in: 0..<radii.count, using: &rng)]
        let center = (0..<dimension).map { _ in Double.random(in: -1...1, using: &rng) }
        let lower = center.map { $0 - radius * Double.random(in: 0...1, using: &rng) }
        let upper = center.map { $0 + radius * Double.random(in: 0...1, using: &rng) }
        return try! Box(lower: lower, upper: upper)
    }

    /// Points of the box: its center, up to 16 corners and uniform samples.
    static func samples(_ box: Box, count: Int, using rng: inout BoundsRandom) -> [[Double]] {
        var points = [box.center]
        let d = box.dimension
        for corner in 0..<(1 << Swift.min(d, 4)) {
            points.append((0..<d).map { k in (k < 4 && corner & (1 << k) != 0) ? box.upper[k] : box.lower[k] })
        }
        for _ in 0..<count {
            points.append((0..<d).map { k in
                box.lower[k] == box.upper[k] ? box.lower[k] : Double.random(in: box.lower[k]...box.upper[k], using: &rng)
            })
        }
        return points
    }

    static func specification(outputs: Int, using rng: inout BoundsRandom) -> LinearSpecification {
        let rows = Int.random(in: 1...3, using: &rng)
        return LinearSpecification(
            coefficients: (0..<rows).map { _ in (0..<outputs).map { _ in Double.random(in: -1...1, using: &rng) } },
            constants: (0..<rows).map { _ in Double.random(in: -1...1, using: &rng) })
    }
}

/// A forward pass in `Float80` (64-bit significand): within ~2^-64 relative of the exact
/// value, far below the rounding margins of the bounds (~2^-53), so linear bounds can be
/// checked against it without a tolerance.
func float80Activations(_ network: NeuralNetwork, _ input: [Double]) -> [[Float80]] {
    var values = [input.map { Float80($0) }]
    for layer in network.layers {
        let x = values[values.count - 1]
        switch layer {
        case .affine(let affine):
            values.append((0..<affine.outputSize).map { i in
                var sum: Float80 = 0
                for j in 0..<affine.inputSize { sum += Float80(affine.weights[i * affine.inputSize + j]) * x[j] }
                return sum + Float80(affine.bias[i])
            })
        case .relu: values.append(x.map { $0 > 0 ? $0 : 0 })
        case .leakyRelu(let alpha): values.append(x.map { $0 >= 0 ? $0 : Float80(alpha) * $0 })
        case .clip(let lower, let upper):
            values.append(x.map { Swift.min(Swift.max($0, Float80(lower)), Float80(upper)) })
        case .tanh: values.append(x.map { Foundation.tanh($0) })
        case .sigmoid: values.append(x.map { 1 / (1 + Foundation.exp(-$0)) })
        case .enclosedScale(let scale):
            values.append(x.indices.map { (i: Int) -> Float80 in
                if let divisors = scale.divisors { return x[i] / Float80(divisors[i]) }
                return Float80(scale.nearest[i]) * x[i]
            })
        }
    }
    return values
}

/// `Σ s_i y_i + t` in Float80.
func float80Specification(_ specification: LinearSpecification, row: Int, _ output: [Float80]) -> Float80 {
    var sum: Float80 = 0
    for (s, y) in zip(specification.coefficients[row], output) { sum += Float80(s) * y }
    return sum + Float80(specification.constants[row])
}
