/// A minimal reader of the protobuf wire format, enough to decode ONNX files without a
/// protobuf dependency. Reference: https://protobuf.dev/programming-guides/encoding/
///
/// A message is a sequence of fields; each field starts with a varint key
/// `key = (fieldNumber << 3) | wireType` followed by its payload:
/// ```
/// wire type 0  varint            7 bits per byte, low group first, high bit = "more"; at most 10 bytes
/// wire type 1  64-bit            8 bytes little-endian (fixed64, double)
/// wire type 2  length-delimited  varint length n, then n bytes (string, bytes, message, packed repeated)
/// wire type 5  32-bit            4 bytes little-endian (fixed32, float)
/// ```
/// Wire types 3 and 4 (deprecated groups), 6 and 7 never occur in ONNX and are rejected.
///
/// Edge cases: every read is bounds-checked, so truncated input, over-long varints (more than
/// 10 bytes, or a 10th byte above 1) and lengths past the end of the enclosing message throw
/// ``ProtobufError`` instead of trapping. Each call to ``next()`` consumes at least one byte,
/// so decoding always terminates.
struct ProtobufReader {
    /// The message's bytes; indices are offsets into the whole file, so errors can name them.
    private let bytes: ArraySlice<UInt8>
    private var position: Int

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        self.position = bytes.startIndex
    }

    var isAtEnd: Bool { position >= bytes.endIndex }

    /// Reads the next field, or returns `nil` at the end of the message.
    mutating func next() throws -> ProtobufField? {
        guard !isAtEnd else { return nil }
        let start = position
        let key = try readVarint()
        let number = key >> 3
        guard number >= 1, number <= 536_870_911 else {
            throw ProtobufError(offset: start, problem: "field number \(number) is out of range")
        }
        let value: ProtobufValue
        switch key & 7 {
        case 0: value = .varint(try readVarint())
        case 1: value = .fixed64(try readFixed(byteCount: 8))
        case 2:
            let length = try readVarint()
            let remaining = bytes.endIndex - position
            guard length <= UInt64(remaining) else {
                throw ProtobufError(
                    offset: start, problem: "field \(number) declares \(length) bytes but only \(remaining) remain")
            }
            let end = position + Int(length)
            value = .lengthDelimited(bytes[position..<end])
            position = end
        case 5: value = .fixed32(UInt32(truncatingIfNeeded: try readFixed(byteCount: 4)))
        default:
            throw ProtobufError(offset: start, problem: "field \(number) has unknown wire type \(key & 7)")
        }
        return ProtobufField(number: Int(number), value: value, offset: start)
    }

    /// Reads a base-128 varint of at most 10 bytes.
    mutating func readVarint() throws -> UInt64 {
        let start = position
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < bytes.endIndex else {
                throw ProtobufError(offset: start, problem: "varint is truncated by the end of the data")
            }
            let byte = bytes[position]
            position += 1
            if shift == 63, byte > 1 {
                throw ProtobufError(offset: start, problem: "varint is longer than 10 bytes or overflows 64 bits")
            }
            result |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    /// Reads `byteCount` (4 or 8) little-endian bytes.
    private mutating func readFixed(byteCount: Int) throws -> UInt64 {
        guard bytes.endIndex - position >= byteCount else {
            throw ProtobufError(offset: position, problem: "\(byteCount)-byte value is truncated by the end of the data")
        }
        var result: UInt64 = 0
        for index in 0..<byteCount { result |= UInt64(bytes[position + index]) << (8 * UInt64(index)) }
        position += byteCount
        return result
    }
}

/// A decoding failure at byte `offset` of the file.
struct ProtobufError: Error, Equatable {
    let offset: Int
    let problem: String
}

/// The payload of one field, by wire type.
enum ProtobufValue: Equatable {
    case varint(UInt64)
    case fixed64(UInt64)
    case lengthDelimited(ArraySlice<UInt8>)
    case fixed32(UInt32)

    var wireTypeName: String {
        switch self {
        case .varint: return "0 (varint)"
        case .fixed64: return "1 (64-bit)"
        case .lengthDelimited: return "2 (length-delimited)"
        case .fixed32: return "5 (32-bit)"
        }
    }
}
