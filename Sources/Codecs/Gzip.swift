// The gzip container (RFC 1952) around DEFLATE, with its CRC-32 and length checks.

/// Reading `.gz` files: header, DEFLATE body, CRC-32 and size trailer; multi-member files are
/// concatenated, as `gunzip` does.
public enum Gzip {
    /// Whether `bytes` start with the gzip magic number `1f 8b`.
    public static func isGzip(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
    }

    /// Decompresses every member of a gzip file.
    /// - Throws: ``InflateError`` for a bad header, corrupt data, or a CRC-32 / length mismatch.
    public static func decompress(_ bytes: [UInt8]) throws -> [UInt8] {
        var output: [UInt8] = []
        var position = 0
        repeat {
            position = try member(bytes, at: position, into: &output)
        } while position < bytes.count && isGzip(Array(bytes[position..<min(bytes.count, position + 2)]))
        return output
    }

    private static func member(_ bytes: [UInt8], at start: Int, into output: inout [UInt8]) throws -> Int {
        func fail(_ problem: String, _ at: Int) -> InflateError { InflateError(problem: problem, byteOffset: at) }
        guard bytes.count >= start + 18, bytes[start] == 0x1F, bytes[start + 1] == 0x8B else { throw fail("not a gzip member", start) }
        guard bytes[start + 2] == 8 else { throw fail("compression method \(bytes[start + 2]) is not DEFLATE", start + 2) }
        let flags = bytes[start + 3]
        var position = start + 10
        if flags & 0x04 != 0 {  // FEXTRA
            guard position + 2 <= bytes.count else { throw fail("truncated extra field", position) }
            position += 2 + Int(bytes[position]) + Int(bytes[position + 1]) << 8
        }
        for flag in [UInt8(0x08), 0x10] where flags & flag != 0 {  // FNAME, FCOMMENT: zero-terminated
            while position < bytes.count && bytes[position] != 0 { position += 1 }
            position += 1
        }
        if flags & 0x02 != 0 { position += 2 }  // FHCRC
        guard position < bytes.count else { throw fail("truncated header", position) }
        let (data, end) = try Inflate.decompress(bytes, from: position, sizeHint: bytes.count * 4)
        guard end + 8 <= bytes.count else { throw fail("missing CRC-32 and size trailer", end) }
        let storedCRC = readLittleEndian32(bytes, end)
        let storedSize = readLittleEndian32(bytes, end + 4)
        guard CRC32.checksum(data) == storedCRC else { throw fail("CRC-32 mismatch: the file is corrupt", end) }
        guard UInt32(truncatingIfNeeded: data.count) == storedSize else { throw fail("length mismatch: the file is corrupt", end + 4) }
        output += data
        return end + 8
    }

    private static func readLittleEndian32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[at + $1]) << (8 * UInt32($1)) }
    }
}

