// DEFLATE decompression (RFC 1951): stored, fixed-Huffman and dynamic-Huffman blocks.

/// A malformed compressed stream: what is wrong and at which byte.
public struct InflateError: Error, CustomStringConvertible, Sendable {
    public var problem: String
    public var byteOffset: Int
    public var description: String { "\(problem) (at compressed byte \(byteOffset))" }
}

/// Decompresses a raw DEFLATE stream (RFC 1951).
///
/// Bits are read least-significant first; Huffman codes are canonical (RFC 1951 §3.2.2) and
/// decoded by counting codes per length, the way the reference decoder "puff" does: for code
/// length `len`, the codes of that length are the integers `first ..< first + count[len]`, so
/// one pass over the lengths 1...15 finds the symbol without building tables.
public enum Inflate {
    /// Decompresses `input[start...]`; returns the output and the index just past the stream's
    /// last byte (the final block's end, rounded up to a byte).
    public static func decompress(_ input: [UInt8], from start: Int = 0, sizeHint: Int = 0) throws -> (output: [UInt8], end: Int) {
        var reader = BitReader(bytes: input, position: start)
        var output: [UInt8] = []
        output.reserveCapacity(sizeHint)
        var final = false
        while !final {
            final = try reader.bits(1) == 1
            switch try reader.bits(2) {
            case 0: try storedBlock(&reader, &output)
            case 1: try huffmanBlock(&reader, &output, literals: fixedLiterals, distances: fixedDistances)
            case 2:
                let (literals, distances) = try dynamicTables(&reader)
                try huffmanBlock(&reader, &output, literals: literals, distances: distances)
            default: throw reader.error("block type 3 is reserved")
            }
        }
        return (output, reader.bytePositionAfterAlignment)
    }

    private static func storedBlock(_ reader: inout BitReader, _ output: inout [UInt8]) throws {
        reader.alignToByte()
        let length = try reader.bits(16)
        let complement = try reader.bits(16)
        guard length == ~complement & 0xFFFF else { throw reader.error("stored block length does not match its complement") }
        try reader.copyBytes(length, into: &output)
    }

    /// Base lengths and extra bits of length symbols 257...285, and of distance symbols 0...29.
    private static let lengthBase: [Int] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    private static let lengthExtra: [Int] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    private static let distanceBase: [Int] = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    private static let distanceExtra: [Int] = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]

    private static func huffmanBlock(_ reader: inout BitReader, _ output: inout [UInt8],
                                     literals: HuffmanCode, distances: HuffmanCode) throws {
        while true {
            let symbol = try literals.decode(&reader)
            if symbol < 256 {
                output.append(UInt8(symbol))
            } else if symbol == 256 {
                return
            } else {
                let index = symbol - 257
                guard index < lengthBase.count else { throw reader.error("invalid length symbol \(symbol)") }
                let length = lengthBase[index] + (try reader.bits(lengthExtra[index]))
                let distanceSymbol = try distances.decode(&reader)
                guard distanceSymbol < distanceBase.count else { throw reader.error("invalid distance symbol \(distanceSymbol)") }
                let distance = distanceBase[distanceSymbol] + (try reader.bits(distanceExtra[distanceSymbol]))
                guard distance <= output.count else { throw reader.error("distance \(distance) reaches before the start of the output") }
                let from = output.count - distance
                for k in 0..<length { output.append(output[from + k]) }
            }
        }
    }

    /// The fixed code of RFC 1951 §3.2.6.
    private static let fixedLiterals = HuffmanCode(lengths: (0..<288).map { $0 < 144 ? 8 : $0 < 256 ? 9 : $0 < 280 ? 7 : 8 })
    private static let fixedDistances = HuffmanCode(lengths: [Int](repeating: 5, count: 30))

    /// Order in which code-length code lengths are stored (RFC 1951 §3.2.7).
    private static let codeLengthOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    private static func dynamicTables(_ reader: inout BitReader) throws -> (HuffmanCode, HuffmanCode) {
        let literalCount = try reader.bits(5) + 257
        let distanceCount = try reader.bits(5) + 1
        let codeLengthCount = try reader.bits(4) + 4
        guard literalCount <= 286, distanceCount <= 30 else { throw reader.error("too many literal or distance codes") }
        var codeLengthLengths = [Int](repeating: 0, count: 19)
        for i in 0..<codeLengthCount { codeLengthLengths[codeLengthOrder[i]] = try reader.bits(3) }
        let codeLengthCode = HuffmanCode(lengths: codeLengthLengths)
        var lengths: [Int] = []
        while lengths.count < literalCount + distanceCount {
            let symbol = try codeLengthCode.decode(&reader)
            switch symbol {
            case 0...15: lengths.append(symbol)
            case 16:
                guard let previous = lengths.last else { throw reader.error("repeat code with no previous length") }
                lengths += [Int](repeating: previous, count: 3 + (try reader.bits(2)))
            case 17: lengths += [Int](repeating: 0, count: 3 + (try reader.bits(3)))
            default: lengths += [Int](repeating: 0, count: 11 + (try reader.bits(7)))
            }
        }
        guard lengths.count == literalCount + distanceCount else { throw reader.error("code lengths overrun the table") }
        guard lengths[256] > 0 else { throw reader.error("the end-of-block symbol has no code") }
        return (HuffmanCode(lengths: Array(lengths[0..<literalCount])),
                HuffmanCode(lengths: Array(lengths[literalCount...])))
    }
}

