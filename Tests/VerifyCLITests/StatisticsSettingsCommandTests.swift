import Foundation
import XCTest

/// The statistical settings (delta, confidence, bound, samples per class, stop-early) are
/// fixed by the first run of a results file: `robustness --resume` and `merge` refuse other
/// values (exit 2, one line), `summary` recomputes with them only as EXPLORATORY (exit 4).
final class StatisticsSettingsCommandTests: XCTestCase {
    let experiment = "examples/digits/experiment.json"
    /// Two classes, one sample each: the digits experiment records delta 0.05, confidence
    /// 0.99, clopper-pearson (its file) and 1 sample per class (the flag).
    let small = ["--generator", "0=examples/digits/generator_0.onnx", "--generator", "1=examples/digits/generator_1.onnx",
                 "--eps", "0.01", "--samples", "1", "--quiet", "--jobs", "1"]

    func testResumeRefusesEveryChangedSettingAndAcceptsTheRecordedOnes() throws {
        let path = temporaryDirectory().appendingPathComponent("r.jsonl").path
        let first = try runVerify(["robustness", experiment, "--results", path] + small)
        XCTAssertNotEqual(first.status, 2, first.stderr)
        let header = try XCTUnwrap(try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").first)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(header.utf8)) as? [String: Any])
        XCTAssertEqual(object["delta"] as? Double, 0.05)
        XCTAssertEqual(object["confidence"] as? Double, 0.99)
        XCTAssertEqual(object["bound"] as? String, "clopper-pearson")
        XCTAssertEqual(object["samples_per_class"] as? Int, 1)
        XCTAssertNil(object["stop_early"])

        let cases: [([String], String)] = [
            (["--delta", "0.1"], "records delta 0.05, this run requests 0.1"),
            (["--confidence", "0.9"], "records confidence 0.99, this run requests 0.9"),
            (["--bound", "hoeffding"], "records bound clopper-pearson, this run requests hoeffding"),
            (["--samples", "2"], "records samples per class 1, this run requests 2"),
            (["--stop-early"], "records stop-early off, this run requests on"),
        ]
        for (flags, expected) in cases {
            var arguments = small
            if flags[0] == "--samples" { arguments[arguments.firstIndex(of: "--samples")! + 1] = flags[1] } else { arguments += flags }
            let resumed = try runVerify(["robustness", experiment, "--results", path, "--resume"] + arguments)
            XCTAssertEqual(resumed.status, 2, "\(flags): \(resumed.stderr)")
            XCTAssertEqual(resumed.stderr.split(separator: "\n").count, 1, resumed.stderr)
            XCTAssertTrue(resumed.stderr.contains(path + ": header: " + expected), resumed.stderr)
            XCTAssertTrue(resumed.stderr.contains("start a new results file"), resumed.stderr)
        }
        // Giving the recorded values explicitly is accepted.
        let same = try runVerify(["robustness", experiment, "--results", path, "--resume", "--delta", "0.05",
                                  "--confidence", "0.99", "--bound", "clopper-pearson"] + small)
        XCTAssertEqual(same.status, first.status, same.stderr)
        XCTAssertTrue(same.stdout.contains("0 new samples (2 resumed)"), same.stdout)
    }

    func testSummaryWithOtherSettingsIsExploratoryAndMergeRefusesThem() throws {
        let directory = temporaryDirectory()
        let path = directory.appendingPathComponent("r.jsonl").path
        let first = try runVerify(["robustness", experiment, "--results", path] + small)
        XCTAssertNotEqual(first.status, 2, first.stderr)

        let plain = try runVerify(["summary", path])
        XCTAssertEqual(plain.status, first.status, plain.stderr)
        XCTAssertFalse(plain.stdout.contains("EXPLORATORY"), plain.stdout)
        let recorded = try runVerify(["summary", path, "--delta", "0.05", "--bound", "clopper-pearson"])
        XCTAssertEqual(recorded.status, first.status, recorded.stderr)
        XCTAssertFalse(recorded.stdout.contains("EXPLORATORY"), recorded.stdout)

        let json = directory.appendingPathComponent("summary.json").path
        for flags in [["--delta", "0.5"], ["--confidence", "0.5"], ["--bound", "hoeffding"], ["--samples", "2"]] {
            let changed = try runVerify(["summary", path, "--json", json] + flags)
            XCTAssertEqual(changed.status, 4, "\(flags): \(changed.stderr)")
            XCTAssertTrue(changed.stdout.contains("EXPLORATORY"), changed.stdout)
            XCTAssertTrue(changed.stderr.contains("do NOT carry the stated statistical guarantee"), changed.stderr)
            let summary = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any])
            let exploratory = try XCTUnwrap(summary["exploratory"] as? [[String: Any]])
            XCTAssertEqual(exploratory.count, 1)
        }
        let delta = try runVerify(["summary", path, "--delta", "0.5"])
        XCTAssertTrue(delta.stdout.contains("delta 0.5 instead of the recorded 0.05"), delta.stdout)

        // Shards run with different sample sizes are not one claim: merge refuses them.
        let shard0 = directory.appendingPathComponent("s0.jsonl").path
        let shard1 = directory.appendingPathComponent("s1.jsonl").path
        XCTAssertNotEqual(try runVerify(["robustness", experiment, "--results", shard0, "--shard", "0/2"] + small).status, 2)
        var more = small
        more[more.firstIndex(of: "--samples")! + 1] = "2"
        XCTAssertNotEqual(try runVerify(["robustness", experiment, "--results", shard1, "--shard", "1/2"] + more).status, 2)
        let merge = try runVerify(["merge", directory.appendingPathComponent("m.jsonl").path, shard0, shard1])
        XCTAssertEqual(merge.status, 2, merge.stderr)
        XCTAssertEqual(merge.stderr.split(separator: "\n").count, 1, merge.stderr)
        XCTAssertTrue(merge.stderr.contains("\(shard1): header: records samples per class 2, but \(shard0) records 1"), merge.stderr)
        let summary = try runVerify(["summary", shard0, shard1])
        XCTAssertEqual(summary.status, 2, summary.stderr)
    }

    func testTopLevelHelpListsTheExploratoryExitCode() throws {
        let help = try runVerify(["--help"])
        XCTAssertTrue(help.stdout.contains("4 exploratory statistics"), help.stdout)
        let summary = try runVerify(["summary", "--help"])
        XCTAssertTrue(summary.stdout.contains("4 exploratory"), summary.stdout)
    }

    func testSummaryOfAnUnfinishedRunIsExploratory() throws {
        let path = temporaryDirectory().appendingPathComponent("r.jsonl").path
        var arguments = small
        arguments[arguments.firstIndex(of: "--samples")! + 1] = "2"
        let full = try runVerify(["robustness", experiment, "--results", path] + arguments)
        XCTAssertNotEqual(full.status, 2, full.stderr)
        let finished = try runVerify(["summary", path])
        XCTAssertEqual(finished.status, full.status, finished.stderr)
        XCTAssertFalse(finished.stdout.contains("EXPLORATORY"), finished.stdout)
        // Drop the last complete record (global index 3: class 1, sample 1).
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        try (lines.dropLast().joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let unfinished = try runVerify(["summary", path])
        XCTAssertEqual(unfinished.status, 4, unfinished.stderr)
        XCTAssertTrue(unfinished.stdout.contains("EXPLORATORY: unfinished run (class 1 1 of 2 planned samples counted)"), unfinished.stdout)
    }
}
