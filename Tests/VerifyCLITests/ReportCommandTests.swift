import Foundation
import Network
import Support
import XCTest

/// `verify report` through the built binary: the HTML is self-contained and balanced, its
/// table equals `verify summary --json` on the same file, user text is escaped, and errors
/// leave no file behind.
final class ReportCommandTests: XCTestCase {
    let experiment = "examples/digits/experiment.json"
    /// Classes 0, 1, 8, 9 at eps 0.05, 4 samples each: a few NOT ROBUST samples, fast in debug.
    let small = ["--generator", "0=examples/digits/generator_0.onnx", "--generator", "1=examples/digits/generator_1.onnx",
                 "--generator", "8=examples/digits/generator_8.onnx", "--generator", "9=examples/digits/generator_9.onnx",
                 "--eps", "0.05", "--samples", "4", "--quiet", "--jobs", "1"]

    /// Runs the small experiment into `directory/name` and returns its path.
    func results(in directory: URL, name: String = "run.jsonl") throws -> String {
        let path = directory.appendingPathComponent(name).path
        let run = try runVerify(["robustness", experiment, "--results", path] + small)
        XCTAssertNotEqual(run.status, 2, run.stderr)
        return path
    }

    func testReportTableEqualsSummaryAndHTMLIsSelfContained() throws {
        let directory = temporaryDirectory()
        let path = try results(in: directory)
        let html = directory.appendingPathComponent("report.html").path
        let json = directory.appendingPathComponent("summary.json").path
        let report = try runVerify(["report", path, "--html", html])
        XCTAssertEqual(report.status, 0, report.stderr)
        XCTAssertFalse(report.stderr.contains("no pictures"), report.stderr)
        XCTAssertNotEqual(try runVerify(["summary", path, "--json", json]).status, 2)
        let text = try String(contentsOfFile: html, encoding: .utf8)
        XCTAssertEqual(HTMLShape.problems(text), [])
        XCTAssertEqual(HTMLShape.externalReferences(text), [])

        // Every class row equals the summary's counts and bounds (printed with 4 decimals).
        let summary = try JSONText.parse(Data(contentsOf: URL(fileURLWithPath: json))) as! [String: Any]
        let assessment = summary["assessment"] as! [String: Any]
        let classes = assessment["classes"] as! [[String: Any]]
        let rows = HTMLShape.tableRows(text)
        XCTAssertEqual(classes.count, 4)
        var notRobustTotal = 0
        for entry in classes {
            // JSONText gives numbers as Double (integers included).
            let int = { (v: Any?) in (v as? Int) ?? Int(v as! Double) }
            let c = int(entry["class"])
            let inner = entry["assessment"] as! [String: Any]
            let counts = inner["counts"] as! [String: Any]
            let hoeffding = inner["hoeffding"] as! [String: Any], clopper = inner["clopper_pearson"] as! [String: Any]
            let f = { (v: Any?) in String(format: "%.4f", (v as? Double) ?? Double(v as! Int)) }
            let robust = int(counts["robust"]), notRobust = int(counts["not_robust"]), unknown = int(counts["unknown"])
            notRobustTotal += notRobust
            guard let row = rows["\(c)"] else { XCTFail("no row for class \(c)"); continue }
            XCTAssertEqual(Array(row.prefix(5)), ["\(c)", "\(robust + notRobust + unknown)", "\(robust)", "\(notRobust)", "\(unknown)"])
            XCTAssertEqual(row[6], "[\(f(hoeffding["lower"])), \(f(hoeffding["upper"]))]")
            XCTAssertEqual(row[7], "[\(f(clopper["lower"])), \(f(clopper["upper"]))]")
            XCTAssertTrue(row[8].hasPrefix(entry["verdict"] as! String), row[8])
        }
        XCTAssertEqual(rows["all"]?.last, assessment["verdict"] as? String)
        XCTAssertGreaterThan(notRobustTotal, 0, "the small run should have a NOT ROBUST sample (class 1 at eps 0.05)")

        // Two PNG images per counterexample shown, each a valid PNG signature.
        let images = HTMLShape.pngDataURIs(text)
        XCTAssertEqual(images.count, 2 * min(notRobustTotal, 12))
        for image in images { XCTAssertEqual(Array(image.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) }
        XCTAssertTrue(text.contains("<svg"))
        XCTAssertTrue(text.contains("id=\"timing-table\""))
    }

    func testChangedNetworkGivesAVisibleNoteAndNoImages() throws {
        let directory = temporaryDirectory()
        let path = try results(in: directory)
        // The same experiment, but generator 1 replaced by another network: its digest differs.
        let root = repositoryRoot.appendingPathComponent("examples/digits").path
        let generators = (0..<10).map { "\"\($0)\": \"\(root)/generator_\($0 == 1 ? 7 : $0).onnx\"" }.joined(separator: ", ")
        let swapped = directory.appendingPathComponent("experiment.json")
        try "{\"classifier\": \"\(root)/classifier.onnx\", \"generators\": {\(generators)}, \"eps\": 0.05}"
            .write(to: swapped, atomically: true, encoding: .utf8)
        let html = directory.appendingPathComponent("report.html").path
        let report = try runVerify(["report", path, "--html", html, "--experiment", swapped.path])
        XCTAssertEqual(report.status, 0, report.stderr)
        XCTAssertTrue(report.stderr.contains("generator 1"), report.stderr)
        let text = try String(contentsOfFile: html, encoding: .utf8)
        XCTAssertEqual(HTMLShape.problems(text), [])
        XCTAssertTrue(text.contains("class=\"note\">No pictures: the generator 1 of"), "no visible note")
        XCTAssertEqual(HTMLShape.pngDataURIs(text).count, 0)
        XCTAssertTrue(text.contains("id=\"gallery\""), "the gallery still lists the counterexamples")
    }

    func testHostilePathsAndCommentAreEscaped() throws {
        let directory = temporaryDirectory()
        let hostile = "a<script>alert(1)&\"'.jsonl" // no '/' in a file name
        let path = try results(in: directory, name: hostile)
        let experimentFile = directory.appendingPathComponent("<img src=x onerror=alert(2)>.json")
        try """
        {"comment": "</td></table><script>alert(3)</script> & <b>bold</b>", "classifier": "missing.onnx",
         "generators": {"0": "missing.onnx"}, "eps": 0.05}
        """.write(to: experimentFile, atomically: true, encoding: .utf8)
        let html = directory.appendingPathComponent("report.html").path
        let report = try runVerify(["report", path, "--html", html, "--experiment", experimentFile.path])
        XCTAssertEqual(report.status, 0, report.stderr)
        let text = try String(contentsOfFile: html, encoding: .utf8)
        XCTAssertFalse(text.lowercased().contains("<script"))
        XCTAssertFalse(text.contains("<img src=x"))
        XCTAssertFalse(text.contains("<b>bold"))
        XCTAssertTrue(text.contains("a&lt;script&gt;alert(1)&amp;&quot;&#39;.jsonl"))
        XCTAssertTrue(text.contains("&lt;/td&gt;&lt;/table&gt;&lt;script&gt;alert(3)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;"))
        XCTAssertEqual(HTMLShape.problems(text), [])
        XCTAssertTrue(text.contains("class=\"note\">No pictures:"))
    }

    /// Two shards with the exact steps disabled: most samples end UNKNOWN; the report joins
    /// the shards (as `verify summary` does) and lists every counted unknown sample.
    func testShardsAreJoinedAndUnknownSamplesListed() throws {
        let directory = temporaryDirectory()
        let arguments = ["--generator", "0=examples/digits/generator_0.onnx", "--generator", "1=examples/digits/generator_1.onnx",
                         "--eps", "0.05", "--samples", "3", "--quiet", "--jobs", "1", "--disable", "interval,linear,split,smt"]
        let shards = try ["0/2", "1/2"].map { shard -> String in
            let path = directory.appendingPathComponent("s\(shard.prefix(1)).jsonl").path
            XCTAssertNotEqual(try runVerify(["robustness", experiment, "--results", path, "--shard", shard] + arguments).status, 2)
            return path
        }
        let html = directory.appendingPathComponent("report.html").path
        let json = directory.appendingPathComponent("summary.json").path
        XCTAssertEqual(try runVerify(["report"] + shards + ["--html", html]).status, 0)
        XCTAssertNotEqual(try runVerify(["summary"] + shards + ["--json", json]).status, 2)
        let text = try String(contentsOfFile: html, encoding: .utf8)
        XCTAssertEqual(HTMLShape.problems(text), [])
        for path in shards { XCTAssertTrue(text.contains(path), "lists \(path)") }
        let summary = try JSONText.parse(Data(contentsOf: URL(fileURLWithPath: json))) as! [String: Any]
        let classes = (summary["assessment"] as! [String: Any])["classes"] as! [[String: Any]]
        let unknown = classes.map { (($0["assessment"] as! [String: Any])["counts"] as! [String: Any])["unknown"] as! Double }.reduce(0, +)
        XCTAssertGreaterThan(unknown, 0)
        XCTAssertEqual(HTMLShape.tableRows(text)["all"]?[4], "\(Int(unknown))")
        let section = try XCTUnwrap(text.range(of: "<section id=\"unknown\">")).upperBound
        let listed = String(text[section...]).components(separatedBy: "</section>")[0]
            .components(separatedBy: "<td class=\"l\">disabled</td>").count - 1
        XCTAssertEqual(listed, Int(unknown), "one row per unknown sample, each ended by the disabled steps")
    }

    func testErrorsExitTwoAndLeaveNoFile() throws {
        let directory = temporaryDirectory()
        let html = directory.appendingPathComponent("report.html").path
        let missingFlag = try runVerify(["report", "examples/digits/experiment.json"])
        XCTAssertEqual(missingFlag.status, 2)
        XCTAssertTrue(missingFlag.stderr.contains("--html"), missingFlag.stderr)
        let unreadable = try runVerify(["report", directory.appendingPathComponent("none.jsonl").path, "--html", html])
        XCTAssertEqual(unreadable.status, 2)
        XCTAssertTrue(unreadable.stderr.contains("none.jsonl"), unreadable.stderr)
        XCTAssertEqual(unreadable.stderr.split(separator: "\n").count, 1, unreadable.stderr)
        let notResults = try runVerify(["report", experiment, "--html", html])
        XCTAssertEqual(notResults.status, 2)
        XCTAssertFalse(FileManager.default.fileExists(atPath: html))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), [])
    }
}

