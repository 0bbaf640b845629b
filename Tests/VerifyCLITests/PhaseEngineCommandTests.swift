import Foundation
import XCTest

/// `verify vnnlib` and the ReLU-phase engine: it decides an `mnistfc` instance (784 inputs)
/// by default (`--engine auto`), and with `--json` it writes its proof tree (certificate
/// format 2, or 4 with the root's tightened intermediate bounds) that `verify check` re-proves.
final class PhaseEngineCommandTests: XCTestCase {
    let instance = ["vnnlib", "Tests/Fixtures/vnncomp/mnistfc/mnist-net_256x2.onnx",
                    "Tests/Fixtures/vnncomp/mnistfc/prop_0_0.03.vnnlib"]

    /// VNN-COMP 2021's verdict is `unsat`; with `--engine input` it is not reached in 30 s
    /// (Benchmarks), so this fails if `auto` stops choosing the phase engine for 784 inputs.
    func testAutoEngineDecidesAnMNISTInstance() throws {
        let run = try runVerify(instance + ["--disable", "attack", "--timeout", "600"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.stdout, "unsat\n")
    }

    /// Fails if `--json` still refuses the phase engine or falls back to input splitting (no
    /// `phase_proof`), or if `verify check` rejects the engine's own proof. By default the
    /// proof records the root's tightened intermediate layer (`root_intermediates`: the
    /// network's second ReLU layer has loose units at the root) and the trees of the root's
    /// branching that tightened it further (format 5, `root_branching`); with
    /// `--phase-root-branching 0` only the former (format 4); with both off neither (format 2).
    func testPhaseCertificateChecksValid() throws {
        let noBranching = ["--phase-root-branching", "0"]
        for (options, format) in [([String](), 5), (noBranching, 4), (noBranching + ["--phase-root-intermediates", "0"], 2)] {
            let json = FileManager.default.temporaryDirectory.appendingPathComponent("phase-\(UUID()).json").path
            defer { try? FileManager.default.removeItem(atPath: json) }
            let run = try runVerify(instance + ["--engine", "phase", "--json", json, "--disable", "attack", "--timeout", "600"] + options)
            XCTAssertEqual(run.status, 0, run.stderr)
            XCTAssertEqual(run.stdout, "unsat\n")
            let certificate = try String(contentsOfFile: json, encoding: .utf8)
            XCTAssertTrue(certificate.contains("\"phase_proof\"") && certificate.contains("\"format\": \(format)"), certificate.prefix(2000).description)
            XCTAssertEqual(certificate.contains("\"root_intermediates\""), format >= 4)
            XCTAssertEqual(certificate.contains("\"root_branching\""), format == 5)
            let check = try runVerify(["check", json, "--no-cvc5"])
            XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
            XCTAssertTrue(check.stdout.contains("certificate VALID"), check.stdout)
        }
    }

    /// `--falsifier on|off` and the falsifier's statistics on stderr and in `--json`: on the
    /// sat fixture (no whole-box attack), on, the falsifier's whole-box search decides it
    /// before any sub-problem, with its candidates and steps counted (all targets' starts run
    /// in one lockstep batch, so one of the 36 starts may already be a counterexample: 0 steps
    /// is possible); off, no step is taken and the root sub-problem's bound minimiser decides it.
    func testFalsifierSwitchAndStatistics() throws {
        let sat = ["vnnlib", "Tests/Fixtures/vnncomp/mnistfc/mnist-net_256x2.onnx", "Tests/Fixtures/vnncomp/mnistfc/prop_7_0.03.vnnlib",
                   "--disable", "attack", "--max-nodes", "30", "--timeout", "600", "--threads", "1"]
        let json = FileManager.default.temporaryDirectory.appendingPathComponent("falsifier-\(UUID()).json").path
        defer { try? FileManager.default.removeItem(atPath: json) }
        let on = try runVerify(sat + ["--json", json])
        XCTAssertEqual(on.stdout, "sat\n", on.stderr)
        XCTAssertTrue(on.stderr.contains("phase engine, 0 sub-problems"), on.stderr)
        XCTAssertNotNil(on.stderr.range(of: #"falsifier: [1-9][0-9]* candidates, [0-9]+ steps, found yes"#, options: .regularExpression), on.stderr)
        let certificate = try String(contentsOfFile: json, encoding: .utf8)
        XCTAssertNotNil(certificate.range(of: #""falsifier_steps" *: *[0-9]"#, options: .regularExpression), certificate.prefix(3000).description)
        XCTAssertTrue(certificate.contains("\"falsifier_found\" : true") || certificate.contains("\"falsifier_found\": true"))
        let off = try runVerify(sat + ["--falsifier", "off"])
        XCTAssertEqual(off.stdout, "sat\n", off.stderr)
        XCTAssertTrue(off.stderr.contains("phase engine, 1 sub-problems"), off.stderr)
        XCTAssertTrue(off.stderr.contains(", 0 steps"), off.stderr)
        let wrong = try runVerify(sat + ["--falsifier", "maybe"])
        XCTAssertEqual(wrong.status, 2, wrong.stderr)
        XCTAssertTrue(wrong.stderr.contains("--falsifier expects on or off"), wrong.stderr)
    }
}
