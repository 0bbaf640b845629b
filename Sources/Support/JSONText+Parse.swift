import Foundation

extension JSONText {
    /// A parse error with the byte offset where the text stops being JSON.
    public struct ParseError: Error, CustomStringConvertible {
        public var offset: Int
        public var problem: String
        public var description: String { "byte \(offset): \(problem)" }
    }

    /// Parses JSON text into `[String: Any]`, `[Any]`, `String`, `Double`, `Bool` and `NSNull`.
    ///
    /// Written here because Foundation's `JSONSerialization` on Linux does not round numbers
    /// correctly (about one Double in seven comes back one or more ulps off, measured), which
    /// would silently change network weights, noises and counterexamples. Numbers are read with
    /// `Double(String)`, which is correctly rounded. Nesting deeper than 512 levels is an error.
    public static func parse(_ data: Data) throws -> Any {
        try parse(data, keepingKeyOrder: false)
    }

    /// A JSON object with the order of its keys as written (see ``parseKeepingKeyOrder(_:)``).
    public struct OrderedObject: @unchecked Sendable {
        public var keys: [String]
        public var values: [String: Any]
    }

    /// Like ``parse(_:)``, but every object becomes an ``OrderedObject``: for files whose key
    /// order means something to the reader (rows of a table in the order they were listed).
    /// A repeated key keeps its first position and its last value.
    public static func parseKeepingKeyOrder(_ data: Data) throws -> Any {
        try parse(data, keepingKeyOrder: true)
    }

    private static func parse(_ data: Data, keepingKeyOrder: Bool) throws -> Any {
        var parser = Parser(bytes: [UInt8](data), keepsKeyOrder: keepingKeyOrder)
        parser.skipWhitespace()
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.index == parser.bytes.count else { throw parser.error("unexpected text after the JSON value") }
        return value
    }

    private struct Parser {
        let bytes: [UInt8]
        let keepsKeyOrder: Bool
        var index = 0

        func error(_ problem: String) -> ParseError { ParseError(offset: index, problem: problem) }

        mutating func skipWhitespace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        mutating func expect(_ literal: String, _ value: Any) throws -> Any {
            let expected = Array(literal.utf8)
            guard index + expected.count <= bytes.count, Array(bytes[index..<(index + expected.count)]) == expected else {
                throw error("expected '\(literal)'")
            }
            index += expected.count
            return value
        }

        mutating func value(depth: Int) throws -> Any {
            guard depth < 512 else { throw error("nesting deeper than 512 levels") }
            guard index < bytes.count else { throw error("unexpected end of text") }
            switch bytes[index] {
            case UInt8(ascii: "{"):
                index += 1
                var object: [String: Any] = [:]
                var keys: [String] = []
                func finished() -> Any { keepsKeyOrder ? OrderedObject(keys: keys, values: object) : object }
                skipWhitespace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return finished() }
                while true {
                    skipWhitespace()
                    guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a string key") }
                    let key = try string()
                    skipWhitespace()
                    guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':'") }
                    index += 1
                    skipWhitespace()
                    if keepsKeyOrder, object[key] == nil { keys.append(key) }
                    object[key] = try value(depth: depth + 1)
                    skipWhitespace()
                    guard index < bytes.count else { throw error("unterminated object") }
                    if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    guard bytes[index] == UInt8(ascii: "}") else { throw error("expected ',' or '}'") }
                    index += 1
                    return finished()
                }
            case UInt8(ascii: "["):
                index += 1
                var array: [Any] = []
                skipWhitespace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return array }
                while true {
                    skipWhitespace()
                    array.append(try value(depth: depth + 1))
                    skipWhitespace()
                    guard index < bytes.count else { throw error("unterminated array") }
                    if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    guard bytes[index] == UInt8(ascii: "]") else { throw error("expected ',' or ']'") }
                    index += 1
                    return array
                }
            case UInt8(ascii: "\""): return try string()
            case UInt8(ascii: "t"): return try expect("true", true)
            case UInt8(ascii: "f"): return try expect("false", false)
            case UInt8(ascii: "n"): return try expect("null", NSNull())
            default: return try number()
            }
        }

        mutating func number() throws -> Double {
            let start = index
            while index < bytes.count, "+-0123456789.eE".utf8.contains(bytes[index]) { index += 1 }
            guard index > start, let text = String(bytes: bytes[start..<index], encoding: .ascii),
                  let value = Double(text), text.first != "+", !text.hasPrefix(".") else {
                index = start
                throw error("invalid value")
            }
            return value
        }

        mutating func string() throws -> String {
            index += 1
            var scalars = String.UnicodeScalarView()
            var raw: [UInt8] = []
            func flush() throws {
                guard !raw.isEmpty else { return }
                guard let text = String(bytes: raw, encoding: .utf8) else { throw error("invalid UTF-8 in a string") }
                scalars.append(contentsOf: text.unicodeScalars)
                raw.removeAll()
            }
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                switch byte {
                case UInt8(ascii: "\""):
                    try flush()
                    return String(scalars)
                case UInt8(ascii: "\\"):
                    try flush()
                    guard index < bytes.count else { throw error("unterminated escape") }
                    let escape = bytes[index]
                    index += 1
                    switch escape {
                    case UInt8(ascii: "n"): scalars.append("\n")
                    case UInt8(ascii: "t"): scalars.append("\t")
                    case UInt8(ascii: "r"): scalars.append("\r")
                    case UInt8(ascii: "b"): scalars.append("\u{08}")
                    case UInt8(ascii: "f"): scalars.append("\u{0C}")
                    case UInt8(ascii: "u"):
                        guard index + 4 <= bytes.count, let text = String(bytes: bytes[index..<(index + 4)], encoding: .ascii),
                              let code = UInt32(text, radix: 16) else { throw error("invalid \\u escape") }
                        index += 4
                        scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
                    default: scalars.append(Unicode.Scalar(escape))
                    }
                case 0..<0x20:
                    throw error("control character in a string")
                default:
                    raw.append(byte)
                }
            }
            throw error("unterminated string")
        }
    }
}
