import Foundation
import Support

/// Encodes an `Encodable` value into the ``JSONValue`` that ``JSONText`` writes, so
/// certificates get JSONText's number text (shortest round-trip digits, integers without a
/// fraction) and sorted keys. The tree is typed all the way down: a proof with tens of
/// thousands of nodes and their slope vectors is written without a dynamic cast per number.
///
/// Several keyed containers requested from one encoder share one object, so a type can
/// write its fields next to another type's fields (``LocalCertificate`` writes its query
/// record's fields at the top level). An optional encoded with `encodeIfPresent` and no
/// value writes no key; `encodeNil` writes `null`.
enum JSONTreeEncoder {
    static func encode<T: Encodable>(_ value: T) throws -> JSONValue {
        let root = TreeNode()
        try value.encode(to: TreeEncoder(node: root, codingPath: []))
        return root.resolved
    }
}

/// One value under construction: an object, an array or a leaf (set by whichever container
/// the encoding type asks for first).
private final class TreeNode {
    var object: [String: TreeNode]?
    var array: [TreeNode]?
    var leaf: JSONValue?

    init() {}
    init(leaf: JSONValue) { self.leaf = leaf }

    /// The finished value; a node no container wrote is an empty object.
    var resolved: JSONValue {
        if let leaf { return leaf }
        if let array { return .array(array.map(\.resolved)) }
        return .object((object ?? [:]).mapValues(\.resolved))
    }
}

/// The JSON value of a scalar, or nil for a type that is not one.
private func scalar<T>(_ value: T) -> JSONValue? {
    switch value {
    case let value as Bool: return .bool(value)
    case let value as String: return .string(value)
    case let value as Double: return .double(value)
    case let value as Float: return .double(Double(value))
    case let value as Int: return .integer(value)
    case let value as Int8: return .integer(value)
    case let value as Int16: return .integer(value)
    case let value as Int32: return .integer(value)
    case let value as Int64: return .integer(value)
    case let value as UInt8: return .integer(value)
    case let value as UInt16: return .integer(value)
    case let value as UInt32: return .integer(value)
    case let value as UInt64: return .integer(value)
    case let value as UInt: return .integer(value)
    default: return nil
    }
}

/// The JSON value of an array of numbers (a proof's slope vectors), written in one step
/// instead of one node per element; nil for any other type. The same values as element by
/// element: non-finite numbers and `nil` are `null`.
private func numbers<T>(_ value: T) -> JSONValue? {
    switch value {
    case let value as [Double]: return .array(value.map(JSONValue.double))
    case let value as [Double?]: return .array(value.map { $0.map(JSONValue.double) ?? .null })
    case let value as [Int]: return .array(value.map(JSONValue.integer))
    default: return nil
    }
}

/// The node `value` encodes to.
private func encodedNode<T: Encodable>(for value: T, codingPath: [any CodingKey]) throws -> TreeNode {
    if let leaf = scalar(value) ?? numbers(value) { return TreeNode(leaf: leaf) }
    let child = TreeNode()
    try value.encode(to: TreeEncoder(node: child, codingPath: codingPath))
    return child
}

private struct TreeEncoder: Encoder {
    let node: TreeNode
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if node.object == nil { node.object = [:] }
        return KeyedEncodingContainer(KeyedTreeContainer<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if node.array == nil { node.array = [] }
        return UnkeyedTreeContainer(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleTreeContainer(node: node, codingPath: codingPath)
    }
}

private struct KeyedTreeContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: TreeNode
    let codingPath: [any CodingKey]

    mutating func encodeNil(forKey key: Key) throws { node.object![key.stringValue] = TreeNode(leaf: .null) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        node.object![key.stringValue] = try encodedNode(for: value, codingPath: codingPath + [key])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type,
                                                        forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let child = TreeNode()
        node.object![key.stringValue] = child
        return TreeEncoder(node: child, codingPath: codingPath + [key]).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = TreeNode()
        node.object![key.stringValue] = child
        return TreeEncoder(node: child, codingPath: codingPath + [key]).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { TreeEncoder(node: node, codingPath: codingPath) }
    mutating func superEncoder(forKey key: Key) -> any Encoder {
        let child = TreeNode()
        node.object![key.stringValue] = child
        return TreeEncoder(node: child, codingPath: codingPath + [key])
    }
}

private struct UnkeyedTreeContainer: UnkeyedEncodingContainer {
    let node: TreeNode
    let codingPath: [any CodingKey]
    var count: Int { node.array!.count }

    mutating func encodeNil() throws { node.array!.append(TreeNode(leaf: .null)) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        node.array!.append(try encodedNode(for: value, codingPath: codingPath + [IndexKey(count)]))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let child = TreeNode()
        let path = codingPath + [IndexKey(count)]
        node.array!.append(child)
        return TreeEncoder(node: child, codingPath: path).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let child = TreeNode()
        let path = codingPath + [IndexKey(count)]
        node.array!.append(child)
        return TreeEncoder(node: child, codingPath: path).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        let child = TreeNode()
        let path = codingPath + [IndexKey(count)]
        node.array!.append(child)
        return TreeEncoder(node: child, codingPath: path)
    }
}

private struct SingleTreeContainer: SingleValueEncodingContainer {
    let node: TreeNode
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws { node.leaf = .null }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let encoded = try encodedNode(for: value, codingPath: codingPath)
        node.leaf = encoded.leaf
        node.array = encoded.array
        node.object = encoded.object
    }
}

/// An array index as a coding key (for coding paths).
struct IndexKey: CodingKey {
    var intValue: Int?
    var stringValue: String { "\(intValue ?? 0)" }
    init(_ index: Int) { intValue = index }
    init?(intValue: Int) { self.intValue = intValue }
    init?(stringValue: String) { nil }
}
