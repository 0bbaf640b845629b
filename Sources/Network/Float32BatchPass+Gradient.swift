/// One input through ``Float32BatchPass`` keeping every step's values, and the reverse-mode
/// gradient in `Float`, for the white-box attack's float32 descents: the chain rule of
/// ``NeuralNetwork/batchGradients(_:outputWeights:)`` (the same one-sided derivatives at the
/// kinks) with each affine layer a matrix-vector product `W x + b` forward and `Wᵀ g` back
/// (`sgemv`, summed in BLAS's order). An attack only needs a direction: every point it
/// returns is re-checked by the float64 reference pass and exactly.
extension Float32BatchPass {
    /// The values entering every step for one input (element 0: the input rounded to `Float`;
    /// the last: the outputs).
    public struct Activations: Sendable {
        let values: [[Float]]

        /// The outputs, widened to `Double`.
        public var outputs: [Double] { values[values.count - 1].map(Double.init) }
    }

    /// The forward pass on one input, keeping every step's values.
    /// - Precondition: `x.count == inputSize`.
    public func activations(_ x: [Double]) -> Activations {
        precondition(x.count == inputSize, "input has \(x.count) entries, network takes \(inputSize)")
        var values = [x.map { Float($0) }]
        for step in steps {
            var current = values[values.count - 1]
            switch step {
            case .affine(let weights, let bias, let inputSize):
                var next = bias
                Self.multiply(weights, rows: bias.count, columns: inputSize, transposed: false, current, into: &next)
                values.append(next)
            case .elementWise(let layer, let width):
                layer.applyFloat32(&current, width: width)
                values.append(current)
            }
        }
        return Activations(values: values)
    }

    /// `∇_x (w · f(x))` at the input of `forward`, widened to `Double`.
    /// - Precondition: `outputWeights.count == outputSize`.
    public func gradient(_ forward: Activations, outputWeights: [Double]) -> [Double] {
        precondition(outputWeights.count == outputSize, "one weight per output")
        var gradient = outputWeights.map { Float($0) }
        for index in steps.indices.reversed() {
            let input = forward.values[index]
            switch steps[index] {
            case .affine(let weights, let bias, let inputSize):
                var pulled = [Float](repeating: 0, count: inputSize)
                Self.multiply(weights, rows: bias.count, columns: inputSize, transposed: true, gradient, into: &pulled)
                gradient = pulled
            case .elementWise(let layer, let width):
                let output = forward.values[index + 1]
                switch layer {
                case .affine:
                    preconditionFailure("affine layers are not element-wise")
                case .enclosedScale(let scale):
                    for i in gradient.indices { gradient[i] *= Float(scale.nearest[i % width]) }
                case .relu:
                    for i in gradient.indices where !(input[i] > 0) { gradient[i] = 0 }
                case .leakyRelu(let alpha):
                    for i in gradient.indices where input[i] < 0 { gradient[i] *= Float(alpha) }
                case .clip(let lower, let upper):
                    let low = Float(lower), high = Float(upper)
                    for i in gradient.indices where !(input[i] > low && input[i] < high) { gradient[i] = 0 }
                case .tanh:
                    for i in gradient.indices { gradient[i] *= 1 - output[i] * output[i] }
                case .sigmoid:
                    for i in gradient.indices { gradient[i] *= output[i] * (1 - output[i]) }
                }
            }
        }
        return gradient.map(Double.init)
    }

    /// `y += W x` (or `y += Wᵀ x` when `transposed`), `W` row-major `rows x columns`.
    private static func multiply(_ weights: [Float], rows: Int, columns: Int, transposed: Bool, _ x: [Float], into y: inout [Float]) {
        weights.withUnsafeBufferPointer { w in
            x.withUnsafeBufferPointer { input in
                y.withUnsafeMutableBufferPointer { output in
                    guard let wBase = w.baseAddress, let xBase = input.baseAddress, let yBase = output.baseAddress else { return }
                    DenseProduct.multiply(rows: rows, columns: columns, a: wBase, lda: columns, transposeA: transposed,
                                          x: xBase, y: yBase, accumulate: true)
                }
            }
        }
    }
}
