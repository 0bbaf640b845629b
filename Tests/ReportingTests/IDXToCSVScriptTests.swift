import Foundation
import XCTest

@testable import Reporting

/// `examples/mnist/idx_to_csv.py`, the converter that lets the training scripts read IDX files a
/// user brings (Fashion-MNIST, full MNIST): on a small synthetic IDX pair (one file gzipped)
/// its CSV rows are the pixel bytes then the label, and they agree with what `verify`'s own
/// IDX reader (``LabelledDataset``) reads from the same files. Skipped without python3.
final class IDXToCSVScriptTests: XCTestCase {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples/mnist/idx_to_csv.py").path

    func run(_ arguments: [String]) throws -> (status: Int32, stderr: String) {
        let candidates = ["/usr/bin/python3", "/usr/local/bin/python3", "/root/.pyenv/shims/python3"]
        guard let python = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw XCTSkip("python3 is not installed")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [Self.script] + arguments
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    func testRowsArePixelsThenLabelAndMatchTheSwiftReader() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("idx2csv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let pixels: [UInt8] = [0, 1, 254, 255, 10, 20, 30, 40, 128, 7, 7, 0]   // 3 images of 2x2
        let images = LabelledDatasetTests.idx(type: 0x08, shape: [3, 2, 2], payload: pixels)
        let labels = LabelledDatasetTests.idx(type: 0x08, shape: [3], payload: [9, 0, 4])
        try Data(images).write(to: dir.appendingPathComponent("images"))
        guard let gzipped = try runPython("import sys, gzip; sys.stdout.buffer.write(gzip.compress(sys.stdin.buffer.read()))", input: labels) else {
            throw XCTSkip("python3 is not installed")
        }
        try Data(gzipped).write(to: dir.appendingPathComponent("labels.gz"))
        let out = dir.appendingPathComponent("out.csv").path
        let paths = [dir.appendingPathComponent("images").path, dir.appendingPathComponent("labels.gz").path]
        let result = try run([out] + paths + paths)   // two pairs: concatenated
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").map(String.init)
        let once = ["0,1,254,255,9", "10,20,30,40,0", "128,7,7,0,4"]
        XCTAssertEqual(lines, once + once)

        let set = try LabelledDataset.idx(images: paths[0], labels: paths[1])
        for (index, line) in once.enumerated() {
            let values = line.split(separator: ",").compactMap { Double($0) }
            XCTAssertEqual(Array(values.dropLast()), set.images[(index * 4)..<((index + 1) * 4)].map { ($0 * 255).rounded() })
            XCTAssertEqual(Int(values.last!), set.labels[index])
        }
    }

    func testMismatchedLabelsExitTwoNamingTheFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("idx2csv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data(LabelledDatasetTests.idx(type: 0x08, shape: [2, 2, 2], payload: [UInt8](repeating: 1, count: 8))).write(to: dir.appendingPathComponent("i"))
        try Data(LabelledDatasetTests.idx(type: 0x08, shape: [3], payload: [1, 2, 3])).write(to: dir.appendingPathComponent("l"))
        let result = try run([dir.appendingPathComponent("o.csv").path, dir.appendingPathComponent("i").path, dir.appendingPathComponent("l").path])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("/l: [3] labels for the 2 images of"), result.stderr)
        XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
    }
}
