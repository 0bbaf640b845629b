/// Reverse-mode gradients through the network IR, for attacks (PGD, white-box search).
/// The single-row case of ``batchActivations(_:count:)`` and ``batchGradients(_:outputWeights:)``:
/// the forward pass sums in index order (the values of ``evaluate(_:)``), the pull-back `Wᵀ g`
/// is one BLAS matrix-vector product (``DenseProduct``), summed in BLAS's order; an attack only
/// needs a direction, and every point it returns is re-checked by the forward pass.
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
        let forward = batchActivations(x, count: 1)
        var value = 0.0
        for (weight, y) in zip(outputWeights, forward.outputs) { value += weight * y }
        return (value, batchGradients(forward, outputWeights: outputWeights))
    }
}
