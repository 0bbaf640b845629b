import Network

/// Sound pre-activation bounds of one activation layer over the input box:
/// `lower[i] <= z_i <= upper[i]` for every input in the box. Infinite entries are allowed
/// where the unit is stable on the other side (no big-M constant is needed there).
public struct PreActivationBounds: Sendable, Equatable {
    public var lower: [Double]
    public var upper: [Double]
    public init(lower: [Double], upper: [Double]) {
        self.lower = lower
        self.upper = upper
    }
}

/// The exact encoding of a network over a box, as built by ``NetworkEncoder``.
public struct NetworkEncoding: Sendable, Equatable {
    /// The constraint system; `system.inputs` are `X_i`, `system.outputs` are `Y_i`.
    public var system: PiecewiseLinearSystem
    /// Units whose bounds straddle a breakpoint (each one phase variable).
    public var splitCount: Int
    /// Units encoded without a split (fixed phase).
    public var stableCount: Int
}

/// Builds the big-M encoding of a piecewise-linear ``NeuralNetwork`` over an input box.
///
/// ```
/// input      X_i ∈ [inputLower_i, inputUpper_i]
/// affine     z = W h + b                         (substituted, or z a variable with z - W h = b)
/// ReLU       u <= 0: y = 0      l >= 0: y = z     otherwise, δ ∈ {0, 1}:
///            y >= 0,  y >= z,  y <= z - l (1 - δ),  y <= u δ
/// LeakyReLU  0 <= α <= 1: y = max(z, α z);  α > 1: y = min(z, α z)   (same big-M shape)
/// clip       y = min(max(z, lo), hi): one split per side that the bounds straddle
/// tanh, σ    refused, or (policy .intervalEnvelope) y ∈ [f(l), f(u)] widened outward,
///            marked inexact
/// output     Y_i = value of output unit i
/// ```
/// The encoding is exact provided the bounds are sound: a big-M constant that is too small
/// silently cuts solutions (design rule 3). Constants derived from products (LeakyReLU's
/// `α l`) are rounded outward, which only loosens the big-M and keeps the encoding exact.
/// No other floating-point arithmetic touches the network's numbers: a `Double` weight is
/// a coefficient as is, `b - l` is kept as the two constants `b` and `-l`.
public struct NetworkEncoder: Sendable {
    /// How affine layers enter the system.
    public enum AffineForm: Sendable, Equatable {
        /// Pre-activations are substituted into the split constraints (no `z` variables);
        /// a variable is introduced only where a value feeds another affine layer.
        case substituted
        /// Every pre-activation of an activation layer is a variable `z` with an equality.
        case equalities
    }

    /// What to do with tanh and sigmoid.
    public enum NonlinearPolicy: Sendable, Equatable {
        /// Throw ``PiecewiseLinearError/notPiecewiseLinear(layer:kind:)``.
        case refuse
        /// Encode `y ∈ [f(l), f(u)]` (both functions increase), widened outward by
        /// ``nonlinearWidening`` relative to cover the evaluation error; marks the system inexact.
        case intervalEnvelope
    }

    public struct Options: Sendable, Equatable {
        public var affineForm: AffineForm
        public var nonlinear: NonlinearPolicy
        public init(affineForm: AffineForm = .substituted, nonlinear: NonlinearPolicy = .refuse) {
            self.affineForm = affineForm
            self.nonlinear = nonlinear
        }
    }

    /// Relative (and absolute, near zero) outward widening of tanh/sigmoid values:
    /// ``Float64Tanh`` and ``Float64Sigmoid`` are proven within 16 u (~2e-15 relative, plus
    /// 2^-1022), so 1e-9 is very generous.
    public static let nonlinearWidening = 1e-9

    public var options: Options

    public init(options: Options = Options()) { self.options = options }

