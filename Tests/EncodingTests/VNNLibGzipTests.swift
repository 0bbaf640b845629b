import Foundation
import XCTest

@testable import Encoding

/// Gzipped properties (VNN-COMP ships `.vnnlib.gz`): `gzip/test_prop.vnnlib.gz` is
/// `vnncomp-test/test_prop.vnnlib` compressed by GNU gzip, so the oracle is the plain file.
final class VNNLibGzipTests: XCTestCase {
    func testGzippedPropertyParsesLikeThePlainFile() throws {
        let plain = try VNNLibParser.parse(contentsOf: vnnlibFixture("vnncomp-test/test_prop.vnnlib"))
        var gzipped = try VNNLibParser.parse(contentsOf: vnnlibFixture("gzip/test_prop.vnnlib.gz"))
        XCTAssertEqual(gzipped.fileName, vnnlibFixture("gzip/test_prop.vnnlib.gz"))
        gzipped.fileName = plain.fileName
        XCTAssertEqual(gzipped, plain)
        XCTAssertEqual(plain.inputCount, 5)
    }

    func testTruncatedGzipIsAOneLineReadErrorNamingTheFile() throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: vnnlibFixture("gzip/test_prop.vnnlib.gz")))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vnnlib-gzip-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("cut.vnnlib.gz").path
        try bytes.prefix(bytes.count - 6).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try VNNLibParser.parse(contentsOf: path)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix(path + ":"), text)
            XCTAssertTrue(text.contains("not valid gzip data"), text)
            XCTAssertFalse(text.contains("\n"), text)
        }
    }
}
