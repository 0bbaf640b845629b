import Foundation
import XCTest

/// `verify table` on the shipped digits models: the text, CSV and JSON outputs agree with each
/// other and with `verify correctness` / `verify summary` run on the equivalent experiments.
final class TableCommandTests: XCTestCase {
    static func writeMatrix(in directory: URL, extra: String = "") throws -> String {
        let digits = repositoryRoot.appendingPathComponent("examples/digits").path
        let own = (0..<10).map { "\"\($0)\": \"\(digits)/generator_\($0).onnx\"" }.joined(separator: ", ")
        let shifted = (0..<10).map { "\"\($0)\": \"\(digits)/generator_\(($0 + 1) % 10).onnx\"" }.joined(separator: ", ")
        let text = """
        { "classifiers": { "digits": "\(digits)/classifier.onnx" },
          "generator_families": { "own": { \(own) }, "shifted": { \(shifted) } },
          "eps": 0.05, "samples_per_class": 200, "seed": 3, "confidence": 0.99, "delta": 0.05, "bound": "clopper-pearson"\(extra) }
        """
        let path = directory.appendingPathComponent("matrix.json").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func testTextCSVAndJSONAgreeWithCorrectness() throws {
        let dir = temporaryDirectory()
        let matrix = try Self.writeMatrix(in: dir)
        let csvPath = dir.appendingPathComponent("t.csv").path
        let jsonPath = dir.appendingPathComponent("t.json").path
        let result = try runVerify(["table", matrix, "--csv", csvPath, "--json", jsonPath])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("digits"), result.stdout)
        XCTAssertTrue(result.stdout.contains("own") && result.stdout.contains("shifted"), result.stdout)
        let lines = try String(contentsOfFile: csvPath, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        XCTAssertEqual(lines.count, 3)
        let own = lines[1], shifted = lines[2]
        XCTAssertEqual(own[1], "own")
        XCTAssertEqual(own[2], "2000")
        // Generators of the next digit are almost never classified as this digit.
        XCTAssertLessThan(Double(shifted[4])!, 0.2)

        // The same cell as an experiment file, through 'verify correctness --json'.
        let digits = repositoryRoot.appendingPathComponent("examples/digits").path
        let generators = (0..<10).map { "\"\($0)\": \"\(digits)/generator_\($0).onnx\"" }.joined(separator: ", ")
        let experiment = dir.appendingPathComponent("e.json").path
        try "{\"classifier\": \"\(digits)/classifier.onnx\", \"generators\": {\(generators)}, \"eps\": 0.05, \"samples_per_class\": 200, \"seed\": 3, \"delta\": 0.05, \"confidence\": 0.99, \"bound\": \"clopper-pearson\"}"
            .write(toFile: experiment, atomically: true, encoding: .utf8)
        let summaryPath = dir.appendingPathComponent("c.json").path
        let correctness = try runVerify(["correctness", experiment, "--json", summaryPath])
        XCTAssertNotEqual(correctness.status, 2, correctness.stderr)
        let summary = try JSONSerializationFreeNumbers.correctCounts(summaryPath)
        XCTAssertEqual(summary.reduce(0, +), Int(own[3])!)
        XCTAssertEqual(own[7], correctness.status == 0 ? "HOLDS" : correctness.status == 1 ? "FAILS" : "INCONCLUSIVE")

        let json = try JSONDecoder().decode(TableJSON.self, from: Data(contentsOf: URL(fileURLWithPath: jsonPath)))
        XCTAssertEqual(json.classifiers, ["digits"])
        XCTAssertEqual(json.families, ["own", "shifted"])
        XCTAssertEqual(json.cells[0][1].pooled.successes, Int(shifted[3])!)
    }

    func testRobustnessColumnMatchesItsResultsFile() throws {
        let dir = temporaryDirectory()
        let matrix = try Self.writeMatrix(in: dir)
        let results = dir.appendingPathComponent("runs").path
        let result = try runVerify(["table", matrix, "--samples", "20", "--robustness", results, "--robust-samples", "3", "--format", "csv", "--jobs", "1"])
        XCTAssertEqual(result.status, 0, result.stderr)
        // Each cell: its correctness line, then its robustness run's last progress line (a log, not a terminal).
        for family in ["own", "shifted"] {
            let correctLine = result.stderr.range(of: "table: digits x \(family): ")
            let progressLine = result.stderr.range(of: "progress: table: digits x \(family) robustness: 30/30 samples")
            XCTAssertNotNil(correctLine, result.stderr)
            XCTAssertNotNil(progressLine, result.stderr)
            if let correctLine, let progressLine { XCTAssertLessThan(correctLine.lowerBound, progressLine.lowerBound) }
        }
        // A cell file cut in its last line (a hard kill while writing): the line is recomputed, and said so.
        let cut = results + "/digits__own.jsonl"
        var data = try Data(contentsOf: URL(fileURLWithPath: cut))
        data.removeLast(30)
        try data.write(to: URL(fileURLWithPath: cut))
        let quiet = try runVerify(["table", matrix, "--samples", "20", "--robustness", results, "--robust-samples", "3", "--jobs", "1", "--quiet", "--format", "csv"])
        XCTAssertEqual(quiet.status, 0, quiet.stderr)
        XCTAssertFalse(quiet.stderr.contains("progress:"), quiet.stderr)
        XCTAssertTrue(quiet.stderr.contains("table: note: \(cut) ended in a partially written line"), quiet.stderr)
        XCTAssertEqual(quiet.stdout, result.stdout)
        let rows = result.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        XCTAssertEqual(rows.count, 2)
        for row in rows {
            let file = results + "/digits__\(row[1]).jsonl"
            let records = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").dropFirst()
            XCTAssertEqual(records.count, 30)
            let robust = records.filter { $0.contains("\"verdict\":\"robust\"") }.count
            XCTAssertEqual(Int(row[16]), robust, "robust count of \(row[1])")
        }
    }

    /// `--row` / `--column` print the table of the chosen cells only, and refuse unknown names.
    func testRowAndColumnSelectCells() throws {
        let dir = temporaryDirectory()
        let matrix = try Self.writeMatrix(in: dir)
        let whole = try runVerify(["table", matrix, "--samples", "20", "--format", "csv"])
        let part = try runVerify(["table", matrix, "--samples", "20", "--format", "csv", "--column", "shifted", "--row", "digits"])
        XCTAssertEqual(part.status, 0, part.stderr)
        let wholeLines = whole.stdout.split(separator: "\n"), partLines = part.stdout.split(separator: "\n")
        XCTAssertEqual(partLines.count, 2)
        XCTAssertEqual(partLines[1], wholeLines[2])
        let unknown = try runVerify(["table", matrix, "--column", "Shifted"])
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.stderr.contains("--column \"Shifted\"") && unknown.stderr.contains("\"own\", \"shifted\""), unknown.stderr)
    }

