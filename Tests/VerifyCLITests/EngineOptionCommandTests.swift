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

    /// `--input-slopes`: `verify vnnlib` closes the ACAS Xu 4_2 property 2 slab
    /// (Tests/Fixtures/certificates/README.md) at its root with optimised slopes by default,
    /// says so on its search line, writes the slopes into the certificate, and `verify check`
    /// re-proves the leaf with them; `--input-slopes 0` turns the step off and a negative
    /// count is a one-line usage error (exit 2). A robustness run records the setting in its
    /// results identity.
    func testInputSlopesCloseTheSlabAndTheCertificateChecks() throws {
        let slab = ["vnnlib", "Tests/Fixtures/vnncomp/acasxu/ACASXU_run2a_4_2_batch_2000.onnx",
                    "Tests/Fixtures/certificates/acasxu_4_2_prop_2_slab.vnnlib"]
        let certificate = temporaryPath("slab.json")
        defer { try? FileManager.default.removeItem(atPath: certificate) }
        let run = try runVerify(slab + ["--json", certificate])
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        XCTAssertTrue(run.stderr.contains("search: 1 sub-boxes") && run.stderr.contains("1 closed by optimised slopes"), run.stderr)
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: certificate))) as! [String: Any]
        XCTAssertEqual(object["format"] as? Int, 3, "a slope leaf makes the certificate format 3")
        let query = (object["queries"] as! [[String: Any]])[0]
        let leaf = (query["proof_leaves"] as! [[String: Any]])[0]
        XCTAssertEqual(leaf["method"] as? String, "slopes")
        XCTAssertFalse((leaf["slopes"] as? [Any] ?? []).isEmpty)
        XCTAssertEqual((query["statistics"] as? [String: Any])?["slope_closures"] as? Int, 1)
        let check = try runVerify(["check", certificate, "--no-cvc5"])
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
        XCTAssertTrue(check.stdout.contains("1 by bounds with their recorded slopes") && check.stdout.contains("certificate VALID"), check.stdout)

        let off = try runVerify(slab + ["--input-slopes", "0", "--timeout", "2"])
        XCTAssertFalse(off.stderr.contains("closed by optimised slopes"), off.stderr)
        XCTAssertNotEqual(off.status, 2, off.stderr)
        let negative = try runVerify(slab + ["--input-slopes", "-1"])
        XCTAssertEqual(negative.status, 2, negative.stderr)
        XCTAssertTrue(negative.stderr.contains("--input-slopes"), negative.stderr)
        XCTAssertEqual(negative.stderr.split(separator: "\n").count, 1, negative.stderr)

        let results = temporaryPath("slopes.jsonl")
        defer { try? FileManager.default.removeItem(atPath: results) }
        let small = ["--samples", "1", "--eps", "0.3", "--max-nodes", "20", "--jobs", "1", "--quiet"]
        let withSlopes = try runVerify(["robustness", "examples/digits/experiment.json", "--results", results, "--input-slopes", "5"] + small)
        XCTAssertNotEqual(withSlopes.status, 2, withSlopes.stderr)
        let resumedWithout = try runVerify(["robustness", "examples/digits/experiment.json", "--results", results, "--resume"] + small)
        XCTAssertEqual(resumedWithout.status, 2, resumedWithout.stderr)
        XCTAssertTrue(resumedWithout.stderr.contains("the solver settings differ"), resumedWithout.stderr)
    }

    /// `verify local` tries no slopes unless asked (on C∘G networks they cost more than they
    /// save, and a robustness sample is searched the same way): its default search is the
    /// one of `--input-slopes 0`, and `--input-slopes 20` reaches the same verdict.
    func testLocalTriesNoSlopesUnlessAsked() throws {
        let local = ["local", "--classifier", "examples/digits/classifier.onnx", "--generator", "examples/digits/generator_1.onnx",
                     "--noise", "0.3,-0.5,1.0,0.2,-1.1,0.4", "--class", "1", "--eps", "0.2"]
        func searchLine(_ run: CommandResult) -> String? {
            run.stdout.split(separator: "\n").first { $0.hasPrefix("search: ") }.map(String.init)
                ?? run.stderr.split(separator: "\n").first { $0.hasPrefix("search: ") }.map(String.init)
        }
        let plain = try runVerify(local), off = try runVerify(local + ["--input-slopes", "0"])
        let on = try runVerify(local + ["--input-slopes", "20"])
        XCTAssertNotEqual(plain.status, 2, plain.stderr)
        let line = try XCTUnwrap(searchLine(plain), plain.stdout + plain.stderr)
        XCTAssertFalse(line.contains("closed by optimised slopes"), line)
        XCTAssertEqual(line, searchLine(off))
        XCTAssertEqual(on.status, plain.status, on.stdout + on.stderr)
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
