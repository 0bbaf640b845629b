// A PNG writer for 8-bit grayscale and RGB images.
//
// Reference: W3C, "Portable Network Graphics (PNG) Specification (Second Edition)",
// ISO/IEC 15948:2003 (chunks, filters, CRC); zlib stream from ``Deflate``.

import Foundation
import Codecs

/// Encodes a ``RasterImage`` as a PNG file:
///
/// ```
/// 89 50 4E 47 0D 0A 1A 0A                               signature
/// IHDR  width, height (u32 BE), bit depth 8, colour type 0 (gray) or 2 (RGB), 0, 0, 0
/// IDAT  zlib(for each row: filter byte, filtered row)
/// IEND
/// chunk = length (u32 BE) | type | data | CRC-32(type | data) (u32 BE)
/// ```
///
/// Each row gets the filter among None (0), Sub (1), Up (2) and Paeth (4) with the smallest
/// sum of `|signed residual|` (the heuristic of the PNG specification, section 12.8).
public enum PNGEncoder {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// The PNG file of `image`.
    public static func encode(_ image: RasterImage) -> [UInt8] {
        var header = [UInt8]()
        header += bigEndian(UInt32(image.width))
        header += bigEndian(UInt32(image.height))
        header += [8, image.channels == 1 ? 0 : 2, 0, 0, 0]
        var file = signature
        file += chunk("IHDR", header)
        file += chunk("IDAT", Deflate.zlib(filteredRows(image)))
        file += chunk("IEND", [])
        return file
    }

    /// Writes the PNG of `image` to `path` through a temporary file in the same directory and
    /// a rename, so a reader never sees a partial file.
    /// - Throws: ``PictureError/unwritable(file:reason:)``.
    public static func write(_ image: RasterImage, to path: String) throws {
        try PictureFile.writeAtomically(encode(image), to: path)
    }

    /// One chunk: length, type, data, CRC over type and data.
    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typeBytes = Array(type.utf8)
        let crc = CRC32.checksum(data, continuing: CRC32.checksum(typeBytes))
        return bigEndian(UInt32(data.count)) + typeBytes + data + bigEndian(crc)
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }

    /// The scanlines, each prefixed with its filter type. With `a` the byte one pixel to the
    /// left, `b` the byte above, `c` the byte above-left (0 outside the image):
    ///
    /// ```
    /// Sub: x - a      Up: x - b      Paeth: x - paeth(a, b, c)     (mod 256)
    /// paeth: p = a + b - c; the one of a, b, c closest to p (ties: a, then b)
    /// ```
    static func filteredRows(_ image: RasterImage) -> [UInt8] {
        let stride = image.width * image.channels
        let bpp = image.channels
        var result = [UInt8]()
        result.reserveCapacity((stride + 1) * image.height)
        let zeros = [UInt8](repeating: 0, count: stride)
        for y in 0..<image.height {
            let row = Array(image.pixels[(y * stride)..<((y + 1) * stride)])
            let above = y == 0 ? zeros : Array(image.pixels[((y - 1) * stride)..<(y * stride)])
            var best: (type: UInt8, bytes: [UInt8], cost: Int)?
            for type: UInt8 in [0, 1, 2, 4] {
                var filtered = [UInt8](repeating: 0, count: stride)
                var cost = 0
                for i in 0..<stride {
                    let a = i >= bpp ? row[i - bpp] : 0
                    let b = above[i]
                    let c = i >= bpp ? above[i - bpp] : 0
                    let predictor: UInt8
                    switch type {
                    case 1: predictor = a
                    case 2: predictor = b
                    case 4: predictor = paeth(a, b, c)
                    default: predictor = 0
                    }
                    let value = row[i] &- predictor
                    filtered[i] = value
                    cost += value < 128 ? Int(value) : 256 - Int(value)
                }
                if best == nil || cost < best!.cost { best = (type, filtered, cost) }
            }
            result.append(best!.type)
            result += best!.bytes
        }
        return result
    }

    static func paeth(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> UInt8 {
        let p = Int(a) + Int(b) - Int(c)
        let pa = abs(p - Int(a)), pb = abs(p - Int(b)), pc = abs(p - Int(c))
        if pa <= pb && pa <= pc { return a }
        return pb <= pc ? b : c
    }
}

/// Errors writing picture files.
public enum PictureError: Error, CustomStringConvertible, Equatable {
    /// The file could not be written.
    case unwritable(file: String, reason: String)

    public var description: String {
        switch self {
        case let .unwritable(file, reason):
            return "\(file): cannot write the picture (\(reason)); check that the directory exists and is writable"
        }
    }
}

/// Writing files so that they appear complete or not at all.
enum PictureFile {
    /// Writes `bytes` to `path.tmp-<pid>` and renames it to `path`.
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        let temporary = path + ".tmp-\(ProcessInfo.processInfo.processIdentifier)"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(bytes)) else {
            throw PictureError.unwritable(file: path, reason: "cannot create \(temporary)")
        }
        if rename(temporary, path) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: temporary)
            throw PictureError.unwritable(file: path, reason: reason)
        }
    }
}
