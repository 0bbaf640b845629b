import Foundation

/// A JSON value as ``JSONText`` writes it: numbers hold their text (a `Double`'s shortest
/// round-trip digits, an integer's decimal digits), so writing is a plain walk with no
/// dynamic casts. Encoders that know their types build it directly; ``JSONText/encode(_:pretty:)``
/// converts an untyped tree (`Any`) into it first.
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// A Double: its shortest round-trip digits, or `null` when not finite (JSON has no
    /// infinities or NaN).
    public static func double(_ value: Double) -> JSONValue { value.isFinite ? .number("\(value)") : .null }

    /// An integer's decimal digits.
    public static func integer<T: BinaryInteger>(_ value: T) -> JSONValue { .number(String(value)) }

    /// The value of an untyped tree: dictionaries (`[String: Any]`), arrays, strings,
    /// Booleans, integers, Doubles, Floats, `NSNull` and `nil` optionals; anything else is
    /// written as the string of its description.
    public init(_ value: Any?) {
        guard let value else { self = .null; return }
        switch value {
        case let json as JSONValue: self = json
        case let string as String: self = .string(string)
        case let bool as Bool: self = .bool(bool)
        case let int as Int: self = .integer(int)
        case let int as Int64: self = .integer(int)
        case let int as UInt64: self = .integer(int)
        case let int as UInt32: self = .integer(int)
        case let int as Int32: self = .integer(int)
        case let double as Double: self = .double(double)
        case let float as Float: self = .double(Double(float))
        case is NSNull: self = .null
        case let dictionary as [String: Any]: self = .object(dictionary.mapValues { JSONValue($0) })
        case let array as [Any]: self = .array(array.map { JSONValue($0) })
        default: self = .string(String(describing: value))
        }
    }
}
