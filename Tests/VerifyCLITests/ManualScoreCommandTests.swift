import Foundation
import XCTest

/// `verify manual-score-page` and `verify manual-score` through the built binary.
final class ManualScoreCommandTests: XCTestCase {
    func testPageThenScoreAndABadFileIsOneLineWithExitCode2() throws {
        let directory = temporaryDirectory()
        let page = directory.appendingPathComponent("page.html").path
        let made = try runVerify(["manual-score-page", "examples/digits/experiment.json", "--out", page, "--count", "5", "--class", "3"])
        XCTAssertEqual(made.status, 0, made.stderr)
        let html = try String(contentsOfFile: page, encoding: .utf8)
        XCTAssertEqual(html.components(separatedBy: "<img ").count - 1, 5)
        XCTAssertTrue(html.contains(#""items":[{"class":3,"sample":0},{"class":3,"sample":1}"#), String(html.suffix(3000)))

        // 4 of 5 identified: share 0.8, delta 0.2.
        let labels = directory.appendingPathComponent("labels.json").path
        let entries = (0..<5).map { #"{"sample": \#($0), "class": 3, "category": "clear", "digit": \#($0 == 4 ? 5 : 3)}"# }
        try #"{"format": "verify-manual-score-1", "experiment": "h", "seed": 0, "labels": [\#(entries.joined(separator: ","))]}"#
            .write(toFile: labels, atomically: true, encoding: .utf8)
        let json = directory.appendingPathComponent("score.json").path
        let scored = try runVerify(["manual-score", labels, "--json", json])
        XCTAssertEqual(scored.status, 0, scored.stderr)
        XCTAssertTrue(scored.stdout.contains("identified: 4 of 5 = 0.8"), scored.stdout)
        XCTAssertTrue(scored.stdout.contains("implied delta: 0.2"), scored.stdout)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any])
        XCTAssertEqual(object["identified"] as? Int, 4)
        XCTAssertEqual(object["implied_delta"] as? Double ?? 0, 0.2, accuracy: 1e-15)

        let bad = directory.appendingPathComponent("bad.json").path
        try "{}".write(toFile: bad, atomically: true, encoding: .utf8)
        let refused = try runVerify(["manual-score", bad])
        XCTAssertEqual(refused.status, 2)
        XCTAssertEqual(refused.stderr.split(separator: "\n").count, 1, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("bad.json: field \"format\""), refused.stderr)
    }
}
