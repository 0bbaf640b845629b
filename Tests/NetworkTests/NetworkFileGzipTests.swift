import Foundation
import XCTest

@testable import Network

/// Gzipped networks (VNN-COMP ships `.onnx.gz`): the fixture `test_sat.onnx.gz` is
/// `test_sat.onnx` compressed by GNU gzip (an independent compressor), so the oracle is the
/// plain file loaded without any decompression.
final class NetworkFileGzipTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/vnncomp")
    static let plain = fixtures.appendingPathComponent("vnncomp-test/test_sat.onnx").path
    static let gzipped = fixtures.appendingPathComponent("gzip/test_sat.onnx.gz").path

    func scratch(_ name: String, _ bytes: [UInt8]) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gzip-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    func testGzippedONNXLoadsLikeThePlainFile() throws {
        let expected = try NetworkFile.load(Self.plain)
        XCTAssertEqual(try NetworkFile.load(Self.gzipped), expected)
    }

    func testGzipIsToldByItsMagicNumberNotItsName() throws {
        // The same gzip bytes under a plain `.onnx` name: without decompression they would be
        // a protobuf error (the first byte 1f is the tag of field 3 with wire type 7).
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.gzipped)))
        let renamed = try scratch("model.onnx", bytes)
        XCTAssertEqual(try NetworkFile.load(renamed), try NetworkFile.load(Self.plain))
    }

    func testGzippedJSONLoadsByItsInnerExtension() throws {
        // A .json network gzipped by hand (``gzipStored``): `net.json.gz` is read as JSON.
        let json = #"{"input_shape": 2, "layers": [{"type": "dense", "weights": [[1, -2]], "bias": [0.5]}]}"#
        let plainPath = try scratch("net.json", Array(json.utf8))
        let gzipped = try gzipStored(Array(json.utf8))
        let gzipPath = try scratch("net.json.gz", gzipped)
        XCTAssertEqual(try NetworkFile.load(gzipPath), try NetworkFile.load(plainPath))
    }

    func testTruncatedGzipIsAOneLineErrorNamingTheFile() throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.gzipped)))
        for keep in [bytes.count - 4, bytes.count / 2, 12] {
            let path = try scratch("cut.onnx.gz", Array(bytes.prefix(keep)))
            XCTAssertThrowsError(try NetworkFile.load(path)) { error in
                let text = "\(error)"
                XCTAssertTrue(text.hasPrefix(path + ": gzip data"), text)
                XCTAssertTrue(text.contains("truncated or corrupt"), text)
                XCTAssertFalse(text.contains("\n"), text)
            }
        }
    }

    func testUnknownExtensionUnderGzIsNamed() throws {
        let path = try scratch("model.txt.gz", try gzipStored(Array("x".utf8)))
        XCTAssertThrowsError(try NetworkFile.load(path)) { error in
            XCTAssertTrue("\(error)".contains("unknown network format"), "\(error)")
        }
    }
}

/// A gzip file (RFC 1952) holding `payload` in one stored DEFLATE block: header `1f 8b 08 00`,
/// mtime 0, xfl 0, OS 255; block header byte 1 (final, stored), LEN and its complement
/// (little-endian), the bytes, then CRC-32 and length, little-endian. The CRC-32 is the
/// bitwise definition (reflected polynomial 0xEDB88320), written out here independently of
/// the table-driven one in Codecs.
func gzipStored(_ payload: [UInt8]) throws -> [UInt8] {
    precondition(payload.count < 65_536)
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in payload {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    crc ^= 0xFFFF_FFFF
    func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
    let length = UInt16(payload.count)
    return [0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xFF, 0x01,
            UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8(~length >> 8)]
        + payload + le32(crc) + le32(UInt32(payload.count))
}
