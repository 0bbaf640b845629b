import Foundation
import XCTest

/// `verify local` takes the adapter like `robustness` and `info --compose`
/// (`--adapter-scale S[,S...]`, `--adapter-shift T[,T...]`), keeps `--adapter S,T` as a
/// shorthand, and records the adapter in its certificate so that `verify check` rebuilds the
/// same network.
final class LocalAdapterOptionTests: XCTestCase {
    let base = ["local", "--classifier", "examples/digits/classifier.onnx", "--generator", "examples/digits/generator_1.onnx",
                "--noise", "0.3,-0.5,1.0,0.2,-1.1,0.4"]
    /// Scale 0 on each of the generator's 64 pixels: the classifier sees the constant image
    /// 0.5 whatever the noise, so its class there (8, not the class 1 of the digits centre
    /// without an adapter) is robust at any eps, by interval bounds alone.
    let zeroScale = Array(repeating: "0", count: 64).joined(separator: ",")

    func testVectorAdapterChangesTheNetworkAndItsCertificateChecks() throws {
        let path = temporaryDirectory().appendingPathComponent("cert.json").path
        let run = try runVerify(base + ["--eps", "2", "--class", "8", "--adapter-scale", zeroScale, "--adapter-shift", "0.5", "--json", path])
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        XCTAssertTrue(run.stdout.hasPrefix("ROBUST"), run.stdout)
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
        let adapter = object["adapter"] as! [String: Any]
        XCTAssertEqual((adapter["scale"] as? [Double])?.count, 64)
        XCTAssertEqual(adapter["shift"] as? Double, 0.5)
        let check = try runVerify(["check", path, "--no-cvc5"])
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
        XCTAssertTrue(check.stdout.contains("certificate VALID"), check.stdout)

        // Without its adapter the certificate describes another network, where the centre
        // is class 1: check must not accept it.
        var stripped = object
        stripped["adapter"] = nil
        let strippedPath = temporaryDirectory().appendingPathComponent("stripped.json").path
        try JSONSerialization.data(withJSONObject: stripped).write(to: URL(fileURLWithPath: strippedPath))
        let invalid = try runVerify(["check", strippedPath, "--no-cvc5"])
        XCTAssertNotEqual(invalid.status, 0, invalid.stdout + invalid.stderr)

        var malformed = object
        malformed["adapter"] = ["scale": "zero", "shift": 0.5]
        let malformedPath = temporaryDirectory().appendingPathComponent("malformed.json").path
        try JSONSerialization.data(withJSONObject: malformed).write(to: URL(fileURLWithPath: malformedPath))
        let rejected = try runVerify(["check", malformedPath, "--no-cvc5"])
        XCTAssertEqual(rejected.status, 2, rejected.stdout + rejected.stderr)
        XCTAssertTrue(rejected.stderr.contains("adapter"), rejected.stderr)
    }

    func testShorthandEqualsTheTwoFlags() throws {
        let long = try runVerify(base + ["--eps", "0.05", "--adapter-scale", "0.9", "--adapter-shift", "0.05"])
        let short = try runVerify(base + ["--eps", "0.05", "--adapter", "0.9,0.05"])
        XCTAssertEqual(long.status, short.status, long.stdout + short.stdout)
        XCTAssertEqual(long.stdout.split(separator: "\n").first, short.stdout.split(separator: "\n").first)
        // The identity adapter is the composition without one.
        let identity = try runVerify(base + ["--eps", "0.05", "--adapter-scale", "1", "--adapter-shift", "0"])
        let none = try runVerify(base + ["--eps", "0.05"])
        XCTAssertEqual(identity.stdout.split(separator: "\n").first, none.stdout.split(separator: "\n").first)
    }

    func testMixedOrMisplacedAdapterFlagsAreUsageErrors() throws {
        for (arguments, message) in [
            (base + ["--eps", "0.1", "--adapter", "1,0", "--adapter-scale", "1"], "not both"),
            (base + ["--eps", "0.1", "--adapter", "1,0,2"], "--adapter-scale S,S"),
            (["local", "--model", "Tests/Fixtures/vnncomp/vnncomp-test/test_sat.onnx", "--point", "0,0,0,0,0",
              "--eps", "0.1", "--adapter-scale", "2"], "drop --adapter"),
        ] {
            let run = try runVerify(arguments)
            XCTAssertEqual(run.status, 2, run.stdout + run.stderr)
            XCTAssertTrue(run.stderr.contains(message), run.stderr)
            XCTAssertEqual(run.stderr.split(separator: "\n").count, 1, run.stderr)
        }
    }
}
