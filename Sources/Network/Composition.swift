/// An element-wise affine map `a(y)_i = scale_i * y_i + shift_i` placed between a generator
/// and a classifier, e.g. `scale 0.5, shift 0.5` maps a generator's `[-1, 1]` pixels to the
/// `[0, 1]` pixels a classifier expects. `scale` and `shift` each hold one entry (a scalar
/// applied to every element) or one entry per element.
public struct Adapter: Sendable, Equatable {
    public var scale: [Double]
    public var shift: [Double]

    public init(scale: [Double], shift: [Double]) {
        self.scale = scale
        self.shift = shift
    }

    /// The scalar adapter `y -> scale * y + shift`.
    public init(scale: Double, shift: Double) {
        self.init(scale: [scale], shift: [shift])
    }

    /// The adapter as a diagonal affine layer on `size` elements.
    /// - Throws: ``NetworkError/sizeMismatch(context:expected:actual:fix:)`` when `scale` or
    ///   `shift` has neither 1 nor `size` entries; ``NetworkError/invalidInput(place:problem:fix:)``
    ///   when an entry is not finite.
    public func affineLayer(size: Int) throws -> AffineLayer {
        func expand(_ values: [Double], _ name: String) throws -> [Double] {
            guard values.allSatisfy(\.isFinite) else {
                throw NetworkError.invalidInput(
                    place: "adapter \(name)", problem: "contains a value that is not finite",
                    fix: "give finite numbers")
            }
            if values.count == 1 { return [Double](repeating: values[0], count: size) }
            guard values.count == size else {
                throw NetworkError.sizeMismatch(
                    context: "adapter \(name) (one entry or one per generator output)",
                    expected: size, actual: values.count,
                    fix: "give a scalar or exactly \(size) comma-separated values")
            }
            return values
        }
        return .diagonal(scale: try expand(scale, "scale"), shift: try expand(shift, "shift"))
    }
}

extension NeuralNetwork {
    /// The composition `C ∘ a ∘ G` of a classifier `C` after a generator `G`, with an optional
    /// element-wise affine adapter `a` in between: noise in, classifier outputs out.
    ///
    /// The adapter is merged into a neighbouring affine layer when the merge is exact
    /// (`W (s ⊙ y + t) + b = (W diag(s)) y + (W t + b)`, see
    /// ``mergingAffineLayers()``); otherwise it stays an element-wise layer of its own, so
    /// the result is exactly `C ∘ a ∘ G` in real arithmetic. Rounded constants of both
    /// networks are kept (``roundedConstants``).
    /// - Throws: ``NetworkError/sizeMismatch(context:expected:actual:fix:)`` naming both
    ///   sizes when the generator's output size differs from the classifier's input size.
    public static func composing(
        classifier: NeuralNetwork, after generator: NeuralNetwork, adapter: Adapter? = nil
    ) throws -> NeuralNetwork {
        guard generator.outputSize == classifier.inputSize else {
            throw NetworkError.sizeMismatch(
                context: "composition: generator output (\(generator.outputSize) values) feeding classifier input (\(classifier.inputSize) values)",
                expected: classifier.inputSize, actual: generator.outputSize,
                fix: "pair a generator whose image size matches the classifier's input")
        }
        var layers = generator.layers
        if let adapter {
            layers.append(.affine(try adapter.affineLayer(size: generator.outputSize)))
        }
        let offset = layers.count
        layers.append(contentsOf: classifier.layers)
        let shifted = classifier.roundedConstants.map { constant in
            var moved = constant
            moved.layerIndex += offset
            return moved
        }
        let composed = try NeuralNetwork(
            inputShape: generator.inputShape, outputShape: classifier.outputShape, layers: layers,
            roundedConstants: generator.roundedConstants + shifted)
        return composed.mergingAffineLayers()
    }
}
