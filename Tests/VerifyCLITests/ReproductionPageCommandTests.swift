import Foundation
import XCTest

/// `verify report` without RESULTS: the reproduction page. Oracle: the numbers on the page are
/// those of the `verify table --json` file it was given (read here with JSONSerialization, not
/// the page's decoder), the pictures are the given files' bytes, and nothing else is referenced.
final class ReproductionPageCommandTests: XCTestCase {
    func testPageShowsTheTablePicturesTextAndLink() throws {
        let dir = temporaryDirectory()
        let matrix = try TableCommandTests.writeMatrix(in: dir)
        let tableJSON = dir.appendingPathComponent("table.json").path
        XCTAssertEqual(try runVerify(["table", matrix, "--samples", "30", "--json", tableJSON]).status, 0)
        let png = dir.appendingPathComponent("walk.png").path, gif = dir.appendingPathComponent("walk.gif").path
        let walk = try runVerify(["walk", "examples/digits/experiment.json", "--class", "1", "--steps", "3", "--png", png, "--gif", gif])
        XCTAssertEqual(walk.status, 0, walk.stderr)
        let text = dir.appendingPathComponent("attack.txt").path
        try "class 1 -> 8 <found>\n".write(toFile: text, atomically: true, encoding: .utf8)
        let html = dir.appendingPathComponent("page.html").path
        let result = try runVerify(["report", "--html", html, "--title", "Repro & <test>", "--table", "Table one=\(tableJSON)",
                                    "--picture", "Walk strip=\(png)", "--picture", "Walk animation=\(gif)",
                                    "--text", "Attack=\(text)", "--link", "Manual score=manual score.html"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let page = try String(contentsOfFile: html, encoding: .utf8)

        XCTAssertTrue(page.contains("<h1>Repro &amp; &lt;test&gt;</h1>"), "title escaped")
        XCTAssertTrue(page.contains("&lt;found&gt;"), "text escaped")
        XCTAssertFalse(page.contains("<script"))
        XCTAssertTrue(page.contains("data:image/png;base64," + (try Data(contentsOf: URL(fileURLWithPath: png))).base64EncodedString()))
        XCTAssertTrue(page.contains("data:image/gif;base64," + (try Data(contentsOf: URL(fileURLWithPath: gif))).base64EncodedString()))
        XCTAssertTrue(page.contains("<a href=\"manual score.html\">Manual score</a>"))

        // Every pooled cell as "percent [lower, upper]" with one decimal, from the JSON file.
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: tableJSON))) as! [String: Any]
        let cells = (object["cells"] as! [[[String: Any]]]).joined()
        XCTAssertEqual(cells.count, 2)
        for cell in cells {
            let pooled = cell["pooled"] as! [String: Any]
            let interval = pooled["interval"] as! [String: Double]
            let expected = String(format: "%.1f <span class=\"muted\">[%.1f, %.1f]</span>", 100 * (pooled["estimate"] as! Double),
                                  100 * interval["lower"]!, 100 * interval["upper"]!)
            XCTAssertTrue(page.contains("<td>\(expected)</td>"), "cell \(cell["family"]!): \(expected)")
            let worst = cell["worst_class"] as! Int
            XCTAssertTrue(page.contains("class \(worst): \(String(format: "%.1f", 100 * (cell["worst_class_correctness"] as! Double)))</td>"))
        }
    }

    func testBadInputsExitTwoWithOneLine() throws {
        let dir = temporaryDirectory()
        let html = dir.appendingPathComponent("page.html").path
        let notImage = dir.appendingPathComponent("x.txt").path
        try "hello".write(toFile: notImage, atomically: true, encoding: .utf8)
        let cases: [([String], String)] = [
            (["--picture", "A=\(notImage)"], "not a PNG or GIF"),
            (["--picture", "no-title"], "expects TITLE=FILE"),
            (["--table", "T=\(notImage)"], "is not a 'verify table --json' file"),
            (["--text", "T=\(dir.path)/missing.txt"], "cannot read the file"),
            (["some.jsonl", "--link", "a=b"], "not both"),
            ([], "give RESULTS files"),
        ]
        for (flags, expected) in cases {
            let result = try runVerify(["report", "--html", html] + flags)
            XCTAssertEqual(result.status, 2, "\(flags): \(result.stdout) \(result.stderr)")
            XCTAssertTrue(result.stderr.contains(expected), "\(flags): \(result.stderr)")
            XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, "\(flags): \(result.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: html), "\(flags): no page on error")
        }
    }
}
