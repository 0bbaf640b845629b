import Foundation
import XCTest

import Network
@testable import Reporting
import Sampling

/// The classifier × generator-family table, checked against a brute-force count written here
/// (plain forward passes of C and G, one noise at a time, no batching, no CorrectnessEvaluator).
final class MatrixTableTests: XCTestCase {
    /// A second classifier that prefers class 1 a little: `y0 - y1 = 2.5 (x0 - x1) - 1`.
    static let biasedClassifier = """
    { "input_shape": [2], "layers": [ { "type": "dense", "weights": [[2, -0.5], [-0.5, 2]], "bias": [0.25, 1.25] } ] }
    """

    func writeMatrix(_ extra: String = "") throws -> String {
        let experiment = try TinyModels.write()
        let directory = (experiment as NSString).deletingLastPathComponent
        try Self.biasedClassifier.write(toFile: directory + "/biased.json", atomically: true, encoding: .utf8)
        let text = """
        { "comment": "rows in file order: zeta before alpha",
          "classifiers": { "zeta": "c.json", "alpha": "biased.json" },
          "generator_families": { "swapped": { "0": "g1.json", "1": "g0.json" }, "plain": { "0": "g0.json", "1": "g1.json" } },
          "eps": 0.1, "samples_per_class": 300, "seed": 9, "confidence": 0.95, "bound": "clopper-pearson"\(extra) }
        """
        let path = directory + "/matrix.json"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func bruteForceCorrect(classifier: String, generators: [Int: String], seed: UInt64, samples: Int) throws -> Int {
        let c = try NetworkFile.load(classifier)
        var correct = 0
        for (classIndex, path) in generators {
            let g = try NetworkFile.load(path)
            for i in 0..<samples {
                let noise = NoiseGenerator.noise(seed: seed, classIndex: classIndex, sampleIndex: i, dimension: 2)
                let logits = c.evaluate(g.evaluate(noise))
                if logits[classIndex] > logits[1 - classIndex] { correct += 1 }
            }
        }
        return correct
    }

    func testCellsMatchBruteForceAndKeepFileOrder() throws {
        let path = try writeMatrix()
        let matrix = try ExperimentMatrix.load(contentsOf: path)
        XCTAssertEqual(matrix.classifiers.map(\.name), ["zeta", "alpha"])
        XCTAssertEqual(matrix.families.map(\.name), ["swapped", "plain"])
        let table = try matrix.evaluate()
        let directory = (path as NSString).deletingLastPathComponent
        let families: [[Int: String]] = [[0: directory + "/g1.json", 1: directory + "/g0.json"],
                                         [0: directory + "/g0.json", 1: directory + "/g1.json"]]
        for (row, classifier) in ["c.json", "biased.json"].enumerated() {
            for (column, generators) in families.enumerated() {
                let cell = table.cells[row][column]
                let expected = try bruteForceCorrect(classifier: directory + "/" + classifier, generators: generators, seed: 9, samples: 300)
                XCTAssertEqual(cell.pooled.successes, expected, "cell \(row) \(column)")
                XCTAssertEqual(cell.pooled.trials, 600)
                XCTAssertLessThanOrEqual(cell.pooled.interval.lower, cell.pooled.estimate)
                XCTAssertGreaterThanOrEqual(cell.pooled.interval.upper, cell.pooled.estimate)
            }
        }
        // The swapped family generates the other class's images: nearly always wrong.
        XCTAssertLessThan(table.cells[0][0].pooled.estimate, 0.2)
        XCTAssertGreaterThan(table.cells[0][1].pooled.estimate, 0.8)
    }

    /// The robustness runs report progress per cell, in file order, and a cancellation ends
    /// the evaluation with ``TableInterruption`` naming the cell, its finished samples kept;
    /// evaluating again resumes and gives the uninterrupted table's counts.
    func testRobustnessProgressPerCellAndResumeAfterInterruption() throws {
        let matrix = try ExperimentMatrix.load(contentsOf: try writeMatrix())
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("matrix-\(UUID().uuidString)").path
        func options(_ name: String) -> RobustnessTableOptions {
            RobustnessTableOptions(directory: root + "/" + name, samplesPerClass: 3, jobs: 1)
        }
        var finishedCells: [String] = []
        var lines: [String] = []
        let full = try matrix.evaluate(samplesPerClass: 20, robustness: options("full"), progress: { lines.append($0) }) { cell, progress in
            if progress.finished {
                XCTAssertEqual(progress.done, 6, cell)
                finishedCells.append(cell)
            }
        }
        let cells = ["zeta x swapped", "zeta x plain", "alpha x swapped", "alpha x plain"]
        XCTAssertEqual(finishedCells, cells)
        XCTAssertEqual(lines.map { String($0.prefix { $0 != ":" }) }, cells)

        // Two samples into the second cell.
        let cancellation = RunCancellation(afterFinishedSamples: 8)
        XCTAssertThrowsError(try matrix.evaluate(samplesPerClass: 20, robustness: options("resumed"), cancellation: cancellation)) { error in
            guard let interruption = error as? TableInterruption else { return XCTFail("\(error)") }
            XCTAssertEqual(interruption.cell, "zeta__plain")
            XCTAssertEqual(interruption.plannedSamples, 6)
            XCTAssertTrue((2..<6).contains(interruption.finishedSamples), "\(interruption)")
            XCTAssertEqual(interruption.resultsFile, root + "/resumed/zeta__plain.jsonl")
            XCTAssertTrue(interruption.description.contains("again to resume"))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/resumed/alpha__swapped.jsonl"))
        let resumed = try matrix.evaluate(samplesPerClass: 20, robustness: options("resumed"))
        for (row, line) in full.cells.enumerated() {
            for (column, cell) in line.enumerated() {
                XCTAssertEqual(resumed.cells[row][column].robustness?.counts, cell.robustness?.counts, "\(row) \(column)")
            }
        }
    }

    /// `--row` / `--column`: the sub-table of the chosen cells, each equal to its cell of the
    /// whole table, with the same results file; unknown names are refused with the valid ones.
    func testSelectedRowsAndColumnsAreTheirCellsOfTheWholeTable() throws {
        let matrix = try ExperimentMatrix.load(contentsOf: try writeMatrix())
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("matrix-\(UUID().uuidString)").path
        let whole = try matrix.evaluate(samplesPerClass: 40)
        let part = try matrix.selecting(rows: ["alpha", "alpha"], columns: ["plain"])
        XCTAssertEqual(part.classifiers.map(\.name), ["alpha"])
        XCTAssertEqual(part.families.map(\.name), ["plain"])
        XCTAssertEqual(part.file, matrix.file)
        let table = try part.evaluate(samplesPerClass: 40, robustness: RobustnessTableOptions(directory: directory, samplesPerClass: 2, jobs: 1))
        XCTAssertEqual(table.cells.count, 1)
        XCTAssertEqual(table.cells[0].count, 1)
        XCTAssertEqual(table.cells[0][0].pooled, whole.cells[1][1].pooled)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".jsonl") }, ["alpha__plain.jsonl"])
        let header = try String(contentsOfFile: directory + "/alpha__plain.jsonl", encoding: .utf8).prefix { $0 != "\n" }
        XCTAssertTrue(header.contains("matrix.json (cell alpha x plain)"), String(header))
        // Every column of one row, and every row of one column, in file order.
        XCTAssertEqual(try matrix.selecting(rows: ["zeta"], columns: []).families.map(\.name), ["swapped", "plain"])
        XCTAssertEqual(try matrix.selecting(rows: [], columns: ["plain"]).classifiers.map(\.name), ["zeta", "alpha"])
        XCTAssertThrowsError(try matrix.selecting(rows: ["beta"], columns: [])) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("--row \"beta\"") && text.contains("\"zeta\", \"alpha\""), text)
        }
        XCTAssertThrowsError(try matrix.selecting(rows: [], columns: ["alpha"])) { error in
            XCTAssertTrue("\(error)".contains("--column \"alpha\""), "\(error)")
        }
    }

    func testSamplesOverrideAndTestSetColumn() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("matrix-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        // Test set: x = (0.9, 0.1) labelled 0 is right for c.json, (0.1, 0.9) labelled 1 too, (0.6, 0.4) labelled 1 is wrong.
        try "label,a,b\n0,0.9,0.1\n1,0.1,0.9\n1,0.6,0.4\n".write(to: dir.appendingPathComponent("test.csv"), atomically: true, encoding: .utf8)
        let path = try writeMatrix(", \"test_set\": {\"csv\": \"\(dir.path)/test.csv\", \"pixel_scale\": 1}")
        let table = try ExperimentMatrix.load(contentsOf: path).evaluate(samplesPerClass: 50)
        XCTAssertEqual(table.cells[0][0].pooled.trials, 100)
        XCTAssertEqual(table.testAccuracy?[0].successes, 2)
        XCTAssertEqual(table.testAccuracy?[0].trials, 3)
    }

    func testBadMatricesNameTheField() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("matrix-bad-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let cases: [(String, String)] = [
            ("{\"generator_families\": {\"a\": {\"0\": \"g.json\"}}, \"eps\": 0.1}", "field \"classifiers\""),
            ("{\"classifiers\": {\"a\": \"c.json\"}, \"generator_families\": {\"a\": {\"0\": \"g.json\"}}, \"eps\": 0.1, \"colour\": 1}", "key \"colour\""),
            ("{\"classifiers\": {\"a\": \"c.json\"}, \"generator_families\": {\"a\": {\"0\": \"g.json\"}}, \"eps\": -1}", "field \"eps\""),
            ("{\"classifiers\": {\"a\": \"c.json\"}, \"generator_families\": {\"a\": {\"0\": \"g.json\"}}, \"eps\": 0.1, \"test_set\": {\"images\": \"x\"}}", "field \"test_set\""),
        ]
        for (text, place) in cases {
            let path = dir.appendingPathComponent("m.json").path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            XCTAssertThrowsError(try ExperimentMatrix.load(contentsOf: path)) { error in
                XCTAssertTrue("\(error)".contains(place), "\(error) should name \(place)")
                XCTAssertTrue("\(error)".contains("m.json"), "\(error)")
            }
        }
    }
}
