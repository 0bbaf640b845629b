import Foundation
import XCTest

/// `vnncomp_scripts/` run as VNN-COMP runs them (`prepare_instance.sh v1 CATEGORY ONNX
/// VNNLIB`, then `run_instance.sh v1 CATEGORY ONNX VNNLIB RESULTS TIMEOUT`), with the debug
/// `verify` through `VERIFY_BIN`. Expected verdicts come from the fixtures' `expected.csv`
/// (VNN-COMP's published answers); the results file must exist and hold the answer in every
/// case, the error and time-out cases included.
final class VNNCompScriptsTests: XCTestCase {
    static let fixtures = repositoryRoot.appendingPathComponent("Tests/Fixtures/vnncomp")

    struct ScriptRun {
        var status: Int32
        var output: String
    }

    /// Runs `vnncomp_scripts/NAME` with `arguments`; `verifyPath` replaces the binary.
    func script(_ name: String, _ arguments: [String], verifyPath: String? = nil, keepProcesses: Bool = true) throws -> ScriptRun {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["bash", repositoryRoot.appendingPathComponent("vnncomp_scripts/\(name)").path] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["VERIFY_BIN"] = try verifyPath ?? verifyExecutable().path
        // Other tests may be running this same binary: leave their processes alone.
        environment["VNNCOMP_KEEP_PROCESSES"] = keepProcesses ? "1" : "0"
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return ScriptRun(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }

    func fixture(_ path: String) -> String { Self.fixtures.appendingPathComponent(path).path }

    /// The verdict `expected.csv` of `folder` lists for the pair.
    func expected(_ folder: String, _ onnx: String, _ vnnlib: String) throws -> String {
        let csv = try String(contentsOfFile: fixture("\(folder)/expected.csv"), encoding: .utf8)
        let row = csv.split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
            .first { $0.count == 4 && $0[0] == onnx && $0[1] == vnnlib }
        return try XCTUnwrap(row?[3], "\(onnx), \(vnnlib) not in \(folder)/expected.csv")
    }

    /// Runs prepare then run on one instance and returns the results file's text.
    func runInstance(_ onnx: String, _ vnnlib: String, timeout: String = "60",
                     verifyPath: String? = nil, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let results = temporaryDirectory().appendingPathComponent("out/results.txt").path
        let run = try script("run_instance.sh", ["v1", "test", onnx, vnnlib, results, timeout], verifyPath: verifyPath)
        XCTAssertEqual(run.status, 0, run.output, file: file, line: line)
        return try XCTUnwrap(try? String(contentsOfFile: results, encoding: .utf8), "no results file; \(run.output)",
                             file: file, line: line)
    }

    /// A sat results file: `sat`, then `((X_0 v)`, ..., `(Y_{m-1} v))`, one per line.
    func assertSatWithAssignment(_ text: String, inputs: Int, outputs: Int, file: StaticString = #filePath, line: UInt = #line) {
        let lines = text.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "sat", text, file: file, line: line)
        let names = (0..<inputs).map { "X_\($0)" } + (0..<outputs).map { "Y_\($0)" }
        XCTAssertEqual(lines.count, 1 + names.count, text, file: file, line: line)
        for (index, name) in names.enumerated() where index + 1 < lines.count {
            var entry = lines[index + 1]
            if index == 0 { XCTAssertTrue(entry.hasPrefix("("), entry, file: file, line: line); entry.removeFirst() }
            if index == names.count - 1 { XCTAssertTrue(entry.hasSuffix(")"), entry, file: file, line: line); entry.removeLast() }
            let parts = entry.dropFirst().dropLast().split(separator: " ")
            XCTAssertTrue(entry.hasPrefix("(") && entry.hasSuffix(")") && parts.count == 2 && parts[0] == name
                          && Double(parts[1]) != nil, "line \(index + 2): \(lines[index + 1])", file: file, line: line)
        }
    }

    func testVNNCompTestInstancesGiveTheirPublishedAnswer() throws {
        for onnx in ["test_sat.onnx", "test_unsat.onnx"] {
            let want = try expected("vnncomp-test", onnx, "test_prop.vnnlib")
            let prepare = try script("prepare_instance.sh", ["v1", "test", fixture("vnncomp-test/\(onnx)"), fixture("vnncomp-test/test_prop.vnnlib")])
            XCTAssertEqual(prepare.status, 0, prepare.output)
            let text = try runInstance(fixture("vnncomp-test/\(onnx)"), fixture("vnncomp-test/test_prop.vnnlib"))
            if want == "sat" {
                assertSatWithAssignment(text, inputs: 5, outputs: 5)
            } else {
                XCTAssertEqual(text, "\(want)\n", onnx)
            }
        }
    }

