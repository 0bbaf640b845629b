/// One layer of a feed-forward network.
///
/// The set of layer kinds is closed on purpose: every analysis (forward pass, bounds,
/// encoding, gradients) switches over it exhaustively, so adding a kind is a compile error
/// everywhere it must be handled. Convolutions, batch normalisation, flatten/reshape and
/// constant normalisation (`Sub`/`Div`/`Mul`/`Add` by constants) are lowered to `.affine`
/// by the loaders; element-wise activations keep the size of their input. A scaling by
/// constants that have no exact `Double` (`1/c`, `1/sqrt(v)`) is ``enclosedScale(_:)``,
/// never a rounded affine weight.
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
    /// `y_i = s_i x_i` with the file's factors `s_i` known only up to a certified enclosure
    /// (see ``EnclosedScale``); linear, but not exactly a `Double` weight.
    case enclosedScale(EnclosedScale)

    /// Whether the layer is piecewise linear, so that an exact encoding exists.
    public var isPiecewiseLinear: Bool {
        switch self {
        case .affine, .relu, .leakyRelu, .clip, .enclosedScale: return true
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
        case .enclosedScale(let scale): return scale.divisors == nil ? "enclosed_scale" : "enclosed_scale(1/c)"
        }
    }

    /// Number of case splits an exact encoding may need per unit:
    /// one for ReLU and LeakyReLU, two for a clip with both sides finite.
    public var piecewiseBreakpoints: Int {
        switch self {
        case .affine, .tanh, .sigmoid, .enclosedScale: return 0
        case .relu, .leakyRelu: return 1
        case .clip(let lower, let upper): return (lower.isFinite ? 1 : 0) + (upper.isFinite ? 1 : 0)
        }
    }
}

/// A dense affine map `y = W x + b` with `W` stored row-major:
/// `W[i][j] = weights[i * inputSize + j]`, `i < outputSize`, `j < inputSize`.
///
/// An element-wise map (square `W` whose off-diagonal entries are all zero) is recognised
/// once, at creation, and its diagonal kept in ``diagonalScale``: the forward pass, gradients
/// and bound propagation then take `O(n)` instead of `O(n^2)` steps for it. Loaders keep such
/// a map as a layer of its own when folding it into a neighbour would round (see
/// ``exactlyComposed(after:)``).
public struct AffineLayer: Sendable, Equatable {
    public let inputSize: Int
    public let outputSize: Int
    /// Row-major `outputSize x inputSize` matrix.
    public let weights: [Double]
    /// `outputSize` entries.
    public let bias: [Double]
    /// `W_ii` for every `i` when `W` is square and every off-diagonal entry is zero
    /// (`y_i = W_ii x_i + b_i`); `nil` otherwise.
    public let diagonalScale: [Double]?

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
        self.diagonalScale = Self.diagonal(of: weights, size: inputSize == outputSize ? inputSize : 0)
    }

    /// The diagonal of the `size x size` row-major `weights` when every off-diagonal entry is
    /// zero; `nil` for `size == 0` or at the first nonzero off-diagonal entry (a dense layer
    /// stops within its first row).
    private static func diagonal(of weights: [Double], size n: Int) -> [Double]? {
        guard n > 0 else { return nil }
        for i in 0..<n {
            for j in 0..<n where j != i && weights[i * n + j] != 0 { return nil }
        }
        return (0..<n).map { weights[$0 * n + $0] }
    }

    /// The identity map on `size` elements.
    public static func identity(size: Int) -> AffineLayer {
        diagonal(scale: [Double](repeating: 1, count: size), shift: [Double](repeating: 0, count: size))
    }

    /// Whether the layer is the identity map (square, `W = I`, `b = 0`).
    public var isIdentity: Bool {
        guard let scale = diagonalScale else { return false }
        return scale.allSatisfy { $0 == 1 } && bias.allSatisfy { $0 == 0 }
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

    /// Number of stored parameters (`weights` plus `bias`).
    public var parameterCount: Int { weights.count + bias.count }
}
