/// A constant of the file that has no exact `Double` affine form, stored rounded.
///
/// The network a verdict is about is the file's weights evaluated in exact real arithmetic.
/// A few file operations have no exact `Double` weight: `x / c` is the weight `1/c`, which is
/// a `Double` only when `c` is a power of two (up to sign); batch normalisation's
/// `gamma / sqrt(var + epsilon)` and the `.nnet` input scale `1/range` likewise. Such a
/// weight is stored as the `Double` nearest to it (or within ``relativeError``), and the
/// network records it here so that `verify info` shows it: the verdict is then about the
/// network with these stored weights. Constants whose weight is exact are not recorded.
public struct RoundedConstant: Sendable, Equatable, CustomStringConvertible {
    /// Where the constant comes from in the file.
    public enum Origin: Sendable, Equatable, CustomStringConvertible {
        /// ONNX `Div` by a constant: the weight `1/c`.
        case onnxDivision(node: String)
        /// ONNX `BatchNormalization`: the per-channel weight `scale / sqrt(var + epsilon)`.
        case onnxBatchNormalization(node: String)
        /// ONNX `Gemm` with `alpha != 1` or `beta != 1`: the products `alpha B`, `beta C`.
        case onnxGemmScaling(node: String)
        /// `.nnet` input normalisation: the weight `1/range_i` of input `i`.
        case nnetInputRange(input: Int)

        public var description: String {
            switch self {
            case .onnxDivision(let node): return "ONNX node \(node) (Div): weight 1/c"
            case .onnxBatchNormalization(let node): return "ONNX node \(node) (BatchNormalization): weight scale/sqrt(var+epsilon)"
            case .onnxGemmScaling(let node): return "ONNX node \(node) (Gemm): alpha * B or beta * C"
            case .nnetInputRange(let input): return ".nnet input \(input) normalisation: weight 1/range"
            }
        }
    }

    /// Index (in ``NeuralNetwork/layers``) of the affine layer holding the rounded weights.
    public var layerIndex: Int
    public var origin: Origin
    /// Number of the file's values stored rounded: distinct divisors (`Div`), channels
    /// (batch normalisation), inputs (`.nnet`), products (`Gemm`).
    public var count: Int
    /// Bound on `|stored - exact| / |exact|` of each such entry (2^-53 for a correctly
    /// rounded value).
    public var relativeError: Double

    public init(layerIndex: Int, origin: Origin, count: Int, relativeError: Double) {
        self.layerIndex = layerIndex
        self.origin = origin
        self.count = count
        self.relativeError = relativeError
    }

    /// Relative error of a correctly rounded `Double`: the unit roundoff `2^-53`.
    public static let correctlyRounded: Double = 0x1p-53

    public var description: String {
        "layer \(layerIndex): \(origin), \(count) value\(count == 1 ? "" : "s") rounded (relative error <= \(relativeError))"
    }
}

extension RoundedConstant {
    /// `1/c` as stored: the correctly rounded reciprocal, and whether it is exact (the
    /// product `c * fl(1/c)` is exactly 1, which holds exactly when `c` is `±2^k` and the
    /// reciprocal neither overflows nor underflows).
    static func reciprocal(_ c: Double) -> (value: Double, exact: Bool) {
        let r = 1 / c
        guard r.isFinite, r != 0, let one = ExactArithmetic.product(c, r) else { return (r, false) }
        return (r, one == 1)
    }
}
