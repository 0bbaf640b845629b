/// Forward values and reverse-mode gradients for a batch of inputs, for attacks that advance
/// several points in lockstep (``NeuralNetwork/valueAndGradient(at:outputWeights:)`` one row
/// at a time is the batch of one), with the chain rule and one-sided derivatives at the kinks
/// that ``NeuralNetwork/valueAndGradient(at:outputWeights:)`` states.
///
/// With `count` rows stored row-major, the forward pass keeps every layer's values
/// (``BatchActivations``); its affine layers run as in ``NeuralNetwork/evaluate(batch:count:)``
/// (index-order sums for one row, one BLAS product `Y = X Wᵀ + b` for two or more, or for one
/// row with `referenceOrder: false`). The
/// backward pass pulls the gradient rows `G` (`count x outputSize` of a layer) back through a
/// dense layer as one product `G W` (`count x inputSize`), a matrix-vector product `Wᵀ g` for
/// one row, as the single-row gradient does, so a batch of one gives that gradient's Doubles.
///
/// A batch of two or more may differ from the single-row values in the last bits (BLAS sums
/// in its own order with fused multiply-adds). Attacks only need directions: every point they
/// return is confirmed exactly (``CounterexampleCheck`` in Solver), so these values are hints.
extension NeuralNetwork {
    /// The values of every layer for `count` inputs (element 0 is the input batch itself),
    /// each row-major (`count x width`), with the widths.
    public struct BatchActivations: Sendable {
        /// `values[l]`: the rows entering layer `l` (`values.last`: the outputs).
        public let values: [[Double]]
        /// `widths[l]`: the row width of `values[l]`.
        public let widths: [Int]
        /// The number of rows.
        public let count: Int

        /// The outputs, row-major (`count x outputSize`).
        public var outputs: [Double] { values[values.count - 1] }

        /// Row `r` of the outputs.
        public func output(row r: Int) -> ArraySlice<Double> {
            let width = widths[widths.count - 1]
            return outputs[(r * width)..<((r + 1) * width)]
        }
    }

    /// The forward pass on `count` inputs (row-major `batch`), keeping every layer's values.
    /// Its outputs are those of ``evaluate(batch:count:)``. With `referenceOrder == false` a
    /// single input also runs each affine layer as one BLAS product (any summation order, up
    /// to several times faster on wide layers than the index-order sums): its outputs may then
    /// differ from ``evaluate(_:)`` in the last bits, for callers that re-check on the
    /// reference pass whatever they decide from them (the attacks' descents).
    public func batchActivations(_ batch: [Double], count: Int, referenceOrder: Bool = true) -> BatchActivations {
        precondition(batch.count == count * inputSize, "batch must be count x inputSize")
        var values = [batch]
        var widths = [inputSize]
        for layer in layers {
            let current = values[values.count - 1]
            let width = widths[widths.count - 1]
            switch layer {
            case .affine(let affine):
                values.append(Self.affine(affine, batch: current, count: count, referenceOrder: referenceOrder))
                widths.append(affine.outputSize)
            case .enclosedScale(let scale):
                values.append(current.indices.map { scale.nearest[$0 % width] * current[$0] })
                widths.append(width)
            default:
                values.append(current.map { layer.apply($0) })
                widths.append(width)
            }
        }
        return BatchActivations(values: values, widths: widths, count: count)
    }

    /// `∇_x (w_r · f(x_r))` for every row `r`, row-major (`count x inputSize`), from the
    /// forward values of ``batchActivations(_:count:)``; `outputWeights` holds one weight row
    /// `w_r` per input (`count x outputSize`).
    public func batchGradients(_ forward: BatchActivations, outputWeights: [Double]) -> [Double] {
        let count = forward.count
        precondition(outputWeights.count == count * outputSize, "one weight row per input")
        var gradient = outputWeights
        for index in layers.indices.reversed() {
            let input = forward.values[index]
            let width = forward.widths[index + 1]
            switch layers[index] {
            case .affine(let affine):
                if let scale = affine.diagonalScale {
                    for i in gradient.indices { gradient[i] *= scale[i % width] }
                    continue
                }
                gradient = Self.pullBack(affine, gradient, count: count)
            case .enclosedScale(let scale):
                for i in gradient.indices { gradient[i] *= scale.nearest[i % width] }
            case .relu:
                for i in gradient.indices where !(input[i] > 0) { gradient[i] = 0 }
            case .leakyRelu(let alpha):
                for i in gradient.indices where input[i] < 0 { gradient[i] *= alpha }
            case .clip(let lower, let upper):
                for i in gradient.indices where !(input[i] > lower && input[i] < upper) { gradient[i] = 0 }
            case .tanh:
                let output = forward.values[index + 1]
                for i in gradient.indices { gradient[i] *= 1 - output[i] * output[i] }
            case .sigmoid:
                let output = forward.values[index + 1]
                for i in gradient.indices { gradient[i] *= output[i] * (1 - output[i]) }
            }
        }
        return gradient
    }

    /// `G W` for gradient rows `G` (`count x outputSize` of the layer) and the layer's
    /// row-major `W` (`outputSize x inputSize`): one matrix product, a matrix-vector product
    /// `Wᵀ g` for one row.
    private static func pullBack(_ affine: AffineLayer, _ gradient: [Double], count: Int) -> [Double] {
        let n = affine.outputSize, m = affine.inputSize
        var pulled = [Double](repeating: 0, count: count * m)
        guard count > 0, m > 0 else { return pulled }
        affine.weights.withUnsafeBufferPointer { w in
            gradient.withUnsafeBufferPointer { g in
                pulled.withUnsafeMutableBufferPointer { p in
                    guard let wBase = w.baseAddress, let gBase = g.baseAddress, let pBase = p.baseAddress else { return }
                    if count == 1 {
                        DenseProduct.multiply(rows: n, columns: m, a: wBase, lda: m, transposeA: true, x: gBase, y: pBase)
                    } else {
                        DenseProduct.multiply(m: count, n: m, k: n, a: gBase, lda: n, b: wBase, ldb: m, c: pBase, ldc: m)
                    }
                }
            }
        }
        return pulled
    }
}
