/// Errors of the `Network` module. `description` is the one-line sentence the CLI prints:
/// which file, which place (node, line, tensor), what is wrong, and what to do.
public enum NetworkError: Error, CustomStringConvertible, Equatable {
    /// The file could not be read at all.
    case unreadable(file: String, reason: String)
    /// The file was read but its content is invalid at `place`.
    case invalidContent(file: String, place: String, problem: String, fix: String)
    /// An ONNX operator (or attribute value) we do not support.
    case unsupportedOperator(file: String, node: String, op: String, supported: String)
    /// Two sizes that must agree do not (composition, input vector, layer chain).
    case sizeMismatch(context: String, expected: Int, actual: Int, fix: String)
    /// A command-line or API input vector is invalid.
    case invalidInput(place: String, problem: String, fix: String)

    public var description: String {
        switch self {
        case let .unreadable(file, reason):
            return "\(file): cannot read the file (\(reason)); check the path and permissions"
        case let .invalidContent(file, place, problem, fix):
            return "\(file): \(place): \(problem); \(fix)"
        case let .unsupportedOperator(file, node, op, supported):
            return "\(file): node '\(node)': operator \(op) is not supported; supported: \(supported)"
        case let .sizeMismatch(context, expected, actual, fix):
            return "\(context): size mismatch, expected \(expected) but got \(actual); \(fix)"
        case let .invalidInput(place, problem, fix):
            return "\(place): \(problem); \(fix)"
        }
    }
}
