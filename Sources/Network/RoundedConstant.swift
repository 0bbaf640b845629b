/// A constant of the file that has no exact `Double`, held by an ``EnclosedScale`` layer.
///
/// The network a verdict is about is the file's weights evaluated in exact real arithmetic.
/// A few file operations have no exact `Double` weight: `x / c` is the weight `1/c`, which is
/// a `Double` only when `c` is a power of two (up to sign); batch normalisation's
/// `gamma / sqrt(var + epsilon)` and the `.nnet` input scale `1/range` likewise. Such a
/// factor is kept as an ``EnclosedScale`` (the exact divisor where it is rational, a
/// certified enclosure always), so every analysis is about the file's value; this record
/// names where it came from for `verify info`. Factors that are `Double`s are not recorded.
public struct RoundedConstant: Sendable, Equatable, CustomStringConvertible {
    /// Where the constant comes from in the file.
    public enum Origin: Sendable, Equatable, CustomStringConvertible {
        /// ONNX `Div` by a constant: the weight `1/c`.
        case onnxDivision(node: String)
        /// ONNX `BatchNormalization`: the per-channel weight `scale / sqrt(var + epsilon)`.
        case onnxBatchNormalization(node: String)
        /// `.nnet` input normalisation: the weight `1/range_i` of input `i`.
        case nnetInputRange(input: Int)
        /// A JSON `divide` or `enclosed_scale` layer (index in the file's `layers`).
        case jsonLayer(index: Int, type: String)

        public var description: String {
            switch self {
            case .onnxDivision(let node): return "ONNX node \(node) (Div): weight 1/c"
            case .onnxBatchNormalization(let node): return "ONNX node \(node) (BatchNormalization): weight scale/sqrt(var+epsilon)"
            case .nnetInputRange(let input): return ".nnet input \(input) normalisation: weight 1/range"
            case .jsonLayer(let index, let type): return "JSON layers[\(index)] (\(type)): " + (type == "divide" ? "weight 1/c" : "factors in certified bounds")
            }
        }
    }

    /// Index (in ``NeuralNetwork/layers``) of the ``Layer/enclosedScale(_:)`` holding it.
    public var layerIndex: Int
    public var origin: Origin
    /// Number of the file's values with no exact `Double`: distinct divisors (`Div`),
    /// channels (batch normalisation), inputs (`.nnet`).
    public var count: Int
    /// The largest width of an enclosure relative to its nearest `Double` (about `2^-52`:
    /// the enclosures are adjacent `Double`s).
    public var relativeError: Double

    public init(layerIndex: Int, origin: Origin, count: Int, relativeError: Double) {
        self.layerIndex = layerIndex
        self.origin = origin
        self.count = count
        self.relativeError = relativeError
    }

    public var description: String {
        "layer \(layerIndex): \(origin), \(count) value\(count == 1 ? "" : "s") enclosed (relative width <= \(relativeError))"
    }
}
