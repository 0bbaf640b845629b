/// Errors of the piecewise-linear encoder. `description` is the sentence the CLI prints:
/// which layer or unit, what is wrong, what to do.
public enum PiecewiseLinearError: Error, CustomStringConvertible, Equatable {
    /// The input box is malformed (size, NaN, infinite, or empty side).
    case invalidInputBox(problem: String)
    /// The number of bound arrays differs from the number of activation layers.
    case boundsCountMismatch(expected: Int, actual: Int)
    /// Bounds for activation layer `layer` (index into `network.layers`) have the wrong size.
    case boundsSizeMismatch(layer: Int, expected: Int, actual: Int)
    /// A pre-activation bound cannot be used (NaN, `lower > upper`, or infinite where a
    /// big-M constant is needed).
    case invalidBound(layer: Int, unit: Int, lower: Double, upper: Double, problem: String)
    /// A weight, bias or activation parameter is NaN/infinite or outside what the encoder handles.
    case unsupportedParameter(layer: Int, problem: String)
    /// tanh/sigmoid met with ``NetworkEncoder/NonlinearPolicy/refuse``.
    case notPiecewiseLinear(layer: Int, kind: String)
    /// The output property refers to a missing output or has a non-finite number.
    case invalidProperty(problem: String)

    public var description: String {
        switch self {
        case let .invalidInputBox(problem):
            return "input box: \(problem); give finite lower <= upper for every input"
        case let .boundsCountMismatch(expected, actual):
            return "pre-activation bounds: got \(actual) layers of bounds but the network has \(expected) activation layers; give one lower/upper pair per activation layer, in order"
        case let .boundsSizeMismatch(layer, expected, actual):
            return "layer \(layer): pre-activation bounds have \(actual) entries, the layer has \(expected) units; give one bound per unit"
        case let .invalidBound(layer, unit, lower, upper, problem):
            return "layer \(layer), unit \(unit): bounds [\(lower), \(upper)] \(problem); compute sound finite bounds over the input box first"
        case let .unsupportedParameter(layer, problem):
            return "layer \(layer): \(problem); the exact encoder cannot represent this layer"
        case let .notPiecewiseLinear(layer, kind):
            return "layer \(layer): \(kind) is not piecewise linear and has no exact encoding; use the interval-envelope policy (sound, marked inexact) or verify by bounds only"
        case let .invalidProperty(problem):
            return "output property: \(problem); refer to existing outputs with finite coefficients"
        }
    }
}
