import Foundation
import XCTest

import Network
@testable import Reporting

/// Runs python3 with `script`, feeding `input` on stdin; returns stdout, or nil without python3.
func runPython(_ script: String, input: [UInt8] = []) throws -> [UInt8]? {
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

/// IDX and CSV test sets written by the tests themselves (big-endian headers built by hand).
final class LabelledDatasetTests: XCTestCase {
    static func idx(type: UInt8, shape: [Int], payload: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = [0, 0, type, UInt8(shape.count)]
        for size in shape { bytes += [UInt8(size >> 24 & 0xFF), UInt8(size >> 16 & 0xFF), UInt8(size >> 8 & 0xFF), UInt8(size & 0xFF)] }
        return bytes + payload
    }

    func directory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("datasets-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    func testIDXImagesAndLabelsPlainAndGzipped() throws {
        let dir = try directory()
        let pixels: [UInt8] = (0..<(5 * 3 * 2)).map { UInt8($0 * 8) }
        let images = Self.idx(type: 0x08, shape: [5, 3, 2], payload: pixels)
        let labels = Self.idx(type: 0x08, shape: [5], payload: [3, 1, 4, 1, 5])
        try Data(images).write(to: dir.appendingPathComponent("images.idx"))
        try Data(labels).write(to: dir.appendingPathComponent("labels.idx"))
        let set = try LabelledDataset.idx(images: dir.appendingPathComponent("images.idx").path,
                                          labels: dir.appendingPathComponent("labels.idx").path)
        XCTAssertEqual(set.count, 5)
        XCTAssertEqual(set.dimension, 6)
        XCTAssertEqual(set.labels, [3, 1, 4, 1, 5])
        XCTAssertEqual(set.images[7], 56.0 / 255.0)
        guard let gzipped = try runPython("import sys, gzip; sys.stdout.buffer.write(gzip.compress(sys.stdin.buffer.read()))", input: images) else {
            throw XCTSkip("python3 is not installed")
        }
        try Data(gzipped).write(to: dir.appendingPathComponent("images.idx.gz"))
        let again = try LabelledDataset.idx(images: dir.appendingPathComponent("images.idx.gz").path,
                                            labels: dir.appendingPathComponent("labels.idx").path)
        XCTAssertEqual(again.images, set.images)
    }

    func testIDXValueTypes() throws {
        let floats = [Float(1.5), -2.25].flatMap { value -> [UInt8] in
            let bits = value.bitPattern
            return [UInt8(bits >> 24), UInt8(bits >> 16 & 0xFF), UInt8(bits >> 8 & 0xFF), UInt8(bits & 0xFF)]
        }
        XCTAssertEqual(try IDXFile.parse(Self.idx(type: 0x0D, shape: [2], payload: floats), file: "f").values, [1.5, -2.25])
        XCTAssertEqual(try IDXFile.parse(Self.idx(type: 0x09, shape: [2], payload: [0xFF, 0x7F]), file: "s").values, [-1, 127])
        XCTAssertEqual(try IDXFile.parse(Self.idx(type: 0x0B, shape: [1], payload: [0xFF, 0xFE]), file: "h").values, [-2])
    }

    func testBadIDXFilesNameTheProblem() throws {
        XCTAssertThrowsError(try IDXFile.parse([1, 2, 3], file: "x.idx")) { XCTAssertTrue("\($0)".contains("x.idx: does not start with the IDX magic")) }
        XCTAssertThrowsError(try IDXFile.parse(Self.idx(type: 0x08, shape: [2, 2], payload: [1, 2, 3]), file: "y.idx")) {
            XCTAssertTrue("\($0)".contains("has 15 bytes but its header [2, 2]"), "\($0)")
        }
        XCTAssertThrowsError(try IDXFile.parse(Self.idx(type: 0x07, shape: [1], payload: [1]), file: "z.idx")) {
            XCTAssertTrue("\($0)".contains("unknown IDX value type 0x07"), "\($0)")
        }
        let dir = try directory()
        try Data(Self.idx(type: 0x08, shape: [2, 2], payload: [1, 2, 3, 4])).write(to: dir.appendingPathComponent("i"))
        try Data(Self.idx(type: 0x08, shape: [3], payload: [1, 2, 3])).write(to: dir.appendingPathComponent("l"))
        XCTAssertThrowsError(try LabelledDataset.idx(images: dir.appendingPathComponent("i").path, labels: dir.appendingPathComponent("l").path)) {
            XCTAssertTrue("\($0)".contains("has 2 images but"), "\($0)")
        }
    }

    func testCSVWithHeaderAndErrors() throws {
        let dir = try directory()
        let good = dir.appendingPathComponent("t.csv")
        try "label,p0,p1\n1,0,255\n0,51,102\n".write(to: good, atomically: true, encoding: .utf8)
        let set = try LabelledDataset.csv(good.path)
        XCTAssertEqual(set.labels, [1, 0])
        XCTAssertEqual(set.images, [0, 1, 0.2, 0.4])
        let bad = dir.appendingPathComponent("b.csv")
        try "1,0,255\n0,51\n".write(to: bad, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try LabelledDataset.csv(bad.path)) { XCTAssertTrue("\($0)".contains("line 2: has 1 values, earlier lines have 2"), "\($0)") }
    }

    /// Accuracy against a brute-force count with a hand-made 2-class classifier `y = (x0, x1)`.
    func testAccuracyCountsTiesAsErrors() throws {
        let identity = try NeuralNetwork(inputShape: [2], layers: [.affine(AffineLayer(inputSize: 2, outputSize: 2, weights: [1, 0, 0, 1], bias: [0, 0]))])
        let set = LabelledDataset(images: [0.9, 0.1, 0.2, 0.8, 0.5, 0.5, 0.7, 0.3], labels: [0, 1, 0, 1], dimension: 2)
        XCTAssertEqual(try set.correctCount(of: identity), 2)  // third is a tie, fourth is wrong
        let foreign = LabelledDataset(images: [0.9, 0.1], labels: [2], dimension: 2)
        XCTAssertThrowsError(try foreign.correctCount(of: identity)) { XCTAssertTrue("\($0)".contains("label 2 of image 0"), "\($0)") }
    }
}
