import Foundation
import XCTest

/// `--engine` of `verify robustness` and `verify table --robustness`: the phase engine per
/// sample, recorded in the experiment identity (a results file written with one engine is
/// not resumed with another), a bad engine name is a one-line usage error (exit 2), and
/// `table --engine` needs `--robustness`. `verify vnnlib` reports its search on stderr.
final class EngineOptionCommandTests: XCTestCase {
    func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("engine-\(UUID().uuidString)-\(name)").path
    }

    func testRobustnessEngineIsPartOfTheRun() throws {
        let results = temporaryPath("phase.jsonl")
        defer { try? FileManager.default.removeItem(atPath: results) }
        let small = ["--samples", "1", "--eps", "0.3", "--max-nodes", "20", "--jobs", "1", "--quiet"]
        let phase = try runVerify(["robustness", "examples/digits/experiment.json", "--results", results, "--engine", "phase"] + small)
        XCTAssertNotEqual(phase.status, 2, phase.stderr)
        let resumedWithInput = try runVerify(["robustness", "examples/digits/experiment.json", "--results", results, "--resume",
                                              "--engine", "input"] + small)
        XCTAssertEqual(resumedWithInput.status, 2, resumedWithInput.stderr)
        XCTAssertTrue(resumedWithInput.stderr.contains("different experiment"), resumedWithInput.stderr)
        XCTAssertTrue(resumedWithInput.stderr.contains("the solver settings differ"), resumedWithInput.stderr)
        let resumedWithPhase = try runVerify(["robustness", "examples/digits/experiment.json", "--results", results, "--resume",
                                              "--engine", "phase"] + small)
        XCTAssertEqual(resumedWithPhase.status, phase.status, resumedWithPhase.stderr)
        XCTAssertTrue(resumedWithPhase.stdout.contains("0 new samples (10 resumed)"), resumedWithPhase.stdout)
    }

    func testBadEngineAndTableEngineWithoutRobustnessAreUsageErrors() throws {
        let bad = try runVerify(["robustness", "examples/digits/experiment.json", "--results", temporaryPath("x.jsonl"), "--engine", "relu"])
        XCTAssertEqual(bad.status, 2, bad.stderr)
        XCTAssertTrue(bad.stderr.contains("--engine"), bad.stderr)
        XCTAssertEqual(bad.stderr.split(separator: "\n").count, 1, bad.stderr)
        let table = try runVerify(["table", "examples/mnist/matrix.json", "--engine", "phase"])
        XCTAssertEqual(table.status, 2, table.stderr)
        XCTAssertTrue(table.stderr.contains("need --robustness"), table.stderr)
    }

    /// The stderr search line: the 784-input `mnistfc` instance runs on the phase engine
    /// (`auto`) and reports its sub-problems and Z3 leaves.
    func testVNNLibReportsSubProblemsAndZ3Leaves() throws {
        let instance = ["vnnlib", "Tests/Fixtures/vnncomp/mnistfc/mnist-net_256x2.onnx", "Tests/Fixtures/vnncomp/mnistfc/prop_0_0.03.vnnlib",
                        "--disable", "attack", "--timeout", "600", "--max-nodes", "2"]
        let phase = try runVerify(instance)
        XCTAssertTrue(phase.stderr.contains("search: phase engine, "), phase.stderr)
        XCTAssertTrue(phase.stderr.contains(" sub-problems, ") && phase.stderr.contains(" Z3 leaves ("), phase.stderr)
    }
}
