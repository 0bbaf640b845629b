import Foundation
import Support

/// Decodes a `Decodable` value from what ``JSONText/parse(_:)`` returns (`[String: Any]`,
/// `[Any]`, `String`, `Double`, `Bool`, `NSNull`): numbers keep JSONText's correctly rounded
/// `Double`s; an integer field accepts a number with an integral value. Failures are
/// `DecodingError`s whose coding path names the field (``place(of:)``).
enum JSONTreeDecoder {
    static func decode<T: Decodable>(_ type: T.Type, from value: Any) throws -> T {
        try T(from: TreeDecoder(value: value, codingPath: []))
    }

    /// The field a decoding error is about, as `queries[0].proof_leaves[3].lower`, and what
    /// is wrong with it.
    static func place(of error: DecodingError) -> (place: String, problem: String) {
        func path(_ keys: [any CodingKey]) -> String {
            let text = keys.reduce("") { text, key in
                key.intValue != nil ? text + "[\(key.intValue!)]" : text + (text.isEmpty ? "" : ".") + key.stringValue
            }
            return text.isEmpty ? "top level" : text
        }
        switch error {
        case let .keyNotFound(key, context):
            return (path(context.codingPath + [key]), "missing")
        case let .typeMismatch(_, context), let .valueNotFound(_, context), let .dataCorrupted(context):
            return (path(context.codingPath), context.debugDescription)
        @unknown default:
            return ("top level", "\(error)")
        }
    }
}

private func mismatch(_ expected: String, _ value: Any, _ path: [any CodingKey]) -> DecodingError {
    let found: String
    switch value {
    case is NSNull: found = "null"
    case is String: found = "a string"
    case is Bool: found = "a Boolean"
    case is Double: found = "a number"
    case is [Any]: found = "a list"
    case is [String: Any]: found = "an object"
    default: found = "\(type(of: value))"
    }
    return .typeMismatch(Any.self, .init(codingPath: path, debugDescription: "expected \(expected), found \(found)"))
}

/// A scalar of type `T` from a JSON value, or nil when `T` is not a scalar type.
private func scalar<T>(_ type: T.Type, from value: Any, path: [any CodingKey]) throws -> T? {
    func number() throws -> Double {
        guard let number = value as? Double, !(value is Bool) else { throw mismatch("a number", value, path) }
        return number
    }
    func integer<I: FixedWidthInteger>(_: I.Type) throws -> I {
        guard let integer = I(exactly: try number()) else { throw mismatch("an integer", value, path) }
        return integer
    }
    switch type {
    case is Bool.Type:
        guard let bool = value as? Bool else { throw mismatch("true or false", value, path) }
        return bool as? T
    case is String.Type:
        guard let string = value as? String else { throw mismatch("a string", value, path) }
        return string as? T
    case is Double.Type: return try number() as? T
    case is Float.Type: return Float(try number()) as? T
    case is Int.Type: return try integer(Int.self) as? T
    case is Int32.Type: return try integer(Int32.self) as? T
    case is Int64.Type: return try integer(Int64.self) as? T
    case is UInt32.Type: return try integer(UInt32.self) as? T
    case is UInt64.Type: return try integer(UInt64.self) as? T
    default: return nil
    }
}

private func decodeValue<T: Decodable>(_ type: T.Type, from value: Any, path: [any CodingKey]) throws -> T {
    if let scalar = try scalar(type, from: value, path: path) { return scalar }
    return try T(from: TreeDecoder(value: value, codingPath: path))
}

private struct TreeDecoder: Decoder {
    let value: Any
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard let object = value as? [String: Any] else { throw mismatch("an object", value, codingPath) }
        return KeyedDecodingContainer(KeyedTreeContainer<Key>(object: object, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard let array = value as? [Any] else { throw mismatch("a list", value, codingPath) }
        return UnkeyedTreeContainer(array: array, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleTreeContainer(value: value, codingPath: codingPath)
    }
}

private struct KeyedTreeContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let object: [String: Any]
    let codingPath: [any CodingKey]
    var allKeys: [Key] { object.keys.compactMap(Key.init(stringValue:)) }

    func contains(_ key: Key) -> Bool { object[key.stringValue] != nil }

    func value(_ key: Key) throws -> Any {
        guard let value = object[key.stringValue] else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "missing"))
        }
        return value
    }

    func decodeNil(forKey key: Key) throws -> Bool { try value(key) is NSNull }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try decodeValue(type, from: try value(key), path: codingPath + [key])
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try TreeDecoder(value: try value(key), codingPath: codingPath + [key]).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try TreeDecoder(value: try value(key), codingPath: codingPath + [key]).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { TreeDecoder(value: object, codingPath: codingPath) }
    func superDecoder(forKey key: Key) throws -> any Decoder {
        TreeDecoder(value: try value(key), codingPath: codingPath + [key])
    }
}

private struct UnkeyedTreeContainer: UnkeyedDecodingContainer {
    let array: [Any]
    let codingPath: [any CodingKey]
    var currentIndex = 0
    var count: Int? { array.count }
    var isAtEnd: Bool { currentIndex >= array.count }

    init(array: [Any], codingPath: [any CodingKey]) {
        self.array = array
        self.codingPath = codingPath
    }

    mutating func next() throws -> (Any, [any CodingKey]) {
        let path = codingPath + [IndexKey(currentIndex)]
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(Any.self, .init(codingPath: path, debugDescription: "the list ends early"))
        }
        defer { currentIndex += 1 }
        return (array[currentIndex], path)
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, array[currentIndex] is NSNull else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let (value, path) = try next()
        return try decodeValue(type, from: value, path: path)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        let (value, path) = try next()
        return try TreeDecoder(value: value, codingPath: path).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let (value, path) = try next()
        return try TreeDecoder(value: value, codingPath: path).unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder {
        let (value, path) = try next()
        return TreeDecoder(value: value, codingPath: path)
    }
}

private struct SingleTreeContainer: SingleValueDecodingContainer {
    let value: Any
    let codingPath: [any CodingKey]

    func decodeNil() -> Bool { value is NSNull }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try decodeValue(type, from: value, path: codingPath)
    }
}
