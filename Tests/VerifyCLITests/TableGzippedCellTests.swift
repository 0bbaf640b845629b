import Codecs
import Foundation
import Sampling
import XCTest

/// `verify table --robustness DIR` with cells kept as `ROW__COLUMN.jsonl.gz`, as the committed
/// example results are: a finished cell is read as it is (the same table as from its plain
/// copy, nothing written), an unfinished or corrupt one is a one-line error, never a cell
/// started over.
final class TableGzippedCellTests: XCTestCase {
    /// The gzip member of `bytes` (RFC 1952: header, raw deflate data, CRC-32, length).
    static func gzip(_ bytes: [UInt8]) -> [UInt8] {
        let crc = CRC32.checksum(bytes)
        let size = UInt32(truncatingIfNeeded: bytes.count)
        let littleEndian = { (value: UInt32) in (0..<4).map { UInt8((value >> (8 * UInt32($0))) & 0xFF) } }
        return [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF] + Deflate.deflate(bytes) + littleEndian(crc) + littleEndian(size)
    }

    /// Replaces the plain cell file `path` by `path.gz` holding its header and first `keep` records.
    static func compress(_ path: String, keeping keep: Int? = nil) throws {
        let file = try ResultsFile.read(path)
        try FileManager.default.removeItem(atPath: path)
        let plain = path + ".tmp"
        try ResultsFile.write(plain, header: file.header, records: Array(file.records.prefix(keep ?? file.records.count)))
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: plain)))
        try FileManager.default.removeItem(atPath: plain)
        try Data(gzip(bytes)).write(to: URL(fileURLWithPath: path + ".gz"))
    }

    func tableArguments(_ matrix: String, _ results: String) -> [String] {
        ["table", matrix, "--samples", "20", "--robustness", results, "--robust-samples", "3", "--format", "csv", "--jobs", "1"]
    }

    func testFinishedGzippedCellsGiveTheTableOfTheirPlainCopies() throws {
        let dir = temporaryDirectory()
        let matrix = try TableCommandTests.writeMatrix(in: dir)
        let results = dir.appendingPathComponent("runs").path
        let plain = try runVerify(tableArguments(matrix, results))
        XCTAssertEqual(plain.status, 0, plain.stderr)
        for family in ["own", "shifted"] { try Self.compress(results + "/digits__\(family).jsonl") }
        let compressed = try Data(contentsOf: URL(fileURLWithPath: results + "/digits__own.jsonl.gz"))

        let again = try runVerify(tableArguments(matrix, results))
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(again.stdout, plain.stdout)
        XCTAssertEqual(again.stdout.split(separator: "\n").count, 3, again.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: results + "/digits__own.jsonl"), "a gzipped cell is not started over")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: results + "/digits__own.jsonl.gz")), compressed)

        // Another claim (more samples per class) is refused, as a resume would refuse it.
        var more = tableArguments(matrix, results)
        more[more.firstIndex(of: "--robust-samples")! + 1] = "4"
        let refused = try runVerify(more)
        XCTAssertEqual(refused.status, 2, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("digits__own.jsonl.gz"), refused.stderr)
    }

    /// `verify archive` then gzip, as the committed cells are kept: the same table and summary
    /// as from the full cells, and the archive is a small fraction of the cell.
    func testArchivedGzippedCellsGiveTheSameTableAndSummary() throws {
        let dir = temporaryDirectory()
        let matrix = try TableCommandTests.writeMatrix(in: dir)
        let results = dir.appendingPathComponent("runs").path
        let plain = try runVerify(tableArguments(matrix, results))
        XCTAssertEqual(plain.status, 0, plain.stderr)
        let cell = results + "/digits__own.jsonl"
        let summary = try runVerify(["summary", cell])
        XCTAssertFalse(summary.stdout.isEmpty, summary.stderr)
        for family in ["own", "shifted"] {
            let path = results + "/digits__\(family).jsonl", archive = dir.appendingPathComponent("\(family).archive.jsonl").path
            let archived = try runVerify(["archive", path, archive])
            XCTAssertEqual(archived.status, 0, archived.stderr)
            XCTAssertTrue(archived.stdout.contains("archived 30 samples"), archived.stdout)
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: archive)))
            for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n").dropFirst() {
                let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                XCTAssertNil(object["noise"], "a record leaves its noise out")
            }
            XCTAssertLessThan(bytes.count, try Data(contentsOf: URL(fileURLWithPath: path)).count)
            try FileManager.default.removeItem(atPath: path)
            try Data(Self.gzip(bytes)).write(to: URL(fileURLWithPath: path + ".gz"))
        }
        let again = try runVerify(tableArguments(matrix, results))
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(again.stdout, plain.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: cell), "an archived cell is read, not started over")
        let archivedSummary = try runVerify(["summary", cell + ".gz"])
        XCTAssertEqual(archivedSummary.status, summary.status, archivedSummary.stderr)
        XCTAssertEqual(archivedSummary.stdout.replacingOccurrences(of: cell + ".gz", with: cell), summary.stdout)

        // An existing OUT is kept unless --force.
        let existing = dir.appendingPathComponent("own.archive.jsonl").path
        let refused = try runVerify(["archive", cell + ".gz", existing])
        XCTAssertEqual(refused.status, 2, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("--force"), refused.stderr)
    }

    func testUnfinishedOrCorruptGzippedCellIsAOneLineErrorNotStartedOver() throws {
        let dir = temporaryDirectory()
        let matrix = try TableCommandTests.writeMatrix(in: dir)
        let results = dir.appendingPathComponent("runs").path
        XCTAssertEqual(try runVerify(tableArguments(matrix, results)).status, 0)
        try Self.compress(results + "/digits__own.jsonl", keeping: 29)
        let unfinished = try runVerify(tableArguments(matrix, results))
        XCTAssertEqual(unfinished.status, 2, unfinished.stderr)
        let lines = unfinished.stderr.split(separator: "\n").filter { $0.hasPrefix("error: ") }
        XCTAssertEqual(lines.count, 1, unfinished.stderr)
        XCTAssertTrue(lines[0].contains("digits__own.jsonl.gz") && lines[0].contains("unfinished") && lines[0].contains("gunzip -k"),
                      unfinished.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: results + "/digits__own.jsonl"))

        try Data([0x1F, 0x8B]).write(to: URL(fileURLWithPath: results + "/digits__own.jsonl.gz"))
        let corrupt = try runVerify(tableArguments(matrix, results))
        XCTAssertEqual(corrupt.status, 2, corrupt.stderr)
        XCTAssertTrue(corrupt.stderr.contains("digits__own.jsonl.gz"), corrupt.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: results + "/digits__own.jsonl"))
    }
}
