import Foundation
import XCTest

/// `verify vnnlib` and the ReLU-phase engine: it decides an `mnistfc` instance (784 inputs)
/// by default (`--engine auto`), and it never writes a certificate that `verify check` could
/// not re-prove: with `--json`, `auto` falls back to input splitting and says so, and an
/// explicit `--engine phase` is a usage error (exit 2).
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

    func testCertificateRequestKeepsTheCheckableEngine() throws {
        let json = FileManager.default.temporaryDirectory.appendingPathComponent("phase-\(UUID()).json").path
        defer { try? FileManager.default.removeItem(atPath: json) }
        let explicit = try runVerify(instance + ["--engine", "phase", "--json", json])
        XCTAssertEqual(explicit.status, 2, explicit.stderr)
        XCTAssertTrue(explicit.stderr.contains("no checkable certificate"), explicit.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: json))
        let auto = try runVerify(instance + ["--json", json, "--disable", "attack", "--max-nodes", "3", "--strong-branching", "0", "--timeout", "120"])
        XCTAssertTrue(auto.stderr.contains("the input-split engine runs"), auto.stderr)
        let certificate = try String(contentsOfFile: json, encoding: .utf8)
        XCTAssertTrue(certificate.contains("\"proof_leaves\"") || certificate.contains("\"reason\""), certificate)
    }
}
