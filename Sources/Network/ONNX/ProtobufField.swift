/// One decoded field and typed access to its payload.
///
/// Each accessor takes the field's schema name (e.g. `"NodeProto.op_type"`) and throws
/// ``ProtobufError`` naming it when the wire type does not match the schema, so a corrupted
/// file is reported as "NodeProto.op_type (field 4) has wire type 0 (varint), expected 2".
///
/// Repeated scalar fields may arrive packed (one length-delimited field holding the
/// concatenated payloads) or unpacked (one field per element); the `append…` accessors accept
/// both, as protobuf parsers must.
struct ProtobufField {
    let number: Int
    let value: ProtobufValue
    /// Offset of the field's key in the file.
    let offset: Int

    private func mismatch(_ name: String, expected: String) -> ProtobufError {
        ProtobufError(
            offset: offset,
            problem: "\(name) (field \(number)) has wire type \(value.wireTypeName), expected \(expected)")
    }

    /// A varint read as two's-complement `int64` (also used for `int32` and enums, which
    /// protobuf sign-extends to 64 bits).
    func int64(_ name: String) throws -> Int64 {
        guard case .varint(let raw) = value else { throw mismatch(name, expected: "0 (varint)") }
        return Int64(bitPattern: raw)
    }

    /// An `int32` or enum field; values outside the `Int32` range are truncated as protobuf does.
    func int32(_ name: String) throws -> Int32 {
        Int32(truncatingIfNeeded: try int64(name))
    }

    func float(_ name: String) throws -> Float {
        guard case .fixed32(let raw) = value else { throw mismatch(name, expected: "5 (32-bit)") }
        return Float(bitPattern: raw)
    }

    func bytes(_ name: String) throws -> ArraySlice<UInt8> {
        guard case .lengthDelimited(let raw) = value else { throw mismatch(name, expected: "2 (length-delimited)") }
        return raw
    }

    /// A UTF-8 string; invalid sequences become U+FFFD (names are only used in messages).
    func string(_ name: String) throws -> String {
        String(decoding: try bytes(name), as: UTF8.self)
    }

    /// A reader over an embedded message.
    func message(_ name: String) throws -> ProtobufReader {
        ProtobufReader(try bytes(name))
    }

    /// Appends a repeated `int64`/`int32` field, packed or not.
    func appendInt64s(_ name: String, to values: inout [Int64]) throws {
        switch value {
        case .varint(let raw): values.append(Int64(bitPattern: raw))
        case .lengthDelimited(let raw):
            var reader = ProtobufReader(raw)
            while !reader.isAtEnd { values.append(Int64(bitPattern: try reader.readVarint())) }
        default: throw mismatch(name, expected: "0 (varint) or 2 (packed)")
        }
    }

    /// Appends a repeated `float` field, packed or not.
    func appendFloats(_ name: String, to values: inout [Float]) throws {
        switch value {
        case .fixed32(let raw): values.append(Float(bitPattern: raw))
        case .lengthDelimited(let raw):
            for word in try Self.littleEndianWords(raw, byteCount: 4, name: name, offset: offset) {
                values.append(Float(bitPattern: UInt32(truncatingIfNeeded: word)))
            }
        default: throw mismatch(name, expected: "5 (32-bit) or 2 (packed)")
        }
    }

    /// Appends a repeated `double` field, packed or not.
    func appendDoubles(_ name: String, to values: inout [Double]) throws {
        switch value {
        case .fixed64(let raw): values.append(Double(bitPattern: raw))
        case .lengthDelimited(let raw):
            for word in try Self.littleEndianWords(raw, byteCount: 8, name: name, offset: offset) {
                values.append(Double(bitPattern: word))
            }
        default: throw mismatch(name, expected: "1 (64-bit) or 2 (packed)")
        }
    }

    /// Splits `raw` into little-endian words of `byteCount` (4 or 8) bytes.
    /// - Throws: when the length is not a multiple of `byteCount`.
    static func littleEndianWords(
        _ raw: ArraySlice<UInt8>, byteCount: Int, name: String, offset: Int
    ) throws -> [UInt64] {
        guard raw.count % byteCount == 0 else {
            throw ProtobufError(
                offset: offset,
                problem: "\(name) holds \(raw.count) bytes, not a multiple of \(byteCount)")
        }
        var words: [UInt64] = []
        words.reserveCapacity(raw.count / byteCount)
        var index = raw.startIndex
        while index < raw.endIndex {
            var word: UInt64 = 0
            for byte in 0..<byteCount { word |= UInt64(raw[index + byte]) << (8 * UInt64(byte)) }
            words.append(word)
            index += byteCount
        }
        return words
    }
}