    func testSmallACASXuInstancesGiveTheirPublishedAnswer() throws {
        // Chosen because they end in about a second even in a debug build: 2_1 prop_2 by the
        // whole-box attack, 4_1 prop_4 by bounds and a few splits.
        for (network, property) in [("ACASXU_run2a_2_1_batch_2000.onnx", "prop_2.vnnlib"), ("ACASXU_run2a_4_1_batch_2000.onnx", "prop_4.vnnlib")] {
            let want = try expected("acasxu", network, property)
            let text = try runInstance(fixture("acasxu/\(network)"), fixture("acasxu/\(property)"))
            if want == "sat" {
                assertSatWithAssignment(text, inputs: 5, outputs: 5)
            } else {
                XCTAssertEqual(text, "\(want)\n", network)
            }
        }
    }

    func testGzippedInstanceIsDecidedLikeThePlainOne() throws {
        let prepare = try script("prepare_instance.sh", ["v1", "test", fixture("gzip/test_sat.onnx.gz"), fixture("gzip/test_prop.vnnlib.gz")])
        XCTAssertEqual(prepare.status, 0, prepare.output)
        let text = try runInstance(fixture("gzip/test_sat.onnx.gz"), fixture("gzip/test_prop.vnnlib.gz"))
        assertSatWithAssignment(text, inputs: 5, outputs: 5)
    }

    /// ACAS Xu 1_1 prop_1 takes far longer than one second (tens of seconds in a debug
    /// build): with TIMEOUT 1 the script must stop it and still write `timeout`.
    func testTinyTimeoutStillWritesTimeout() throws {
        let text = try runInstance(fixture("acasxu/ACASXU_run2a_1_1_batch_2000.onnx"), fixture("acasxu/prop_1.vnnlib"), timeout: "1")
        XCTAssertEqual(text, "timeout\n")
    }

