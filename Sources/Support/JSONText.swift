import Foundation

/// A small JSON writer whose numbers round-trip exactly: a `Double` is written with Swift's
/// shortest round-trip digits (`"\(value)"`, which may use exponent notation such as `1e-05`,
/// valid JSON), so a reader parsing it gets the same `Double` back. Non-finite numbers, which
/// JSON cannot represent, are written as `null`. Keys are sorted, so equal values give equal
/// text (results files and certificates are compared byte for byte in tests).
public enum JSONText {
    /// Encodes dictionaries (`[String: Any]`), arrays, strings, Booleans, integers, Doubles,
    /// Floats, `NSNull`, `nil` optionals and ``JSONValue``s (see ``JSONValue/init(_:)``).
    public static func encode(_ value: Any?, pretty: Bool = false) -> String {
        encode(JSONValue(value), pretty: pretty)
    }

    /// Encodes a typed value. Pretty output puts each object member and each element of an
    /// array that holds arrays or objects on its own line (two spaces per level), and keeps
    /// arrays of scalars on one line.
    public static func encode(_ value: JSONValue, pretty: Bool = false) -> String {
        var output = ""
        write(value, into: &output, pretty: pretty, indent: 0)
        return output
    }

    private static func write(_ value: JSONValue, into output: inout String, pretty: Bool, indent: Int) {
        switch value {
        case .null: output += "null"
        case .bool(let bool): output += bool ? "true" : "false"
        case .number(let digits): output += digits
        case .string(let string): writeString(string, into: &output)
        case .object(let dictionary):
            if dictionary.isEmpty { output += "{}"; return }
            output += "{"
            for (index, key) in dictionary.keys.sorted().enumerated() {
                if index > 0 { output += "," }
                if pretty { output += "\n" + String(repeating: "  ", count: indent + 1) }
                writeString(key, into: &output)
                output += pretty ? ": " : ":"
                write(dictionary[key]!, into: &output, pretty: pretty, indent: indent + 1)
            }
            if pretty { output += "\n" + String(repeating: "  ", count: indent) }
            output += "}"
        case .array(let array):
            if array.isEmpty { output += "[]"; return }
            let nested = array.contains {
                switch $0 {
                case .array, .object: return true
                case .null, .bool, .number, .string: return false
                }
            }
            output += "["
            for (index, element) in array.enumerated() {
                if index > 0 { output += pretty && !nested ? ", " : "," }
                if pretty && nested { output += "\n" + String(repeating: "  ", count: indent + 1) }
                write(element, into: &output, pretty: pretty, indent: indent + 1)
            }
            if pretty && nested { output += "\n" + String(repeating: "  ", count: indent) }
            output += "]"
        }
    }

    private static func writeString(_ string: String, into output: inout String) {
        output += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }
}