/// An XML-ish check of the report's HTML, independent of the code that writes it.
enum HTMLShape {
    static let voidElements: Set<String> = ["meta", "img", "br"]

    /// Unbalanced or misnested tags, void elements not written `<x .../>`, stray `<`.
    static func problems(_ html: String) -> [String] {
        var problems: [String] = []
        var text = html
        guard text.hasPrefix("<!DOCTYPE html>") else { return ["no <!DOCTYPE html>"] }
        text.removeFirst("<!DOCTYPE html>".count)
        let tag = try! NSRegularExpression(pattern: "<(/?)([A-Za-z][A-Za-z0-9]*)((?:\\s+[^<>]*?)?)(/?)>")
        let range = NSRange(text.startIndex..., in: text)
        var stack: [String] = []
        var tags = 0
        for match in tag.matches(in: text, range: range) {
            tags += 1
            let closing = !Range(match.range(at: 1), in: text)!.isEmpty
            let name = String(text[Range(match.range(at: 2), in: text)!]).lowercased()
            let selfClosing = !Range(match.range(at: 4), in: text)!.isEmpty
            if voidElements.contains(name) {
                if !selfClosing || closing { problems.append("<\(name)> must be written <\(name) .../>") }
                continue
            }
            if selfClosing { continue }
            if closing {
                guard stack.last == name else { problems.append("</\(name)> closes <\(stack.last ?? "nothing")>"); return problems }
                stack.removeLast()
            } else {
                stack.append(name)
            }
        }
        if !stack.isEmpty { problems.append("unclosed: \(stack)") }
        let openings = text.filter { $0 == "<" }.count
        if openings != tags { problems.append("\(openings - tags) '<' outside tags") }
        return problems
    }

