import Foundation
import XCTest

/// `verify robustness` with Z3 leaves in leaf-worker processes (`--leaf-process on`, the
/// default) and in-process: the same records and experiment hash.
final class LeafProcessRobustnessTests: XCTestCase {
    // MARK: - verify robustness end to end

    /// The sample fields that a verdict consists of (no timing), sorted by index.
    struct Record: Decodable, Equatable {
        struct Witness: Decodable, Equatable { var noise: [Double]; var exact_noise: [String]? }
        var index: Int, `class`: Int, sample: Int, verdict: String, decided_by: String?
        var counterexample: Witness?
    }

    func records(_ path: String) throws -> (experiment: String, records: [Record]) {
        struct Header: Decodable { var experiment: String }
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        let decoder = JSONDecoder()
        let header = try decoder.decode(Header.self, from: Data(lines[0].utf8))
        let records = try lines.dropFirst().map { try decoder.decode(Record.self, from: Data($0.utf8)) }
        return (header.experiment, records.sorted { $0.index < $1.index })
    }

    /// Without counterexample details (Z3's model is not unique across contexts).
    func verdicts(_ records: [Record]) -> [String] {
        records.map { "\($0.index) \($0.class) \($0.sample) \($0.verdict) \($0.decided_by ?? "-")" }
    }

