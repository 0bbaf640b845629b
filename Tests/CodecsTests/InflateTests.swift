import Foundation
import XCTest

@testable import Codecs

/// Runs python3 with `script`, feeding `input` on stdin; returns stdout, or nil without python3.
func pythonOutput(_ script: String, input: [UInt8] = []) throws -> [UInt8]? {
    let candidates = ["/usr/bin/python3", "/usr/local/bin/python3", "/root/.pyenv/shims/python3"]
    guard let python = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return nil }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = ["-c", script]
    let stdin = Pipe(), stdout = Pipe()
    process.standardInput = stdin
    process.standardOutput = stdout
    try process.run()
    let writer = Thread { stdin.fileHandleForWriting.write(Data(input)); try? stdin.fileHandleForWriting.close() }
    writer.start()
    let output = stdout.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw NSError(domain: "python3 failed with status \(process.terminationStatus)", code: 1) }
    return [UInt8](output)
}

/// A 64-bit linear congruential generator (Knuth's MMIX constants) for test payloads; the
/// high bits are used, the low ones have short periods.
struct TestGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state
    }
}

/// Inflate and gzip are checked against Python's zlib (an independent compressor) on data of
/// every kind: empty, incompressible, runs, text, at levels 0 (stored blocks), 1 and 9
/// (fixed and dynamic Huffman blocks).
final class InflateTests: XCTestCase {
    static func payloads() -> [[UInt8]] {
        var rng = TestGenerator(state: 42)
        let random = (0..<70_000).map { _ in UInt8(truncatingIfNeeded: rng.next() >> 56) }
        let runs = (0..<50_000).map { UInt8(($0 / 300) % 7) }
        let text = Array(String(repeating: "global robustness of C∘G, eps = 0.05; ", count: 900).utf8)
        let small = (0..<300).map { _ in UInt8(truncatingIfNeeded: (rng.next() >> 60) % 4) }
        return [[], [7], random, runs, text, small]
    }

    func testGzipOfPythonMatchesAtEveryLevel() throws {
        for (index, payload) in Self.payloads().enumerated() {
            for level in [0, 1, 6, 9] {
                let script = "import sys, gzip; sys.stdout.buffer.write(gzip.compress(sys.stdin.buffer.read(), compresslevel=\(level)))"
                guard let compressed = try pythonOutput(script, input: payload) else { throw XCTSkip("python3 is not installed") }
                XCTAssertEqual(try Gzip.decompress(compressed), payload, "payload \(index) level \(level)")
            }
        }
    }

    func testRawDeflateWithSmallWindowsAndStrategies() throws {
        // Strategy 2 = Z_HUFFMAN_ONLY, 3 = Z_RLE, 4 = Z_FIXED; wbits -9 = raw deflate, 512-byte window.
        for payload in Self.payloads() {
            for strategy in [0, 2, 3, 4] {
                let script = "import sys, zlib; c = zlib.compressobj(9, zlib.DEFLATED, -9, 9, \(strategy)); "
                    + "sys.stdout.buffer.write(c.compress(sys.stdin.buffer.read()) + c.flush())"
                guard let compressed = try pythonOutput(script, input: payload) else { throw XCTSkip("python3 is not installed") }
                let (output, end) = try Inflate.decompress(compressed)
                XCTAssertEqual(output, payload, "strategy \(strategy)")
                XCTAssertEqual(end, compressed.count)
            }
        }
    }

    func testHandMadeStoredBlock() throws {
        // BFINAL=1, BTYPE=00, LEN=3, NLEN=~3, "abc".
        let stream: [UInt8] = [0x01, 0x03, 0x00, 0xFC, 0xFF, 0x61, 0x62, 0x63]
        XCTAssertEqual(try Inflate.decompress(stream).output, Array("abc".utf8))
    }

    func testCorruptionIsAnError() throws {
        let script = "import sys, gzip; sys.stdout.buffer.write(gzip.compress(b'0123456789' * 1000))"
        guard var compressed = try pythonOutput(script) else { throw XCTSkip("python3 is not installed") }
        XCTAssertThrowsError(try Gzip.decompress(Array(compressed.prefix(compressed.count - 5))))
        compressed[compressed.count - 8] ^= 0x01  // CRC-32
        XCTAssertThrowsError(try Gzip.decompress(compressed)) { error in
            XCTAssertTrue("\(error)".contains("CRC-32"), "\(error)")
        }
        XCTAssertThrowsError(try Inflate.decompress([0x07]))  // block type 3
    }
}
