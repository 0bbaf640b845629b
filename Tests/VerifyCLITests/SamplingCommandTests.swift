import Foundation
import XCTest

/// The sampling commands driven through the built binary on the shipped digits models, with
/// few samples, four classes and eps 0.01 so that debug builds stay fast.
final class SamplingCommandTests: XCTestCase {
    let experiment = "examples/digits/experiment.json"
    /// Classes 0, 1, 8, 9 (class 1 has a NOT ROBUST sample among its first ones at eps 0.01).
    let small = ["--generator", "0=examples/digits/generator_0.onnx", "--generator", "1=examples/digits/generator_1.onnx",
                 "--generator", "8=examples/digits/generator_8.onnx", "--generator", "9=examples/digits/generator_9.onnx",
                 "--eps", "0.01", "--samples", "3", "--quiet"]

    /// The timing-free part of every sample line, sorted by index.
    func verdicts(_ path: String) throws -> [String] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var rows: [(Int, String)] = []
        for line in text.split(separator: "\n").dropFirst() {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            let index = object["index"] as! Int
            let cx = (object["counterexample"] as? [String: Any]).map { "\($0["noise"]!) \($0["logits"]!)" } ?? "-"
            rows.append((index, "\(index) \(object["class"]!) \(object["sample"]!) \(object["noise"]!) \(object["verdict"]!) \(object["method"] ?? "-") \(cx)"))
        }
        return rows.sorted { $0.0 < $1.0 }.map(\.1)
    }

    func testVerdictsAreIdenticalForJobsShardsAndResume() throws {
        let directory = temporaryDirectory()
        let one = directory.appendingPathComponent("one.jsonl").path
        let two = directory.appendingPathComponent("two.jsonl").path
        let shard0 = directory.appendingPathComponent("s0.jsonl").path
        let shard1 = directory.appendingPathComponent("s1.jsonl").path
        let merged = directory.appendingPathComponent("merged.jsonl").path

        let first = try runVerify(["robustness", experiment, "--results", one, "--jobs", "1"] + small)
        XCTAssertNotEqual(first.status, 2, first.stderr)
        XCTAssertTrue(first.stdout.contains("union bound"), first.stdout)
        XCTAssertTrue(first.stdout.contains("alpha_c = alpha / 4"), first.stdout)
        let second = try runVerify(["robustness", experiment, "--results", two, "--jobs", "2"] + small)
        XCTAssertEqual(second.status, first.status, second.stderr)
        let reference = try verdicts(one)
        XCTAssertEqual(reference.count, 12)
        XCTAssertEqual(try verdicts(two), reference)
        XCTAssertTrue(reference.contains { $0.contains(" not_robust ") }, "expected a counterexample among \(reference)")

        for (shard, path) in [("0/2", shard0), ("1/2", shard1)] {
            let result = try runVerify(["robustness", experiment, "--results", path, "--jobs", "1", "--shard", shard] + small)
            XCTAssertNotEqual(result.status, 2, result.stderr)
        }
        XCTAssertEqual(try verdicts(shard0).count, 6)
        let merge = try runVerify(["merge", merged, shard0, shard1])
        XCTAssertEqual(merge.status, 0, merge.stderr)
        XCTAssertEqual(try verdicts(merged), reference)

        // The summary of the merged shards equals the statistics of the single run.
        let summary = try runVerify(["summary", merged])
        XCTAssertEqual(summary.status, first.status, summary.stderr)
        let table = { (text: String) in text.split(separator: "\n").filter { $0.hasPrefix("all ") || $0.first?.isNumber == true }.map(String.init) }
        XCTAssertEqual(table(summary.stdout), table(first.stdout))

        // Merging overlapping files is refused.
        let overlap = try runVerify(["merge", directory.appendingPathComponent("bad.jsonl").path, one, shard0])
        XCTAssertEqual(overlap.status, 2)
        XCTAssertTrue(overlap.stderr.contains("overlap"), overlap.stderr)
    }

    func testInterruptedRunResumesToTheSameVerdicts() throws {
        let directory = temporaryDirectory()
        let reference = directory.appendingPathComponent("reference.jsonl").path
        let resumed = directory.appendingPathComponent("resumed.jsonl").path
        var arguments = small
        arguments[arguments.firstIndex(of: "--samples")! + 1] = "5"
        let full = try runVerify(["robustness", experiment, "--results", reference, "--jobs", "2"] + arguments)
        XCTAssertNotEqual(full.status, 2, full.stderr)

        // Start, wait for a few finished samples, send SIGINT.
        let process = Process()
        process.executableURL = try verifyExecutable()
        process.arguments = ["robustness", experiment, "--results", resumed, "--jobs", "1"] + arguments
        process.currentDirectoryURL = repositoryRoot
        let err = Pipe()
        process.standardOutput = Pipe()
        process.standardError = err
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, process.isRunning {
            let lines = (try? String(contentsOfFile: resumed, encoding: .utf8))?.split(separator: "\n").count ?? 0
            if lines >= 4 { break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        process.interrupt()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let partial = try verdicts(resumed)
        if process.terminationStatus == 3 && stderr.contains("interrupted") {
            XCTAssertTrue(stderr.contains("resume with:"), stderr)
            XCTAssertTrue(stderr.contains("--resume"), stderr)
            XCTAssertLessThan(partial.count, 20)
        }
        // Without --resume an existing file is refused.
        let refused = try runVerify(["robustness", experiment, "--results", resumed, "--jobs", "1"] + arguments)
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.stderr.contains("--resume"), refused.stderr)
        let finished = try runVerify(["robustness", experiment, "--results", resumed, "--jobs", "2", "--resume"] + arguments)
        XCTAssertEqual(finished.status, full.status, finished.stderr)
        XCTAssertEqual(try verdicts(resumed), try verdicts(reference))
    }

    func testTruncatedLastLineIsDiscardedOnResume() throws {
        let directory = temporaryDirectory()
        let path = directory.appendingPathComponent("r.jsonl").path
        var arguments = small
        arguments[arguments.firstIndex(of: "--samples")! + 1] = "2"
        let full = try runVerify(["robustness", experiment, "--results", path, "--jobs", "2"] + arguments)
        XCTAssertNotEqual(full.status, 2, full.stderr)
        let reference = try verdicts(path)
        XCTAssertEqual(reference.count, 8)
        // Cut the file in the middle of its last line.
        var data = try Data(contentsOf: URL(fileURLWithPath: path))
        data.removeLast(40)
        try data.write(to: URL(fileURLWithPath: path))
        let summary = try runVerify(["summary", path])
        XCTAssertTrue(summary.stderr.contains("partially written"), summary.stderr)
        XCTAssertTrue(summary.stdout.contains("7 records"), summary.stdout)
        let resumed = try runVerify(["robustness", experiment, "--results", path, "--resume", "--jobs", "1"] + arguments)
        XCTAssertEqual(resumed.status, full.status, resumed.stderr)
        XCTAssertTrue(resumed.stderr.contains("partially written"), resumed.stderr)
        XCTAssertTrue(resumed.stdout.contains("1 new samples (7 resumed)"), resumed.stdout)
        XCTAssertEqual(try verdicts(path), reference)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(text.hasSuffix("}\n"))
        XCTAssertEqual(text.split(separator: "\n").count, 9)
    }

    func testResultsOfAnotherExperimentAreRefused() throws {
        let directory = temporaryDirectory()
        let path = directory.appendingPathComponent("r.jsonl").path
        let other = directory.appendingPathComponent("other.jsonl").path
        var arguments = small
        arguments[arguments.firstIndex(of: "--samples")! + 1] = "1"
        XCTAssertNotEqual(try runVerify(["robustness", experiment, "--results", path, "--jobs", "1"] + arguments).status, 2)
        // Another eps is another experiment: refused on resume...
        var changed = arguments
        changed[changed.firstIndex(of: "--eps")! + 1] = "0.02"
        let resume = try runVerify(["robustness", experiment, "--results", path, "--resume"] + changed)
        XCTAssertEqual(resume.status, 2)
        XCTAssertTrue(resume.stderr.contains("different experiment"), resume.stderr)
        XCTAssertTrue(resume.stderr.contains("eps differs"), resume.stderr)
        XCTAssertEqual(resume.stderr.split(separator: "\n").count, 1, resume.stderr)
        // ... and on merge.
        XCTAssertNotEqual(try runVerify(["robustness", experiment, "--results", other, "--jobs", "1"] + changed).status, 2)
        let merge = try runVerify(["merge", directory.appendingPathComponent("m.jsonl").path, path, other])
        XCTAssertEqual(merge.status, 2)
        XCTAssertTrue(merge.stderr.contains("belongs to experiment") && merge.stderr.contains("eps differs"), merge.stderr)
        // The same experiment and settings: resume accepted (StatisticsSettingsCommandTests
        // covers changed settings).
        let same = try runVerify(["robustness", experiment, "--results", path, "--resume"] + arguments)
        XCTAssertNotEqual(same.status, 2, same.stderr)
        XCTAssertTrue(same.stdout.contains("0 new samples (4 resumed)"), same.stdout)
    }

    func testCorrectnessPrintsCountsConfusionAndVerdict() throws {
        let directory = temporaryDirectory()
        let json = directory.appendingPathComponent("c.json").path
        let result = try runVerify(["correctness", experiment, "--samples", "200", "--json", json])
        XCTAssertTrue([0, 1, 3].contains(result.status), result.stderr)
        XCTAssertTrue(result.stdout.contains("union bound"), result.stdout)
        XCTAssertTrue(result.stdout.contains("confusion"), result.stdout)
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as! [String: Any]
        let report = object["report"] as! [String: Any]
        let classes = report["classes"] as! [[String: Any]]
        XCTAssertEqual(classes.count, 10)
        var listed = 0
        for entry in classes {
            XCTAssertEqual(entry["samples"] as? Int, 200)
            XCTAssertEqual((entry["confusion"] as! [Int]).reduce(0, +), 200)
            let misclassified = entry["misclassified"] as! [[String: Any]]
            XCTAssertEqual(misclassified.count, 200 - (entry["correct"] as! Int))
            for sample in misclassified {
                XCTAssertNotEqual(sample["predicted"] as? Int, entry["class"] as? Int)
                XCTAssertLessThanOrEqual(sample["margin"] as! Double, 0)
                listed += 1
                if listed == 1 {  // the first one is printed in the confusion lines
                    XCTAssertTrue(result.stdout.contains("samples \(sample["index"] as! Int)"), result.stdout)
                }
            }
        }
        XCTAssertGreaterThan(listed, 0, "the sample must exercise misclassified samples")
    }

    /// `--jobs` sets the worker threads; with 2,500 samples per class (two batches of
    /// ``CorrectnessEvaluator/batchSize`` per class) the per-class counts, confusion and
    /// misclassified lists (in index order) must not depend on it. `--jobs 0` is refused.
    func testCorrectnessCountsDoNotDependOnJobs() throws {
        let directory = temporaryDirectory()
        var classes: [NSArray] = []
        for jobs in ["1", "3"] {
            let json = directory.appendingPathComponent("c\(jobs).json").path
            let result = try runVerify(["correctness", experiment, "--samples", "2500", "--jobs", jobs, "--json", json])
            XCTAssertTrue([0, 1, 3].contains(result.status), result.stderr)
            let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as! [String: Any]
            classes.append((object["report"] as! [String: Any])["classes"] as! NSArray)
        }
        XCTAssertEqual(classes[0], classes[1])
        let bad = try runVerify(["correctness", experiment, "--samples", "10", "--jobs", "0"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("--jobs"), bad.stderr)
    }

    func testPlanPrintsHoeffdingAndClopperPearsonSampleSizes() throws {
        let result = try runVerify(["plan", "--delta", "0.01", "--precision", "0.01", "--confidence", "0.999"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("Hoeffding:       34539 samples per class"), result.stdout)
        XCTAssertTrue(result.stdout.contains("Clopper-Pearson: 688 samples per class"), result.stdout)
        let bad = try runVerify(["plan", "--delta", "0.01", "--precision", "0.5"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("--precision"), bad.stderr)
    }

    func testExperimentErrorsAreOneLineNamingFileAndField() throws {
        let directory = temporaryDirectory()
        let cases: [(String, String)] = [
            ("{\"classifier\": \"c.onnx\", \"generators\": {\"0\": \"g.onnx\"}, \"eps\": 0.1, \"epsilon\": 1}", "key \"epsilon\""),
            ("{\"generators\": {\"0\": \"g.onnx\"}, \"eps\": 0.1}", "field \"classifier\""),
            ("{\"classifier\": \"c.onnx\", \"generators\": {\"0\": \"g.onnx\"}, \"eps\": 0.1, \"bound\": \"wilson\"}", "field \"bound\""),
            ("{\"classifier\": \"c.onnx\", \"generators\": {\"0\": \"g.onnx\"}, \"eps\": -1}", "field \"eps\""),
            ("{\"classifier\": \"c.onnx\", \"generators\": {\"zero\": \"g.onnx\"}, \"eps\": 0.1}", "key \"zero\""),
            ("{\"classifier\": \"c.onnx\", \"eps\": 0.1", "not valid JSON"),
        ]
        for (index, (text, expected)) in cases.enumerated() {
            let path = directory.appendingPathComponent("e\(index).json").path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let result = try runVerify(["correctness", path])
            XCTAssertEqual(result.status, 2, text)
            XCTAssertTrue(result.stderr.contains(path), result.stderr)
            XCTAssertTrue(result.stderr.contains(expected), "\(expected) not in \(result.stderr)")
            XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
        }
        let missing = try runVerify(["robustness", experiment, "--quiet"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("--results"), missing.stderr)
    }
}
