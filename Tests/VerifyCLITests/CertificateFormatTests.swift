import Foundation
import XCTest

/// `verify check` on certificate files that are not certificates: one line on stderr naming
/// the file, the field and the fix, exit code 2 (an input error, not a verdict).
final class CertificateFormatTests: XCTestCase {
    func testMalformedCertificateIsAOneLineInputError() throws {
        let directory = temporaryDirectory()
        let cases: [(String, String)] = [
            (#"{"kind": "local-robustness", "class": 1, "eps": "0.1", "center": [0], "model": "m.json", "model_sha256": "00"}"#, "eps: expected a number, found a string"),
            (#"{"kind": "vnnlib", "answer": "unsat", "queries": [{"verdict": "holds", "proof_leaves": [{"lower": [0], "upper": [1]}]}], "model": "m", "model_sha256": "0", "property": "p", "property_sha256": "0"}"#,
             "queries[0].proof_leaves[0].method: missing"),
            ("{not json", "top level: not JSON"),
        ]
        for (index, (text, place)) in cases.enumerated() {
            let path = directory.appendingPathComponent("bad-\(index).json").path
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            let result = try runVerify(["check", path, "--no-cvc5"])
            XCTAssertEqual(result.status, 2, result.stdout + result.stderr)
            let lines = result.stderr.split(separator: "\n")
            XCTAssertEqual(lines.count, 1, result.stderr)
            XCTAssertTrue(result.stderr.contains(path + ": " + place), result.stderr)
            XCTAssertTrue(result.stderr.contains("give a certificate written by 'verify local --json' or 'verify vnnlib --json'"), result.stderr)
        }
    }
}

/// The `format` key: certificates name format 1; a file without the key (written before it
/// existed) is checked as format 1; another format is refused in one line, exit 2.
final class CertificateFormatVersionTests: XCTestCase {
    func testCertificateWithoutFormatIsCheckedAndAnotherFormatIsRefused() throws {
        let directory = temporaryDirectory()
        let path = directory.appendingPathComponent("cert.json").path
        let run = try runVerify(["local", "--classifier", "examples/digits/classifier.onnx", "--generator", "examples/digits/generator_1.onnx",
                                 "--noise", "0.3,-0.5,1.0,0.2,-1.1,0.4", "--class", "1", "--eps", "0.05", "--json", path])
        XCTAssertNotEqual(run.status, 2, run.stderr)
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
        XCTAssertEqual(object["format"] as? Int, 1)

        object["format"] = nil
        let old = directory.appendingPathComponent("old.json").path
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: old))
        let valid = try runVerify(["check", old, "--no-cvc5"])
        XCTAssertEqual(valid.status, 0, valid.stdout + valid.stderr)
        XCTAssertTrue(valid.stdout.contains("certificate VALID"), valid.stdout)

        object["format"] = 6
        let newer = directory.appendingPathComponent("newer.json").path
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: newer))
        let refused = try runVerify(["check", newer, "--no-cvc5"])
        XCTAssertEqual(refused.status, 2, refused.stdout + refused.stderr)
        XCTAssertEqual(refused.stderr.split(separator: "\n").count, 1, refused.stderr)
        XCTAssertTrue(refused.stderr.contains(newer + ": format: certificate format 6 is not one this build reads (1, 2, 3, 4 or 5)"), refused.stderr)
    }
}
