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
    /// The file's constants that are stored rounded (see ``RoundedConstant``), each naming
    /// the layer that holds it; empty when the layers are exactly the file's network.
    public var roundedConstants: [RoundedConstant]

    /// Creates a network, checking that affine layers chain.
    /// - Throws: ``NetworkError/sizeMismatch(context:expected:actual:fix:)`` when a layer's
    ///   input size differs from the size produced before it.
    public init(inputShape: [Int], outputShape: [Int]? = nil, layers: [Layer],
                roundedConstants: [RoundedConstant] = []) throws {
        self.inputShape = inputShape
        self.layers = layers
        self.roundedConstants = roundedConstants
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

    /// The network of the first `count` layers (its output: layer `count`'s input), with the
    /// rounded constants of those layers.
    public func prefix(layers count: Int) -> NeuralNetwork {
        precondition((0...layers.count).contains(count), "a prefix of \(count) layers of a \(layers.count)-layer network")
        var prefix = self
        prefix.layers = Array(layers[0..<count])
        prefix.roundedConstants = roundedConstants.filter { $0.layerIndex < count }
        prefix.outputShape = [prefix.layerOutputSizes.last ?? inputSize]
        return prefix
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

    /// The same function, in exact real arithmetic, with consecutive affine layers merged
    /// where the merge is exact (``AffineLayer/exactlyComposed(after:)``) and does not
    /// increase the number of weights (a wide convolution lowered to a dense layer is kept
    /// apart rather than multiplied into a huge dense matrix). Identity affine layers are
    /// dropped. A merge that would round keeps the layers apart, so the result computes
    /// exactly the function of `self`. ``roundedConstants`` follow their layers.
    public func mergingAffineLayers() -> NeuralNetwork {
        var merged: [Layer] = []
        // newIndex[k]: position in `merged` of the layer that holds old layer k's weights.
        var newIndex: [Int] = []
        for layer in layers {
            guard case .affine(let next) = layer else {
                merged.append(layer)
                newIndex.append(merged.count - 1)
                continue
            }
            if next.isIdentity {
                newIndex.append(merged.count)
                continue
            }
            if case .affine(let previous)? = merged.last,
               next.outputSize * previous.inputSize <= next.weights.count + previous.weights.count,
               let composed = next.exactlyComposed(after: previous) {
                merged[merged.count - 1] = .affine(composed)
            } else {
                merged.append(layer)
            }
            newIndex.append(merged.count - 1)
        }
        var result = self
        result.layers = merged
        let last = max(merged.count - 1, 0)
        result.roundedConstants = roundedConstants.map { constant in
            var moved = constant
            moved.layerIndex = min(newIndex[constant.layerIndex], last)
            return moved
        }
        return result
    }

    /// `self ∘ first`: the network that applies the affine map `first` (taking inputs of
    /// shape `inputShape`) and then `self`; ``roundedConstants`` keep naming their layers.
    /// - Throws: ``NetworkError/sizeMismatch(context:expected:actual:fix:)`` when `first`
    ///   does not produce this network's input size.
    public func prepending(_ first: AffineLayer, inputShape: [Int]) throws -> NeuralNetwork {
        let shifted = roundedConstants.map { constant in
            var moved = constant
            moved.layerIndex += 1
            return moved
        }
        return try NeuralNetwork(inputShape: inputShape, outputShape: outputShape,
                                 layers: [.affine(first)] + layers, roundedConstants: shifted)
    }
}
