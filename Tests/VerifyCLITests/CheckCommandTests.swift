import Foundation
import XCTest

/// `verify check` re-validates certificates and must reject tampered ones.
final class CheckCommandTests: XCTestCase {
    let local = ["local", "--classifier", "examples/digits/classifier.onnx", "--generator", "examples/digits/generator_1.onnx",
                 "--noise", "0.3,-0.5,1.0,0.2,-1.1,0.4", "--class", "1"]

    func certificate(_ arguments: [String]) throws -> (path: String, object: [String: Any]) {
        let path = temporaryDirectory().appendingPathComponent("cert.json").path
        let run = try runVerify(arguments + ["--json", path])
        XCTAssertNotEqual(run.status, 2, run.stderr)
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
        return (path, object)
    }

    func write(_ object: [String: Any]) throws -> String {
        let path = temporaryDirectory().appendingPathComponent("tampered.json").path
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: path))
        return path
    }

    func testSplitProofIsValidAndAMissingSubBoxIsFound() throws {
        let (path, object) = try certificate(local + ["--eps", "0.2"])
        XCTAssertEqual(object["method"] as? String, "split")
        let leaves = object["proof_leaves"] as! [Any]
        XCTAssertGreaterThan(leaves.count, 2)
        let valid = try runVerify(["check", path, "--no-cvc5"])
        XCTAssertEqual(valid.status, 0, valid.stdout + valid.stderr)
        XCTAssertTrue(valid.stdout.contains("certificate VALID"), valid.stdout)

        var tampered = object
        tampered["proof_leaves"] = Array(leaves.dropLast())
        let invalid = try runVerify(["check", try write(tampered), "--no-cvc5"])
        XCTAssertEqual(invalid.status, 1, invalid.stdout + invalid.stderr)
        XCTAssertTrue(invalid.stdout.contains("covered by no recorded sub-box"), invalid.stdout)
    }

    /// A proof closed by Z3 (split off: the whole box is one exact leaf) is re-proved by Z3 in
    /// a child `verify-leaf`. The network: `y0 = |x0| + |x1| - |x0 + x1| + 0.01` (through
    /// ReLUs), `y1 = 0`, so class 0 wins everywhere (triangle inequality), which neither
    /// interval nor linear bounds on `[-0.5, 0.5]^2` can show (the upper line of `|x0 + x1|`
    /// costs up to 1), so the check's fresh bounds leave it to Z3.
    func testZ3LeafIsReprovedInAChildProcess() throws {
        let model = temporaryDirectory().appendingPathComponent("triangle.json")
        try Data("""
        { "input_shape": [2], "layers": [
          { "type": "dense", "weights": [[1, 0], [-1, 0], [0, 1], [0, -1], [1, 1], [-1, -1]], "bias": [0, 0, 0, 0, 0, 0] },
          { "type": "relu" },
          { "type": "dense", "weights": [[1, 1, 1, 1, -1, -1], [0, 0, 0, 0, 0, 0]], "bias": [0.01, 0] } ] }
        """.utf8).write(to: model)
        let (path, object) = try certificate(["local", "--model", model.path, "--point", "0,0", "--eps", "0.5",
                                              "--class", "0", "--disable", "linear,split"])
        XCTAssertEqual(object["verdict"] as? String, "holds")
        XCTAssertEqual(object["method"] as? String, "smt")
        let valid = try runVerify(["check", path, "--no-cvc5"])
        XCTAssertEqual(valid.status, 0, valid.stdout + valid.stderr)
        XCTAssertTrue(valid.stdout.contains("by Z3") && !valid.stdout.contains("0 by Z3"), valid.stdout)
        XCTAssertTrue(valid.stdout.contains("certificate VALID"), valid.stdout)
    }

    func testWrongClaimIsRejected() throws {
        // A proof for class 1 relabelled as a proof for class 8 must not re-prove.
        let (_, object) = try certificate(local + ["--eps", "0.05"])
        var tampered = object
        var unsafe = object["unsafe_set"] as! [[[String: Any]]]
        for i in unsafe.indices {
            var atom = unsafe[i][0]
            var coefficients = atom["coefficients"] as! [Double]
            coefficients = coefficients.map { -$0 }
            atom["coefficients"] = coefficients
            unsafe[i][0] = atom
        }
        tampered["unsafe_set"] = unsafe
        let invalid = try runVerify(["check", try write(tampered), "--no-cvc5"])
        XCTAssertEqual(invalid.status, 1, invalid.stdout + invalid.stderr)
        XCTAssertTrue(invalid.stdout.contains("certificate INVALID"), invalid.stdout)
    }

    func testCounterexampleIsReplayedAndAForgedOneRejected() throws {
        let (path, object) = try certificate(["vnnlib", "Tests/Fixtures/vnncomp/vnncomp-test/test_sat.onnx",
                                              "Tests/Fixtures/vnncomp/vnncomp-test/test_prop.vnnlib"])
        let valid = try runVerify(["check", path, "--no-cvc5"])
        XCTAssertEqual(valid.status, 0, valid.stdout + valid.stderr)
        XCTAssertTrue(valid.stdout.contains("1 counterexamples replayed"), valid.stdout)
        var queries = object["queries"] as! [[String: Any]]
        var counterexample = queries[0]["counterexample"] as! [String: Any]
        let box = queries[0]["box"] as! [String: Any]
        counterexample["input"] = (box["upper"] as! [Double]).map { $0 + 1 }  // outside the box
        queries[0]["counterexample"] = counterexample
        var tampered = object
        tampered["queries"] = queries
        let invalid = try runVerify(["check", try write(tampered), "--no-cvc5"])
        XCTAssertEqual(invalid.status, 1, invalid.stdout + invalid.stderr)
        XCTAssertTrue(invalid.stdout.contains("not inside the property's input region"), invalid.stdout)
    }

    /// A certificate written for another file proves nothing about this one: INVALID.
    func testChangedNetworkFileIsInvalid() throws {
        var (_, object) = try certificate(local + ["--eps", "0.05"])
        object["classifier_sha256"] = String(repeating: "0", count: 64)
        let result = try runVerify(["check", try write(object)])
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("the certificate was written for 0000000000000000"), result.stdout)
    }

    func testMissingNetworkFileIsAnInputError() throws {
        var (_, object) = try certificate(local + ["--eps", "0.05"])
        object["classifier"] = "no/such/classifier.onnx"
        let result = try runVerify(["check", try write(object)])
        XCTAssertEqual(result.status, 2, result.stdout + result.stderr)
        XCTAssertTrue(result.stderr.contains("no/such/classifier.onnx") && result.stderr.contains("--classifier"), result.stderr)
    }
}
