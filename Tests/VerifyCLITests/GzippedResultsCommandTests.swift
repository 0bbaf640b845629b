import Foundation
import Sampling
import XCTest

/// The committed example results are gzipped (`ROW__COLUMN.jsonl.gz`): `verify summary`
/// (and `merge`, `report`, which read through the same ``ResultsFile/read(_:)``) take them
/// as they are; resuming one is refused, since a gzip file cannot be appended to.
final class GzippedResultsCommandTests: XCTestCase {
    /// `paper_small` x clipped simple GAN at eps 0.03, 10 per class: 71 robust, 0 not, 29 unknown.
    static let committed = "examples/mnist/paper/robustness/eps0.03/paper_small__simple GAN (clip).jsonl.gz"

    func testSummaryReadsTheGzippedFileAsItsPlainCopy() throws {
        let file = try ResultsFile.read(repositoryRoot.appendingPathComponent(Self.committed).path)
        XCTAssertTrue(file.isGzipped)
        XCTAssertEqual(file.records.count, 100)
        XCTAssertEqual(file.records.filter { $0.verdict == .robust }.count, 71)
        let plain = temporaryDirectory().appendingPathComponent("plain.jsonl").path
        try ResultsFile.write(plain, header: file.header, records: file.records)
        XCTAssertFalse(try ResultsFile.read(plain).isGzipped)

        let compressed = try runVerify(["summary", Self.committed])
        let uncompressed = try runVerify(["summary", plain])
        XCTAssertNotEqual(compressed.status, 2, compressed.stderr)
        XCTAssertEqual(compressed.status, uncompressed.status)
        XCTAssertEqual(compressed.stdout.replacingOccurrences(of: Self.committed, with: "FILE"),
                       uncompressed.stdout.replacingOccurrences(of: plain, with: "FILE"))
        XCTAssertTrue(compressed.stdout.contains("100"), compressed.stdout)
    }

    func testACorruptGzippedFileIsAOneLineError() throws {
        let bytes = try Data(contentsOf: repositoryRoot.appendingPathComponent(Self.committed))
        let truncated = temporaryDirectory().appendingPathComponent("cut.jsonl.gz")
        try bytes.prefix(4000).write(to: truncated)
        let result = try runVerify(["summary", truncated.path])
        XCTAssertEqual(result.status, 2)
        let lines = result.stderr.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains(truncated.path) && result.stderr.contains("does not decompress"), result.stderr)
    }

    func testResumingAGzippedFileIsRefusedAndLeavesItUntouched() throws {
        let original = try Data(contentsOf: repositoryRoot.appendingPathComponent(Self.committed))
        let copy = temporaryDirectory().appendingPathComponent("cell.jsonl.gz")
        try original.write(to: copy)
        let result = try runVerify(["robustness", "examples/mnist/experiment_paper_simple_clip.json", "--eps", "0.03",
                                    "--samples", "10", "--results", copy.path, "--resume", "--quiet"])
        XCTAssertEqual(result.status, 2, result.stderr)
        let last = result.stderr.split(separator: "\n").last.map(String.init) ?? ""
        XCTAssertTrue(last.contains(copy.path) && last.contains("is gzip-compressed") && last.contains("gunzip -c"), result.stderr)
        XCTAssertEqual(try Data(contentsOf: copy), original)
    }
}
