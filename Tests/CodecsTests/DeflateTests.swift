import XCTest

@testable import Codecs
import Support

/// The deflate compressor; its output is decoded by our ``Inflate`` (itself checked against
/// Python's zlib in InflateTests) and by Python's zlib through the PNG tests.
final class DeflateTests: XCTestCase {
    func testStoredFallbackBoundsTheSizeOfIncompressibleData() {
        var generator = SplitMix64(seed: 3)
        let data = (0..<70_000).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        let deflated = Deflate.deflate(data)
        XCTAssertLessThanOrEqual(deflated.count, data.count + 5 * 2)
        XCTAssertEqual(deflated.count, Deflate.stored(data).count)
    }

    func testRepetitiveDataCompresses() {
        let data = [UInt8](repeating: 7, count: 10_000) + Array("abcabcabc".utf8)
        XCTAssertLessThan(Deflate.deflate(data).count, 200)
    }

    /// Every compressed form decodes back to its input with ``Inflate``: empty, one byte,
    /// long runs (length 258, distance 1), a small alphabet (many matches at many distances),
    /// and incompressible data over 65535 bytes (stored blocks, two of them). The zlib form
    /// adds the `78 01` header and the Adler-32 of the input, big-endian.
    func testInflateRecoversEveryInput() throws {
        var generator = SplitMix64(seed: 4)
        let inputs: [[UInt8]] = [
            [], [42],
            [UInt8](repeating: 0, count: 1_000) + Array("abcabcabcd".utf8),
            (0..<20_000).map { _ in UInt8(truncatingIfNeeded: generator.next() % 4) + 97 },
            (0..<70_000).map { _ in UInt8(truncatingIfNeeded: generator.next()) },
        ]
        for input in inputs {
            XCTAssertEqual(try Inflate.decompress(Deflate.deflate(input)).output, input, "\(input.count) bytes")
            let zlib = Deflate.zlib(input)
            XCTAssertEqual(Array(zlib.prefix(2)), [0x78, 0x01])
            let (output, end) = try Inflate.decompress(zlib, from: 2)
            XCTAssertEqual(output, input, "zlib of \(input.count) bytes")
            let adler = Adler32.checksum(input)
            XCTAssertEqual(Array(zlib[end...]), [UInt8(adler >> 24), UInt8((adler >> 16) & 0xFF),
                                                 UInt8((adler >> 8) & 0xFF), UInt8(adler & 0xFF)])
        }
    }
}