    /// Scripts, links, imports and every `src`/`href` that is not a `data:` URI.
    static func externalReferences(_ html: String) -> [String] {
        var found: [String] = []
        let lower = html.lowercased()
        for needle in ["<script", "<link", "<iframe", "@import", "url(", "http://", "https://", "href="] where lower.contains(needle) {
            found.append(needle)
        }
        let source = try! NSRegularExpression(pattern: "src=\"(?!data:image/png;base64,)")
        if source.firstMatch(in: html, range: NSRange(html.startIndex..., in: html)) != nil { found.append("src= without data:") }
        return found
    }

    /// The decoded bytes of every `data:image/png;base64,...` source (a malformed one decodes empty).
    static func pngDataURIs(_ html: String) -> [[UInt8]] {
        let pattern = try! NSRegularExpression(pattern: "src=\"data:image/png;base64,([^\"]*)\"")
        return pattern.matches(in: html, range: NSRange(html.startIndex..., in: html)).map { match in
            [UInt8](Data(base64Encoded: String(html[Range(match.range(at: 1), in: html)!])) ?? Data())
        }
    }

    /// Rows `<tr data-class="K">` of the statistics table as cell texts (tags stripped).
    static func tableRows(_ html: String) -> [String: [String]] {
        let row = try! NSRegularExpression(pattern: "<tr[^>]* data-class=\"([^\"]+)\">(.*?)</tr>")
        let cell = try! NSRegularExpression(pattern: "<td[^>]*>(.*?)</td>")
        let tags = try! NSRegularExpression(pattern: "<[^>]*>")
        var rows: [String: [String]] = [:]
        for match in row.matches(in: html, range: NSRange(html.startIndex..., in: html)) {
            let key = String(html[Range(match.range(at: 1), in: html)!])
            let body = String(html[Range(match.range(at: 2), in: html)!])
            rows[key] = cell.matches(in: body, range: NSRange(body.startIndex..., in: body)).map { m in
                let inner = String(body[Range(m.range(at: 1), in: body)!])
                return tags.stringByReplacingMatches(in: inner, range: NSRange(inner.startIndex..., in: inner), withTemplate: "")
                    .trimmingCharacters(in: .whitespaces)
            }
        }
        return rows
    }
}
