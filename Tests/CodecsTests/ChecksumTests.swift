import XCTest

@testable import Codecs

/// CRC-32 and Adler-32 against their published check values and their definitions.
final class ChecksumTests: XCTestCase {
    func testChecksumsMatchPublishedValues() {
        XCTAssertEqual(CRC32.checksum(Array("IEND".utf8)), 0xAE42_6082)
        XCTAssertEqual(CRC32.checksum(Array("123456789".utf8)), 0xCBF4_3926)
        XCTAssertEqual(CRC32.checksum([UInt8]()), 0)
        XCTAssertEqual(CRC32.checksum(Array("6789".utf8), continuing: CRC32.checksum(Array("12345".utf8))), 0xCBF4_3926)
        XCTAssertEqual(Adler32.checksum(Array("Wikipedia".utf8)), 0x11E6_0398)
        XCTAssertEqual(Adler32.checksum([UInt8]()), 1)
    }

    func testAdlerDoesNotOverflowOnLongRunsOfMaxBytes() {
        // Oracle: the definition with a modulus after every byte.
        let data = [UInt8](repeating: 255, count: 100_000)
        var a: UInt64 = 1, b: UInt64 = 0
        for byte in data { a = (a + UInt64(byte)) % 65521; b = (b + a) % 65521 }
        XCTAssertEqual(Adler32.checksum(data), UInt32(b << 16 | a))
    }
}
