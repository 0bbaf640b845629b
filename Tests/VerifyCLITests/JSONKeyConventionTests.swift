import Foundation
import XCTest

/// Every JSON file the tool writes uses one key convention, snake_case: results lines,
/// `--json` summaries of robustness, summary and correctness, the table, the attack pair.
final class JSONKeyConventionTests: XCTestCase {
    /// Every object key of a JSON value, recursively, with its path.
    static func keys(_ value: Any, path: String = "$") -> [(path: String, key: String)] {
        if let object = value as? [String: Any] {
            return object.flatMap { key, inner in [(path, key)] + keys(inner, path: "\(path).\(key)") }
        }
        if let array = value as? [Any] {
            return array.enumerated().flatMap { keys($1, path: "\(path)[\($0)]") }
        }
        return []
    }

    /// Keys that are data rather than field names (class labels, network names) are exempt
    /// only when they are digits or the shipped network names, which are snake_case anyway.
    static func assertSnakeCase(_ file: String, _ data: Data, line: UInt = #line) throws {
        let value = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        let all = keys(value)
        XCTAssertFalse(all.isEmpty, file, line: line)
        for (path, key) in all where key.range(of: "^[a-z0-9_]+$", options: .regularExpression) == nil {
            XCTFail("\(file): key '\(key)' at \(path) is not snake_case", line: line)
        }
    }

    func testEveryJSONOutputHasSnakeCaseKeys() throws {
        let dir = temporaryDirectory()
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        let experiment = "examples/digits/experiment.json"
        let small = ["--generator", "0=examples/digits/generator_0.onnx", "--generator", "1=examples/digits/generator_1.onnx",
                     "--eps", "0.05", "--samples", "3", "--quiet"]

        let robustness = try runVerify(["robustness", experiment, "--results", path("r.jsonl"), "--json", path("robustness.json")] + small)
        XCTAssertNotEqual(robustness.status, 2, robustness.stderr)
        let summary = try runVerify(["summary", path("r.jsonl"), "--json", path("summary.json")])
        XCTAssertNotEqual(summary.status, 2, summary.stderr)
        let correctness = try runVerify(["correctness", experiment, "--samples", "20", "--json", path("correctness.json")])
        XCTAssertNotEqual(correctness.status, 2, correctness.stderr)
        let attack = try runVerify(["attack", experiment, "--class", "1", "--method", "blackbox", "--samples", "20", "--json", path("pair.json")])
        XCTAssertNotEqual(attack.status, 2, attack.stderr)
        let table = try runVerify(["table", try TableCommandTests.writeMatrix(in: dir), "--samples", "20", "--json", path("table.json")])
        XCTAssertEqual(table.status, 0, table.stderr)

        // The black-box attack finds a pair for class 1 among its first 20 samples (exit 1).
        XCTAssertEqual(attack.status, 1, attack.stdout)
        for name in ["robustness.json", "summary.json", "correctness.json", "table.json", "pair.json"] {
            try Self.assertSnakeCase(name, Data(contentsOf: URL(fileURLWithPath: path(name))))
        }
        for line in try String(contentsOfFile: path("r.jsonl"), encoding: .utf8).split(separator: "\n") {
            try Self.assertSnakeCase("r.jsonl", Data(line.utf8))
        }
    }
}
