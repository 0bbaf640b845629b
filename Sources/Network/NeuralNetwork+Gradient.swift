/// Reverse-mode gradients through the network IR, for attacks (PGD, white-box search).
/// The pull-back `Wᵀ g` is one BLAS matrix-vector product (``DenseProduct``), summed in BLAS's
/// order; an attack only needs a direction, and every point it returns is re-checked by the
/// forward pass.
///
/// For a weight vector `w` over the outputs, computes `∇_x (w · f(x))` by the chain rule:
/// affine layers pull back `g ↦ Wᵀ g`, an enclosed scale by its `nearest` factors; element-wise layers multiply by the derivative at the
/// layer's input `z`: ReLU `1[z > 0]`, LeakyReLU `1` or `alpha` (`z >= 0` / `z < 0`),
/// clip `1[lower < z < upper]`, tanh `1 - tanh(z)²`, sigmoid `s(z)(1 - s(z))`. At the kinks
/// the one-sided derivative above is used (a valid subgradient direction for an attack; the
/// attack never needs more, since every result is re-checked by the forward pass).
extension NeuralNetwork {
    /// `(w · f(x), ∇_x (w · f(x)))`.
    /// - Precondition: `x.count == inputSize`, `outputWeights.count == outputSize`.
    public func valueAndGradient(at x: [Double], outputWeights: [Double]) -> (value: Double, gradient: [Double]) {
        precondition(outputWeights.count == outputSize)
        let values = activations(x)
        let output = values[values.count - 1]
        var value = 0.0
        for (weight, y) in zip(outputWeights, output) { value += weight * y }
        var gradient = outputWeights
        for index in layers.indices.reversed() {
            let input = values[index]
            switch layers[index] {
            case .affine(let affine):
                if let scale = affine.diagonalScale {
                    for i in gradient.indices { gradient[i] *= scale[i] }
                    continue
                }
                gradient = Self.pullBack(affine, gradient)
            case .enclosedScale(let scale):
                for i in gradient.indices { gradient[i] *= scale.nearest[i] }
            case .relu:
                for i in gradient.indices where !(input[i] > 0) { gradient[i] = 0 }
            case .leakyRelu(let alpha):
                for i in gradient.indices where input[i] < 0 { gradient[i] *= alpha }
            case .clip(let lower, let upper):
                for i in gradient.indices where !(input[i] > lower && input[i] < upper) { gradient[i] = 0 }
            case .tanh:
                let output = values[index + 1]
                for i in gradient.indices { gradient[i] *= 1 - output[i] * output[i] }
            case .sigmoid:
                let output = values[index + 1]
                for i in gradient.indices { gradient[i] *= output[i] * (1 - output[i]) }
            }
        }
        return (value, gradient)
    }

    /// `Wᵀ g` for a dense affine layer (`W` is `outputSize x inputSize`, row-major).
    private static func pullBack(_ affine: AffineLayer, _ gradient: [Double]) -> [Double] {
        var pulled = [Double](repeating: 0, count: affine.inputSize)
        affine.weights.withUnsafeBufferPointer { w in
            gradient.withUnsafeBufferPointer { g in
                pulled.withUnsafeMutableBufferPointer { p in
                    guard let wBase = w.baseAddress, let gBase = g.baseAddress, let pBase = p.baseAddress else { return }
                    DenseProduct.multiply(rows: affine.outputSize, columns: affine.inputSize, a: wBase, lda: affine.inputSize,
                                          transposeA: true, x: gBase, y: pBase)
                }
            }
        }
        return pulled
    }
}
