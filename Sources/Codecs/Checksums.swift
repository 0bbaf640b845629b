// CRC-32 (PNG chunks, the gzip trailer) and Adler-32 (the zlib stream of PNG files).
//
// References: ISO 3309 / ITU-T V.42 CRC-32 as used by PNG (RFC 2083, section 15; W3C PNG
// specification, annex D); Adler-32 in RFC 1950, section 8.2.

/// CRC-32 with the reflected polynomial `0xEDB88320`, initial value and final XOR `0xFFFFFFFF`:
///
/// ```
/// c = 0xFFFFFFFF
/// for each byte b: c = table[(c ^ b) & 0xFF] ^ (c >> 8)
/// crc = c ^ 0xFFFFFFFF
/// table[n] = n shifted right 8 times, XOR 0xEDB88320 after each shift that drops a 1 bit
/// ```
///
/// Known answers: `crc32("IEND") == 0xAE426082`, `crc32("123456789") == 0xCBF43926`.
public enum CRC32 {
    static let table: [UInt32] = (0..<256).map { (n: Int) -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    /// The CRC-32 of `bytes`, continuing from `crc` (the result of a previous call; 0 to start).
    public static func checksum<Bytes: Sequence>(_ bytes: Bytes, continuing crc: UInt32 = 0) -> UInt32 where Bytes.Element == UInt8 {
        var c = crc ^ 0xFFFF_FFFF
        for byte in bytes { c = table[Int((c ^ UInt32(byte)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }
}

/// Adler-32 (RFC 1950):
///
/// ```
/// a = 1 + sum of bytes          (mod 65521)
/// b = sum over prefixes of a    (mod 65521)
/// adler = b << 16 | a
/// ```
///
/// Known answer: `adler32("Wikipedia") == 0x11E60398`; the empty input gives 1.
public enum Adler32 {
    static let modulus: UInt32 = 65521

    public static func checksum<Bytes: Sequence>(_ bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        var a: UInt32 = 1, b: UInt32 = 0
        var pending = 0
        for byte in bytes {
            a += UInt32(byte)
            b += a
            pending += 1
            // 5552 bytes is the longest run for which b cannot overflow 32 bits (RFC 1950 / zlib's NMAX).
            if pending == 5552 { a %= modulus; b %= modulus; pending = 0 }
        }
        return (b % modulus) << 16 | (a % modulus)
    }
}
