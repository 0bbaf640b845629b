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
