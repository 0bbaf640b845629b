/// ``NeuralNetwork/evaluateFloat32(batch:count:)`` with the weights and biases rounded to
/// `Float` once, for callers that run many small batches through one network: the values are
/// the same. No error bound (``Float32Forward`` has one): for callers that only rank or
/// propose points and decide on a reference pass.
public struct Float32BatchPass: Sendable {
    enum Step: Sendable {
        case affine(weights: [Float], bias: [Float], inputSize: Int)
        case elementWise(Layer, width: Int)
    }

    public let inputSize: Int
    public let outputSize: Int
    let steps: [Step]

    public init(_ network: NeuralNetwork) {
        inputSize = network.inputSize
        outputSize = network.outputSize
        var width = network.inputSize
        steps = network.layers.map { layer in
            guard case .affine(let affine) = layer else { return .elementWise(layer, width: width) }
            width = affine.outputSize
            return .affine(weights: affine.weights.map(Float.flushedWeight), bias: affine.bias.map { Float($0) },
                           inputSize: affine.inputSize)
        }
    }

    /// The float32 outputs of `count` inputs stored row-major in `batch`, row-major.
    public func evaluate(batch: [Double], count: Int) -> [Float] {
        precondition(batch.count == count * inputSize, "batch must be count x inputSize")
        var current = batch.map { Float($0) }
        for step in steps {
            switch step {
            case .affine(let weights, let bias, let inputSize):
                current = NeuralNetwork.affineFloat32(weights: weights, bias: bias, inputSize: inputSize, batch: current, count: count)
            case .elementWise(let layer, let width):
                layer.applyFloat32(&current, width: width)
            }
        }
        return current
    }
}
