// A small zlib/deflate compressor: LZ77 with hash chains, one fixed-Huffman block, or
// stored blocks when those are shorter.
//
// References: P. Deutsch, "DEFLATE Compressed Data Format Specification version 1.3",
// RFC 1951 (1996); P. Deutsch, J.-L. Gailly, "ZLIB Compressed Data Format Specification
// version 3.3", RFC 1950 (1996).

/// Packs bits least significant bit first, as deflate (RFC 1951, section 3.1.1) and GIF's
/// LZW codes require.
public struct BitWriter {
    public private(set) var bytes: [UInt8] = []
    private var buffer: UInt64 = 0
    private var count = 0

    public init() {}

    /// Appends the low `width` bits of `value`, least significant first.
    public mutating func write(_ value: UInt32, width: Int) {
        buffer |= UInt64(value & (width == 32 ? 0xFFFF_FFFF : (1 << UInt32(width)) - 1)) << UInt64(count)
        count += width
        while count >= 8 {
            bytes.append(UInt8(truncatingIfNeeded: buffer))
            buffer >>= 8
            count -= 8
        }
    }

    /// Appends a Huffman code of `width` bits, most significant bit first (section 3.1.1).
    mutating func writeCode(_ code: UInt32, width: Int) {
        var reversed: UInt32 = 0
        for bit in 0..<width { reversed |= ((code >> UInt32(bit)) & 1) << UInt32(width - 1 - bit) }
        write(reversed, width: width)
    }

    /// Pads with zero bits to the next byte boundary and returns the bytes.
    public mutating func finish() -> [UInt8] {
        if count > 0 { write(0, width: 8 - count) }
        return bytes
    }
}

/// A raw deflate compressor (RFC 1951) and its zlib wrapper (RFC 1950).
///
/// The compressed form is one final fixed-Huffman block (`BTYPE = 01`) of literals and
/// `(length, distance)` matches found by LZ77 over a 32 KiB window (3-byte hash chains,
/// greedy, at most ``maxChainLength`` candidates per position); if that is longer than
/// the input stored in `BTYPE = 00` blocks of at most 65535 bytes, the stored form is used,
/// so the output never exceeds `input + 5 * ceil(input / 65535) + 1` bytes (+6 for zlib).
///
/// Fixed Huffman codes (section 3.2.6):
///
/// ```
/// literal   0...143   8 bits  0x30 + v          literal 144...255   9 bits  0x190 + (v - 144)
/// symbol  256...279   7 bits  v - 256           symbol  280...287   8 bits  0xC0 + (v - 280)
/// distance code 0...29  5 bits
/// ```
public enum Deflate {
    /// Candidates examined per position; bounds the time on highly repetitive input.
    static let maxChainLength = 64
    static let windowSize = 32768
    static let minMatch = 3
    static let maxMatch = 258

