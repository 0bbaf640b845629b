import Encoding
import Network
import Support

typealias EncodingSeededGenerator = SplitMix64

enum EncodingTestNetworks {
    /// A random dense network `sizes[0] -> ... -> sizes.last` with `activation` after every
    /// hidden affine layer; weights and biases uniform in [-1, 1], float32-representable.
    static func random(sizes: [Int], activation: Layer, using rng: inout some RandomNumberGenerator) -> NeuralNetwork {
        var layers: [Layer] = []
        for k in 1..<sizes.count {
            // float32 values, as in real (ONNX/PyTorch) networks: 24-bit significands
            let weights = (0..<(sizes[k] * sizes[k - 1])).map { _ in Double(Float.random(in: -1...1, using: &rng)) }
            let bias = (0..<sizes[k]).map { _ in Double(Float.random(in: -1...1, using: &rng)) }
            layers.append(.affine(AffineLayer(inputSize: sizes[k - 1], outputSize: sizes[k], weights: weights, bias: bias)))
            if k < sizes.count - 1 { layers.append(activation) }
        }
        return try! NeuralNetwork(inputShape: [sizes[0]], layers: layers)
    }

    /// Sound pre-activation bounds by plain interval arithmetic, widened generously
    /// (relative 1e-9 plus absolute 1e-9) so float rounding cannot make them unsound.
    static func intervalBounds(_ network: NeuralNetwork, lower: [Double], upper: [Double]) -> [PreActivationBounds] {
        var lo = lower, hi = upper
        var result: [PreActivationBounds] = []
        func widen(_ l: Double, _ u: Double) -> (Double, Double) {
            let margin = 1e-9 * (abs(l) + abs(u)) + 1e-9
            return (l - margin, u + margin)
        }
        for layer in network.layers {
            switch layer {
            case .affine(let affine):
                var newLo = [Double](), newHi = [Double]()
                for i in 0..<affine.outputSize {
                    var l = affine.bias[i], u = affine.bias[i]
                    for j in 0..<affine.inputSize {
                        let w = affine.weight(row: i, column: j)
                        l += w >= 0 ? w * lo[j] : w * hi[j]
                        u += w >= 0 ? w * hi[j] : w * lo[j]
                    }
                    let (wl, wu) = widen(l, u)
                    newLo.append(wl); newHi.append(wu)
                }
                lo = newLo; hi = newHi
            default:
                result.append(PreActivationBounds(lower: lo, upper: hi))
                // every supported activation is monotone non-decreasing
                lo = lo.map { layer.apply($0) }
                hi = hi.map { layer.apply($0) }
            }
        }
        return result
    }
}
