/// One layer of a feed-forward network.
///
/// The set of layer kinds is closed on purpose: every analysis (forward pass, bounds,
/// encoding, gradients) switches over it exhaustively, so adding a kind is a compile error
/// everywhere it must be handled. Convolutions, batch normalisation, flatten/reshape and
/// constant normalisation (`Sub`/`Div`/`Mul`/`Add` by constants) are lowered to `.affine`
/// by the loaders; element-wise activations keep the size of their input.
public enum Layer: Sendable, Equatable {
    /// `y = W x + b`, see ``AffineLayer``.
    case affine(AffineLayer)
    /// `y = max(0, x)`.
    case relu
    /// `y = x` for `x >= 0`, `y = alpha * x` otherwise.
    case leakyRelu(alpha: Double)
    /// `y = min(max(x, lower), upper)` (ONNX `Clip`, HardTanh when `lower = -1`, `upper = 1`).
    /// An absent side is `-infinity` / `+infinity`.
    case clip(lower: Double, upper: Double)
    /// `y = tanh(x)`; not piecewise linear.
    case tanh
    /// `y = 1 / (1 + exp(-x))`; not piecewise linear.
    case sigmoid

    /// Whether the layer is piecewise linear, so that an exact encoding exists.
    public var isPiecewiseLinear: Bool {
        switch self {
        case .affine, .relu, .leakyRelu, .clip: return true
        case .tanh, .sigmoid: return false
        }
    }

    /// Short human-readable name used by `verify info`.
    public var kindName: String {
        switch self {
        case .affine: return "affine"
        case .relu: return "relu"
        case .leakyRelu(let alpha): return "leaky_relu(alpha=\(alpha))"
        case .clip(let lower, let upper): return "clip[\(lower), \(upper)]"
        case .tanh: return "tanh"
        case .sigmoid: return "sigmoid"
        }
    }

    /// Number of case splits an exact encoding may need per unit:
    /// one for ReLU and LeakyReLU, two for a clip with both sides finite.
    public var piecewiseBreakpoints: Int {
        switch self {
        case .affine, .tanh, .sigmoid: return 0
        case .relu, .leakyRelu: return 1
        case .clip(let lower, let upper): return (lower.isFinite ? 1 : 0) + (upper.isFinite ? 1 : 0)
        }
    }
}

/// A dense affine map `y = W x + b` with `W` stored row-major:
/// `W[i][j] = weights[i * inputSize + j]`, `i < outputSize`, `j < inputSize`.
public struct AffineLayer: Sendable, Equatable {
    public let inputSize: Int
    public let outputSize: Int
    /// Row-major `outputSize x inputSize` matrix.
    public var weights: [Double]
    /// `outputSize` entries.
    public var bias: [Double]

    /// Creates a layer; the caller guarantees `weights.count == outputSize * inputSize` and
    /// `bias.count == outputSize` (checked with `precondition`). Loaders validate untrusted
    /// files before calling this.
    public init(inputSize: Int, outputSize: Int, weights: [Double], bias: [Double]) {
        precondition(inputSize > 0 && outputSize > 0, "affine layer needs positive sizes")
        precondition(weights.count == inputSize * outputSize, "weights must be outputSize x inputSize")
        precondition(bias.count == outputSize, "bias must have outputSize entries")
        self.inputSize = inputSize
        self.outputSize = outputSize
        self.weights = weights
        self.bias = bias
    }

    /// The identity map on `size` elements.
    public static func identity(size: Int) -> AffineLayer {
        diagonal(scale: [Double](repeating: 1, count: size), shift: [Double](repeating: 0, count: size))
    }

    /// The element-wise map `y_i = scale_i * x_i + shift_i`.
    public static func diagonal(scale: [Double], shift: [Double]) -> AffineLayer {
        precondition(scale.count == shift.count)
        let n = scale.count
        var weights = [Double](repeating: 0, count: n * n)
        for i in 0..<n { weights[i * n + i] = scale[i] }
        return AffineLayer(inputSize: n, outputSize: n, weights: weights, bias: shift)
    }

    /// `W[row][column]`.
    @inlinable public func weight(row: Int, column: Int) -> Double {
        weights[row * inputSize + column]
    }

    /// The composition `self ∘ inner`: `x -> W_self (W_inner x + b_inner) + b_self`,
    /// i.e. weights `W_self W_inner` and bias `W_self b_inner + b_self`.
    /// Rounding: each entry is a sum of products evaluated in `Double`; the merged layer
    /// therefore differs from evaluating both layers by at most a few ulps per entry.
    public func composed(after inner: AffineLayer) -> AffineLayer {
        precondition(inner.outputSize == inputSize, "composed affine layers must chain")
        let n = outputSize, k = inputSize, m = inner.inputSize
        var weights = [Double](repeating: 0, count: n * m)
        var bias = self.bias
        for i in 0..<n {
            for p in 0..<k {
                let a = self.weights[i * k + p]
                if a == 0 { continue }
                for j in 0..<m { weights[i * m + j] += a * inner.weights[p * m + j] }
                bias[i] += a * inner.bias[p]
            }
        }
        return AffineLayer(inputSize: m, outputSize: n, weights: weights, bias: bias)
    }

    /// Number of stored parameters (`weights` plus `bias`).
    public var parameterCount: Int { weights.count + bias.count }
}