    /// Base lengths of length symbols 257...285 and their extra-bit counts.
    static let lengthBase: [Int] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
                                    35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    static let lengthExtra: [Int] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
                                     3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    /// Base distances of distance codes 0...29 and their extra-bit counts.
    static let distanceBase: [Int] = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
                                      257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
                                      8193, 12289, 16385, 24577]
    static let distanceExtra: [Int] = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
                                       7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]

    /// The zlib stream of `data`: header `78 01`, deflate data, Adler-32 (big-endian).
    public static func zlib(_ data: [UInt8]) -> [UInt8] {
        // CMF 0x78: method 8 (deflate), 32 KiB window; FLG 0x01 makes 0x7801 divisible by 31.
        var result: [UInt8] = [0x78, 0x01]
        result += deflate(data)
        let adler = Adler32.checksum(data)
        result += [UInt8(adler >> 24), UInt8((adler >> 16) & 0xFF), UInt8((adler >> 8) & 0xFF), UInt8(adler & 0xFF)]
        return result
    }

    /// Raw deflate data of `data`: the shorter of the fixed-Huffman and the stored encoding.
    public static func deflate(_ data: [UInt8]) -> [UInt8] {
        let compressed = fixedHuffman(data)
        let stored = self.stored(data)
        return compressed.count < stored.count ? compressed : stored
    }

    /// `data` in stored blocks (`BFINAL`, `BTYPE = 00`, byte-aligned `LEN`, `NLEN`, bytes).
    static func stored(_ data: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        var start = 0
        repeat {
            let end = min(data.count, start + 65535)
            let length = end - start
            result.append(end == data.count ? 1 : 0)
            result += [UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8((~length >> 8) & 0xFF)]
            result += data[start..<end]
            start = end
        } while start < data.count
        return result
    }

    /// One final fixed-Huffman block (`BFINAL = 1`, `BTYPE = 01`) with greedy LZ77 matches.
    static func fixedHuffman(_ data: [UInt8]) -> [UInt8] {
        var writer = BitWriter()
        writer.write(1, width: 1)
        writer.write(1, width: 2)
        let hashSize = 1 << 15
        var head = [Int](repeating: -1, count: hashSize)
        var previous = [Int](repeating: -1, count: windowSize)
        func hash(_ position: Int) -> Int {
            (Int(data[position]) << 10 ^ Int(data[position + 1]) << 5 ^ Int(data[position + 2])) & (hashSize - 1)
        }
        func insert(_ position: Int) {
            guard position + minMatch <= data.count else { return }
            let h = hash(position)
            previous[position & (windowSize - 1)] = head[h]
            head[h] = position
        }
        var position = 0
        while position < data.count {
            var bestLength = 0, bestDistance = 0
            if position + minMatch <= data.count {
                var candidate = head[hash(position)]
                var chain = 0
                let limit = min(maxMatch, data.count - position)
                while candidate >= 0, position - candidate <= windowSize, chain < maxChainLength {
                    var length = 0
                    while length < limit, data[candidate + length] == data[position + length] { length += 1 }
                    if length > bestLength {
                        bestLength = length
                        bestDistance = position - candidate
                        if length == limit { break }
                    }
                    let next = previous[candidate & (windowSize - 1)]
                    guard next < candidate else { break }
                    candidate = next
                    chain += 1
                }
            }
            if bestLength >= minMatch {
                writeLength(bestLength, to: &writer)
                writeDistance(bestDistance, to: &writer)
                for offset in 0..<bestLength { insert(position + offset) }
                position += bestLength
            } else {
                writeLiteral(Int(data[position]), to: &writer)
                insert(position)
                position += 1
            }
        }
        writeLiteral(256, to: &writer)
        return writer.finish()
    }

    /// The fixed Huffman code of literal/length symbol `symbol` (0...287).
    static func writeLiteral(_ symbol: Int, to writer: inout BitWriter) {
        switch symbol {
        case 0...143: writer.writeCode(UInt32(0x30 + symbol), width: 8)
        case 144...255: writer.writeCode(UInt32(0x190 + symbol - 144), width: 9)
        case 256...279: writer.writeCode(UInt32(symbol - 256), width: 7)
        default: writer.writeCode(UInt32(0xC0 + symbol - 280), width: 8)
        }
    }

    /// Length 3...258 as symbol 257...285 plus extra bits.
    static func writeLength(_ length: Int, to writer: inout BitWriter) {
        var code = lengthBase.count - 1
        while lengthBase[code] > length { code -= 1 }
        writeLiteral(257 + code, to: &writer)
        if lengthExtra[code] > 0 { writer.write(UInt32(length - lengthBase[code]), width: lengthExtra[code]) }
    }

    /// Distance 1...32768 as a 5-bit code plus extra bits.
    static func writeDistance(_ distance: Int, to writer: inout BitWriter) {
        var code = distanceBase.count - 1
        while distanceBase[code] > distance { code -= 1 }
        writer.writeCode(UInt32(code), width: 5)
        if distanceExtra[code] > 0 { writer.write(UInt32(distance - distanceBase[code]), width: distanceExtra[code]) }
    }
}