    /// Encodes `network` over the box `[inputLower, inputUpper]`.
    /// - Parameters:
    ///   - preActivationBounds: one entry per non-affine layer, in order, each sound over
    ///     the box (the caller's responsibility; they become the big-M constants).
    ///   - property: optional violation set added as a disjunction.
    /// - Throws: ``PiecewiseLinearError`` for malformed inputs, bounds or layers.
    public func encode(
        _ network: NeuralNetwork,
        inputLower: [Double],
        inputUpper: [Double],
        preActivationBounds: [PreActivationBounds],
        property: OutputProperty? = nil
    ) throws -> NetworkEncoding {
        try Self.validateBox(network: network, lower: inputLower, upper: inputUpper)
        let activationLayers = network.layers.indices.filter {
            if case .affine = network.layers[$0] { return false } else { return true }
        }
        guard activationLayers.count == preActivationBounds.count else {
            throw PiecewiseLinearError.boundsCountMismatch(expected: activationLayers.count, actual: preActivationBounds.count)
        }
        var state = EncoderState(options: options)
        var values: [PiecewiseLinearSystem.LinearForm] = (0..<network.inputSize).map { i in
            let x = state.system.addReal("X_\(i)", lower: inputLower[i], upper: inputUpper[i])
            state.system.inputs.append(x)
            return PiecewiseLinearSystem.LinearForm(x)
        }
        var boundsIndex = 0
        let sizes = network.layerInputSizes
        for (layerIndex, layer) in network.layers.enumerated() {
            switch layer {
            case .affine(let affine):
                try Self.validate(affine, layer: layerIndex)
                let nextBounds: PreActivationBounds? = (layerIndex + 1 < network.layers.count
                    && boundsIndex < preActivationBounds.count
                    && activationLayers[boundsIndex] == layerIndex + 1) ? preActivationBounds[boundsIndex] : nil
                values = state.encodeAffine(affine, inputs: values, layer: layerIndex, nextBounds: nextBounds)
            case .relu, .leakyRelu, .clip, .tanh, .sigmoid, .enclosedScale:
                let bounds = preActivationBounds[boundsIndex]
                boundsIndex += 1
                try Self.validate(bounds, layer: layerIndex, size: sizes[layerIndex])
                values = try state.encodeActivation(layer, inputs: values, bounds: bounds, layer: layerIndex)
            }
        }
        for (i, value) in values.enumerated() {
            let y = state.system.addReal("Y_\(i)")
            state.system.add(.init(.init(y), .equal, value))
            state.system.outputs.append(y)
        }
        var encoding = NetworkEncoding(system: state.system, splitCount: state.splitCount, stableCount: state.stableCount)
        if let property { try encoding.addViolation(property) }
        return encoding
    }

    // MARK: - Validation

    private static func validateBox(network: NeuralNetwork, lower: [Double], upper: [Double]) throws {
        guard lower.count == network.inputSize, upper.count == network.inputSize else {
            throw PiecewiseLinearError.invalidInputBox(
                problem: "got \(lower.count) lower and \(upper.count) upper bounds for \(network.inputSize) inputs")
        }
        for i in lower.indices where !(lower[i].isFinite && upper[i].isFinite && lower[i] <= upper[i]) {
            throw PiecewiseLinearError.invalidInputBox(problem: "input \(i) has bounds [\(lower[i]), \(upper[i])]")
        }
    }

    private static func validate(_ affine: AffineLayer, layer: Int) throws {
        if let bad = affine.weights.firstIndex(where: { !$0.isFinite }) {
            throw PiecewiseLinearError.unsupportedParameter(layer: layer, problem: "weight \(bad) is \(affine.weights[bad])")
        }
        if let bad = affine.bias.firstIndex(where: { !$0.isFinite }) {
            throw PiecewiseLinearError.unsupportedParameter(layer: layer, problem: "bias \(bad) is \(affine.bias[bad])")
        }
    }

    private static func validate(_ bounds: PreActivationBounds, layer: Int, size: Int) throws {
        guard bounds.lower.count == size, bounds.upper.count == size else {
            throw PiecewiseLinearError.boundsSizeMismatch(layer: layer, expected: size, actual: min(bounds.lower.count, bounds.upper.count))
        }
        for i in 0..<size {
            let l = bounds.lower[i], u = bounds.upper[i]
            if l.isNaN || u.isNaN || l > u || l == .infinity || u == -.infinity {
                throw PiecewiseLinearError.invalidBound(layer: layer, unit: i, lower: l, upper: u, problem: "are not an interval")
            }
        }
    }
}