/// A canonical Huffman code given by its code lengths (0 = symbol unused).
struct HuffmanCode: Sendable {
    /// `counts[len]`: number of symbols with code length `len`.
    private var counts = [Int](repeating: 0, count: 16)
    /// Symbols ordered by (code length, symbol value): the canonical code order.
    private var symbols: [Int] = []

    init(lengths: [Int]) {
        for length in lengths { counts[length] += 1 }
        counts[0] = 0
        var offsets = [Int](repeating: 0, count: 16)
        for len in 1..<16 { offsets[len] = offsets[len - 1] + counts[len - 1] }
        symbols = [Int](repeating: 0, count: lengths.count)
        for (symbol, length) in lengths.enumerated() where length > 0 {
            symbols[offsets[length]] = symbol
            offsets[length] += 1
        }
    }

    /// Reads one code, most significant code bit first (Huffman codes are packed that way).
    func decode(_ reader: inout BitReader) throws -> Int {
        var code = 0, first = 0, index = 0
        for len in 1..<16 {
            code |= try reader.bits(1)
            let count = counts[len]
            if code - first < count { return symbols[index + code - first] }
            index += count
            first = (first + count) << 1
            code <<= 1
        }
        throw reader.error("invalid Huffman code")
    }
}

/// Reads bits least-significant first from a byte array.
struct BitReader {
    let bytes: [UInt8]
    var position: Int
    private var buffer = 0
    private var bufferedBits = 0

    init(bytes: [UInt8], position: Int) {
        self.bytes = bytes
        self.position = position
    }

    mutating func bits(_ count: Int) throws -> Int {
        while bufferedBits < count {
            guard position < bytes.count else { throw error("the compressed data ends early") }
            buffer |= Int(bytes[position]) << bufferedBits
            position += 1
            bufferedBits += 8
        }
        let value = buffer & ((1 << count) - 1)
        buffer >>= count
        bufferedBits -= count
        return value
    }

    mutating func alignToByte() {
        buffer = 0
        bufferedBits = 0
    }

    mutating func copyBytes(_ count: Int, into output: inout [UInt8]) throws {
        guard position + count <= bytes.count else { throw error("a stored block runs past the end of the data") }
        output.append(contentsOf: bytes[position..<(position + count)])
        position += count
    }

    /// The byte index after the current position once partial bytes are dropped.
    var bytePositionAfterAlignment: Int { position - bufferedBits / 8 }

    func error(_ problem: String) -> InflateError { InflateError(problem: problem, byteOffset: position) }
}