    func testFailuresWriteError() throws {
        let directory = temporaryDirectory()
        let truncated = directory.appendingPathComponent("cut.onnx.gz").path
        let bytes = try Data(contentsOf: URL(fileURLWithPath: fixture("gzip/test_sat.onnx.gz")))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: truncated))
        let property = fixture("vnncomp-test/test_prop.vnnlib")
        // A missing model, a truncated .gz model, a missing property, a TIMEOUT that is not a
        // number, and a binary that does not exist.
        XCTAssertEqual(try runInstance(directory.appendingPathComponent("missing.onnx").path, property), "error\n")
        XCTAssertEqual(try runInstance(truncated, property), "error\n")
        XCTAssertEqual(try runInstance(fixture("vnncomp-test/test_sat.onnx"), directory.appendingPathComponent("missing.vnnlib").path), "error\n")
        XCTAssertEqual(try runInstance(fixture("vnncomp-test/test_sat.onnx"), property, timeout: "soon"), "error\n")
        XCTAssertEqual(try runInstance(fixture("vnncomp-test/test_sat.onnx"), property,
                                       verifyPath: directory.appendingPathComponent("no-verify").path), "error\n")

        // prepare_instance.sh refuses the same inputs (exit 1) and accepts the good pair.
        for (onnx, vnnlib) in [(directory.appendingPathComponent("missing.onnx").path, property), (truncated, property),
                               (fixture("vnncomp-test/test_sat.onnx"), directory.appendingPathComponent("missing.vnnlib").path)] {
            let prepare = try script("prepare_instance.sh", ["v1", "test", onnx, vnnlib])
            XCTAssertEqual(prepare.status, 1, prepare.output)
        }
    }

    func testWrongVersionOrArgumentsAreUsageErrors() throws {
        let results = temporaryDirectory().appendingPathComponent("results.txt").path
        let model = fixture("vnncomp-test/test_sat.onnx"), property = fixture("vnncomp-test/test_prop.vnnlib")
        for (name, arguments) in [("run_instance.sh", ["v2", "test", model, property, results, "60"]),
                                  ("run_instance.sh", ["v1", "test", model, property, results]),
                                  ("prepare_instance.sh", ["v0", "test", model, property]),
                                  ("install_tool.sh", ["v2"])] {
            let run = try script(name, arguments)
            XCTAssertEqual(run.status, 1, "\(name) \(arguments): \(run.output)")
        }
    }

    /// A results file left from an earlier run is replaced, never read as this run's answer.
    func testStaleResultsFileIsReplaced() throws {
        let results = temporaryDirectory().appendingPathComponent("results.txt").path
        try "unsat\n".write(toFile: results, atomically: true, encoding: .utf8)
        let run = try script("run_instance.sh", ["v1", "test", fixture("vnncomp-test/test_sat.onnx"), "/nonexistent.vnnlib", results, "60"])
        XCTAssertEqual(run.status, 0, run.output)
        XCTAssertEqual(try String(contentsOfFile: results, encoding: .utf8), "error\n")
    }

    /// prepare_instance.sh ends a leftover run of its own binary (here a private copy, so
    /// that no other test's process can match, without its leaf worker: hence
    /// `--leaf-process off`) and leaves other processes alone.
    func testPrepareEndsLeftoverRunsOfItsBinary() throws {
        let copy = temporaryDirectory().appendingPathComponent("verify").path
        try FileManager.default.copyItem(atPath: try verifyExecutable().path, toPath: copy)
        let leftover = Process()
        leftover.executableURL = URL(fileURLWithPath: copy)
        leftover.arguments = ["vnnlib", fixture("acasxu/ACASXU_run2a_1_1_batch_2000.onnx"), fixture("acasxu/prop_1.vnnlib"), "--timeout", "300",
                              "--leaf-process", "off"]
        leftover.standardOutput = FileHandle.nullDevice
        leftover.standardError = FileHandle.nullDevice
        let bystander = Process()
        bystander.executableURL = URL(fileURLWithPath: "/bin/sleep")
        bystander.arguments = ["300"]
        try leftover.run()
        try bystander.run()
        defer { if bystander.isRunning { bystander.terminate() }; if leftover.isRunning { leftover.terminate() } }
        let prepare = try script("prepare_instance.sh", ["v1", "test", fixture("vnncomp-test/test_sat.onnx"), fixture("vnncomp-test/test_prop.vnnlib")],
                                 verifyPath: copy, keepProcesses: false)
        XCTAssertEqual(prepare.status, 0, prepare.output)
        XCTAssertTrue(prepare.output.contains("ended leftover verify process \(leftover.processIdentifier)"), prepare.output)
        leftover.waitUntilExit()
        XCTAssertEqual(leftover.terminationReason, .uncaughtSignal)
        XCTAssertEqual(leftover.terminationStatus, SIGKILL)
        XCTAssertTrue(bystander.isRunning)
    }

    /// Stand-ins for `verify` (bash scripts called as `FAKE vnnlib ONNX VNNLIB --result FILE
    /// --timeout T`) that misbehave: the script's own limit, not the tool's, must decide.
    func testTheScriptNotTheToolEnforcesTheLimit() throws {
        let directory = temporaryDirectory()
        func fake(_ name: String, _ body: String) throws -> String {
            let path = directory.appendingPathComponent(name).path
            try "#!/usr/bin/env bash\nresult=\"$5\"\n\(body)\n".write(toFile: path, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
            return path
        }
        let model = fixture("vnncomp-test/test_sat.onnx"), property = fixture("vnncomp-test/test_prop.vnnlib")
        // Answers `unsat` only after 30 s, far past the 1 s limit: without the kill the file
        // would say unsat.
        let slow = try fake("slow", "sleep 30; echo unsat > \"$result\"; exit 0")
        XCTAssertEqual(try runInstance(model, property, timeout: "1", verifyPath: slow), "timeout\n")
        // Ignores SIGTERM: only the KILL after the grace period ends it.
        let stubborn = try fake("stubborn", "trap '' TERM; for i in $(seq 300); do sleep 0.1; done; echo unsat > \"$result\"")
        XCTAssertEqual(try runInstance(model, property, timeout: "1", verifyPath: stubborn), "timeout\n")
        // Crashes, or exits as if it had answered without writing anything, or writes garbage.
        let crash = try fake("crash", "kill -SEGV $$")
        XCTAssertEqual(try runInstance(model, property, verifyPath: crash), "error\n")
        let silent = try fake("silent", "exit 0")
        XCTAssertEqual(try runInstance(model, property, verifyPath: silent), "error\n")
        let garbage = try fake("garbage", "echo holds > \"$result\"; exit 0")
        XCTAssertEqual(try runInstance(model, property, verifyPath: garbage), "error\n")
        // The limits passed on: --timeout below TIMEOUT (116 s gives 111 s).
        let echo = try fake("echo", "echo \"unknown\" > \"$result\"; echo \"args: $*\"; exit 3")
        let results = directory.appendingPathComponent("r.txt").path
        let run = try script("run_instance.sh", ["v1", "acasxu", model, property, results, "116"], verifyPath: echo)
        XCTAssertTrue(run.output.contains("args: vnnlib \(model) \(property) --result \(results).verify."), run.output)
        XCTAssertTrue(run.output.contains("--timeout 111.000"), run.output)
        XCTAssertEqual(try String(contentsOfFile: results, encoding: .utf8), "unknown\n")
    }
}
