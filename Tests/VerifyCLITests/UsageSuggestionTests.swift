import Foundation
import Sampling
import XCTest

/// `-h` works for every subcommand, mistyped names get a "did you mean", and two processes
/// never write the same results file.
final class UsageSuggestionTests: XCTestCase {
    /// The subcommand names as the top-level help lists them.
    func subcommandNames() throws -> [String] {
        let help = try runVerify(["--help"])
        let lines = help.stdout.split(separator: "\n").map(String.init)
        guard let start = lines.firstIndex(of: "subcommands:") else { XCTFail(help.stdout); return [] }
        return lines[(start + 1)...].prefix { $0.hasPrefix("  ") }.map { String($0.dropFirst(2).prefix { $0 != " " }) }
    }

    func testShortHelpPrintsTheSameHelpAsLongHelpForEverySubcommand() throws {
        let names = try subcommandNames()
        XCTAssertGreaterThan(names.count, 10, "\(names)")
        for name in names {
            let short = try runVerify([name, "-h"])
            let long = try runVerify([name, "--help"])
            XCTAssertEqual(short.status, 0, "\(name): \(short.stderr)")
            XCTAssertTrue(short.stdout.contains("usage: verify \(name)"), "\(name): \(short.stdout)")
            XCTAssertEqual(short.stdout, long.stdout, name)
            XCTAssertTrue(short.stdout.contains("-h, --help"), name)
        }
    }

    func testMistypedNamesGetTheClosestKnownName() throws {
        let cases: [([String], String)] = [
            (["robustnes", "x.json"], "unknown subcommand 'robustnes'; did you mean 'robustness'?"),
            (["local", "--epz", "0.1"], "unknown option '--epz'; did you mean '--eps'?"),
            (["local", "-eps", "0.1"], "unknown option '-eps'; did you mean '--eps'?"),
            (["robustness", "x.json", "--resul", "r.jsonl"], "unknown option '--resul'; did you mean '--results'?"),
        ]
        for (arguments, expected) in cases {
            let result = try runVerify(arguments)
            XCTAssertEqual(result.status, 2, "\(arguments)")
            XCTAssertTrue(result.stderr.contains(expected), "\(arguments): \(result.stderr)")
            XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, "one line: \(result.stderr)")
        }
        // Nothing close: no guess.
        let far = try runVerify(["local", "--frobnicate"])
        XCTAssertEqual(far.status, 2)
        XCTAssertFalse(far.stderr.contains("did you mean"), far.stderr)
    }

    func testRobustnessAndMergeRefuseAResultsFileAnotherProcessWrites() throws {
        let directory = temporaryDirectory()
        let results = directory.appendingPathComponent("r.jsonl").path
        let merged = directory.appendingPathComponent("m.jsonl").path
        let small = ["--generator", "0=examples/digits/generator_0.onnx", "--generator", "1=examples/digits/generator_1.onnx",
                     "--eps", "0.01", "--samples", "2", "--quiet"]
        let first = try runVerify(["robustness", "examples/digits/experiment.json", "--results", results] + small)
        XCTAssertNotEqual(first.status, 2, first.stderr)
        let before = try Data(contentsOf: URL(fileURLWithPath: results))

        for (path, arguments) in [(results, ["robustness", "examples/digits/experiment.json", "--results", results, "--resume"] + small),
                                  (merged, ["merge", merged, results])] {
            let lock = try ResultsLock.acquire(for: path)
            let refused = try runVerify(arguments)
            XCTAssertEqual(refused.status, 2, refused.stdout)
            XCTAssertTrue(refused.stderr.contains("is being written by process \(getpid())"), refused.stderr)
            lock.release()
            let admitted = try runVerify(arguments)
            XCTAssertNotEqual(admitted.status, 2, admitted.stderr)
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: results)), before, "resuming a finished run changes nothing")
    }
}