    /// The shipped digits example (4 classes, 3 samples, eps 0.01): the same records with leaf
    /// processes (the default) and in-process, the same experiment hash, and a file written
    /// in-process resumes with leaf processes.
    func testDigitsRobustnessIsUnchangedByLeafProcesses() throws {
        let directory = temporaryDirectory()
        let small = ["--generator", "0=examples/digits/generator_0.onnx", "--generator", "1=examples/digits/generator_1.onnx",
                     "--generator", "8=examples/digits/generator_8.onnx", "--generator", "9=examples/digits/generator_9.onnx",
                     "--eps", "0.01", "--quiet", "--jobs", "2"]
        let experiment = "examples/digits/experiment.json"
        let off = directory.appendingPathComponent("off.jsonl").path
        let on = directory.appendingPathComponent("on.jsonl").path
        let resumed = directory.appendingPathComponent("resumed.jsonl").path
        let first = try runVerify(["robustness", experiment, "--results", off, "--samples", "3", "--leaf-process", "off"] + small)
        XCTAssertNotEqual(first.status, 2, first.stderr)
        let second = try runVerify(["robustness", experiment, "--results", on, "--samples", "3"] + small)
        XCTAssertEqual(second.status, first.status, second.stderr)
        let reference = try records(off)
        XCTAssertEqual(reference.records.count, 12)
        XCTAssertEqual(try records(on).experiment, reference.experiment)
        XCTAssertEqual(try records(on).records, reference.records)

        // The in-process file cut after 8 samples (as an interrupted run leaves it; the sample
        // size is fixed at the first run, so a resume cannot extend it).
        let lines = try String(contentsOfFile: off, encoding: .utf8).split(separator: "\n")
        try (lines.prefix(9).joined(separator: "\n") + "\n").write(toFile: resumed, atomically: true, encoding: .utf8)
        let rest = try runVerify(["robustness", experiment, "--results", resumed, "--samples", "3", "--resume"] + small)
        XCTAssertNotEqual(rest.status, 2, rest.stderr)
        XCTAssertEqual(try records(resumed).records, reference.records)
        let bad = try runVerify(["robustness", experiment, "--results", directory.appendingPathComponent("x.jsonl").path,
                                 "--leaf-process", "maybe"] + small)
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("--leaf-process"), bad.stderr)
    }

    /// A tiny experiment whose open queries all go to Z3 (attack, linear bounds and splitting
    /// off), so samples are decided by `unsat` and by `sat` models: the same verdicts
    /// in-process and in leaf processes, and with leaf processes (a fresh Z3 per leaf) the
    /// same records, counterexamples included, for 1 and 2 jobs.
    func testZ3DecidedRobustnessAgreesAcrossLeafModes() throws {
        let directory = temporaryDirectory()
        func write(_ name: String, _ text: String) throws {
            try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        try write("c.json", """
        { "input_shape": [3], "layers": [
          { "type": "dense", "weights": [[0.8, -0.6, 0.5], [-0.7, 0.9, 0.4], [0.3, 0.6, -0.9], [-0.5, -0.4, 0.7]], "bias": [0.1, -0.2, 0.15, 0.05] },
          { "type": "relu" },
          { "type": "dense", "weights": [[1.5, -0.8, 0.6, -0.9], [-1.2, 1.4, -0.5, 0.8]], "bias": [0.05, -0.05] } ] }
        """)
        for (c, bias) in [(0, "[0.6, -0.3, 0.2, 0.4]"), (1, "[-0.4, 0.5, -0.2, 0.3]")] {
            try write("g\(c).json", """
            { "input_shape": [2], "layers": [
              { "type": "dense", "weights": [[0.7, -0.4], [0.3, 0.8], [-0.6, 0.5], [0.45, 0.35]], "bias": \(bias) },
              { "type": "relu" },
              { "type": "dense", "weights": [[0.9, -0.3, 0.4, 0.2], [-0.2, 0.7, 0.3, -0.5], [0.35, 0.25, -0.6, 0.55]], "bias": [0.1, -0.1, 0.2] } ] }
            """)
        }
        try write("experiment.json", """
        { "classifier": "c.json", "generators": {"0": "g0.json", "1": "g1.json"}, "eps": 0.3,
          "samples_per_class": 20, "delta": 0.2, "confidence": 0.9 }
        """)
        let experiment = directory.appendingPathComponent("experiment.json").path
        func run(_ name: String, _ extra: [String]) throws -> (experiment: String, records: [Record]) {
            let path = directory.appendingPathComponent(name).path
            let result = try runVerify(["robustness", experiment, "--results", path, "--quiet", "--disable", "attack,linear,split"] + extra)
            XCTAssertNotEqual(result.status, 2, result.stderr)
            return try records(path)
        }
        let inProcess = try run("off.jsonl", ["--leaf-process", "off", "--jobs", "1"])
        let one = try run("on1.jsonl", ["--jobs", "1"])
        let two = try run("on2.jsonl", ["--jobs", "2"])
        XCTAssertEqual(one.experiment, inProcess.experiment)
        XCTAssertEqual(verdicts(one.records), verdicts(inProcess.records))
        XCTAssertEqual(two.records, one.records)
        let bySMT = one.records.filter { $0.decided_by == "smt" }
        XCTAssertTrue(bySMT.contains { $0.verdict == "robust" }, "\(verdicts(one.records))")
        XCTAssertTrue(bySMT.contains { $0.verdict == "not_robust" && $0.counterexample?.exact_noise != nil }, "\(verdicts(one.records))")
    }

    /// A `verify` without its leaf worker beside it: leaf processes, the default of every
    /// solving command, are refused with one line that names the missing file and how to
    /// build it (exit 2); `--leaf-process off` runs.
    func testAMissingLeafWorkerIsAOneLineErrorAndOffStillRuns() throws {
        let directory = temporaryDirectory()
        let lonely = directory.appendingPathComponent("verify")
        try FileManager.default.copyItem(at: try verifyExecutable(), to: lonely)
        func run(_ arguments: [String]) throws -> (status: Int32, stderr: String) {
            let process = Process()
            process.executableURL = lonely
            process.arguments = arguments
            process.currentDirectoryURL = repositoryRoot
            let err = Pipe()
            process.standardOutput = FileHandle.nullDevice
            process.standardError = err
            try process.run()
            let data = err.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: data, as: UTF8.self))
        }
        let commands: [[String]] = [
            ["robustness", "examples/digits/experiment.json", "--samples", "1", "--quiet",
             "--results", directory.appendingPathComponent("r.jsonl").path],
            ["local", "--classifier", "examples/digits/classifier.onnx", "--generator", "examples/digits/generator_1.onnx",
             "--noise", "0.3,-0.5,1.0,0.2,-1.1,0.4", "--class", "1", "--eps", "0.05"],
            ["vnnlib", "Tests/Fixtures/vnncomp/vnncomp-test/test_sat.onnx", "Tests/Fixtures/vnncomp/vnncomp-test/test_prop.vnnlib"],
        ]
        for command in commands {
            let refused = try run(command)
            XCTAssertEqual(refused.status, 2, "\(command[0]): \(refused.stderr)")
            XCTAssertEqual(refused.stderr.split(separator: "\n").count, 1, refused.stderr)
            XCTAssertTrue(refused.stderr.contains(directory.appendingPathComponent("verify-leaf").path)
                          && refused.stderr.contains("swift build --product verify-leaf"), refused.stderr)
            let off = try run(command + ["--leaf-process", "off"])
            XCTAssertNotEqual(off.status, 2, "\(command[0]): \(off.stderr)")
        }
    }
}
