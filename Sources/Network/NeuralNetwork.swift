/// A feed-forward network: a chain of ``Layer``s applied to a flat input vector.
///
/// Tensors are flattened in row-major (C) order, the order ONNX and PyTorch use, so an
/// image of shape `[1, C, H, W]` is the vector of length `C*H*W` with index
/// `(c * H + h) * W + w`. `inputShape` and `outputShape` only document the original tensor
/// shapes; all computation uses the flat sizes.
public struct NeuralNetwork: Sendable, Equatable {
    /// Original input tensor shape (batch dimension dropped when it was 1 or symbolic).
    public var inputShape: [Int]
    /// Original output tensor shape (batch dimension dropped).
    public var outputShape: [Int]
    public var layers: [Layer]

    /// Creates a network, checking that affine layers chain.
    /// - Throws: ``NetworkError/sizeMismatch(context:expected:actual:fix:)`` when a layer's
    ///   input size differs from the size produced before it.
    public init(inputShape: [Int], outputShape: [Int]? = nil, layers: [Layer]) throws {
        self.inputShape = inputShape
        self.layers = layers
        let inputSize = inputShape.reduce(1, *)
        var size = inputSize
        for (index, layer) in layers.enumerated() {
            if case .affine(let affine) = layer {
                guard affine.inputSize == size else {
                    throw NetworkError.sizeMismatch(
                        context: "layer \(index) (affine)", expected: size, actual: affine.inputSize,
                        fix: "each affine layer must take the previous layer's output size")
                }
                size = affine.outputSize
            }
        }
        if let outputShape, outputShape.reduce(1, *) == size {
            self.outputShape = outputShape
        } else {
            self.outputShape = [size]
        }
    }

    /// Length of the flat input vector.
    public var inputSize: Int { inputShape.reduce(1, *) }
    /// Length of the flat output vector.
    public var outputSize: Int { layerOutputSizes.last ?? inputSize }

    /// The output size of each layer, in order.
    public var layerOutputSizes: [Int] {
        var size = inputSize
        return layers.map { layer in
            if case .affine(let affine) = layer { size = affine.outputSize }
            return size
        }
    }

    /// The input size of each layer, in order.
    public var layerInputSizes: [Int] {
        var size = inputSize
        return layers.map { layer in
            defer { if case .affine(let affine) = layer { size = affine.outputSize } }
            return size
        }
    }

    /// Total number of weights and biases.
    public var parameterCount: Int {
        layers.reduce(0) { count, layer in
            if case .affine(let affine) = layer { return count + affine.parameterCount }
            return count
        }
    }

    /// Number of ReLU-like units (ReLU, LeakyReLU, clip), each a candidate case split.
    public var piecewiseUnitCount: Int {
        zip(layers, layerInputSizes).reduce(0) { count, pair in
            pair.0.piecewiseBreakpoints > 0 ? count + pair.1 : count
        }
    }

    /// True when every layer is piecewise linear, so exact (SMT) verification is possible.
    public var isPiecewiseLinear: Bool { layers.allSatisfy(\.isPiecewiseLinear) }

    /// The same function with every run of consecutive affine layers merged into one,
    /// when merging does not increase the number of weights (a wide convolution lowered to
    /// a dense layer is kept apart rather than multiplied into a huge dense matrix).
    /// Identity affine layers are dropped.
    public func mergingAffineLayers() -> NeuralNetwork {
        var merged: [Layer] = []
        for layer in layers {
            guard case .affine(let next) = layer else { merged.append(layer); continue }
            if next.inputSize == next.outputSize, next == .identity(size: next.inputSize) { continue }
            if case .affine(let previous)? = merged.last,
               next.outputSize * previous.inputSize <= next.weights.count + previous.weights.count {
                merged[merged.count - 1] = .affine(next.composed(after: previous))
            } else {
                merged.append(layer)
            }
        }
        var result = self
        result.layers = merged
        return result
    }
}