    func testBadInputExitsTwo() throws {
        let dir = temporaryDirectory()
        let matrix = try Self.writeMatrix(in: dir)
        XCTAssertEqual(try runVerify(["table", matrix, "--format", "xml"]).status, 2)
        XCTAssertEqual(try runVerify(["table", matrix, "--eps", "0.1"]).status, 2)
        let missing = try runVerify(["table", dir.appendingPathComponent("none.json").path])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("none.json"), missing.stderr)
        let badTest = try Self.writeMatrix(in: dir, extra: ", \"test_set\": {\"images\": \"nope.idx\", \"labels\": \"nope-labels.idx\"}")
        let result = try runVerify(["table", badTest])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("nope.idx"), result.stderr)
    }
}

private struct TableJSON: Decodable {
    struct Cell: Decodable {
        struct Pooled: Decodable { var successes: Int }
        var pooled: Pooled
    }
    var classifiers: [String]
    var families: [String]
    var cells: [[Cell]]
}

/// Reads the per-class correct counts of a `verify correctness --json` summary.
private enum JSONSerializationFreeNumbers {
    struct Summary: Decodable {
        struct Report: Decodable {
            struct Class: Decodable { var correct: Int }
            var classes: [Class]
        }
        var report: Report
    }

    static func correctCounts(_ path: String) throws -> [Int] {
        try JSONDecoder().decode(Summary.self, from: Data(contentsOf: URL(fileURLWithPath: path))).report.classes.map(\.correct)
    }
}
