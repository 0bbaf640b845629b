import Foundation
import XCTest

/// `verify check` re-derives the question from the certificate's files and values: every
/// tampered certificate below is INVALID (exit 1), and certificates of real runs are VALID.
final class CertificateTamperTests: XCTestCase {
    static let digits = ["--classifier", "examples/digits/classifier.onnx", "--generator", "examples/digits/generator_1.onnx",
                         "--noise", "0.3,-0.5,1.0,0.2,-1.1,0.4", "--class", "1"]
    static let acas = "Tests/Fixtures/vnncomp/acasxu/ACASXU_run2a_1_1_batch_2000.onnx"

    /// `y0 = x, y1 = -x` on one input.
    static let line = #"{"input_shape":[1],"layers":[{"type":"dense","weights":[[1],[-1]],"bias":[0,0]}]}"#
    /// Two input boxes, `[0, 1]` and `[2, 3]`, each with the unsafe set `y0 <= -1`: unreachable
    /// (`y0 = x >= 0`), so `unsat`, proved on each box by bounds alone.
    static let twoBoxes = """
    (declare-const X_0 Real)
    (declare-const Y_0 Real)
    (declare-const Y_1 Real)
    (assert (or (and (>= X_0 0) (<= X_0 1)) (and (>= X_0 2) (<= X_0 3))))
    (assert (<= Y_0 -1))
    """

    let directory = temporaryDirectory()

    func file(_ name: String, _ text: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    func certificate(_ arguments: [String]) throws -> (path: String, object: [String: Any]) {
        let path = directory.appendingPathComponent("cert-\(UUID().uuidString).json").path
        let run = try runVerify(arguments + ["--json", path])
        XCTAssertNotEqual(run.status, 2, run.stderr)
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
        return (path, object)
    }

    func write(_ object: [String: Any]) throws -> String {
        let path = directory.appendingPathComponent("tampered-\(UUID().uuidString).json").path
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: path))
        return path
    }

    @discardableResult
    func expectValid(_ path: String, _ extra: [String] = [], file: StaticString = #filePath, line: UInt = #line) throws -> CommandResult {
        let result = try runVerify(["check", path, "--no-cvc5"] + extra)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr, file: file, line: line)
        XCTAssertTrue(result.stdout.contains("certificate VALID"), result.stdout, file: file, line: line)
        return result
    }

    func expectInvalid(_ object: [String: Any], _ reason: String, _ extra: [String] = [],
                       file: StaticString = #filePath, line: UInt = #line) throws {
        try expectInvalid(path: write(object), reason, extra, file: file, line: line)
    }

    func expectInvalid(path: String, _ reason: String, _ extra: [String] = [],
                       file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try runVerify(["check", path, "--no-cvc5"] + extra)
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr, file: file, line: line)
        XCTAssertTrue(result.stdout.contains("certificate INVALID"), result.stdout, file: file, line: line)
        XCTAssertTrue(result.stdout.contains(reason), "expected '\(reason)' in:\n" + result.stdout, file: file, line: line)
    }

    // MARK: VNN-LIB certificates

    /// Old behaviour: the forgery (drop the violated query, claim unsat) checked VALID.
    func testSatCertificateTurnedUnsatIsInvalid() throws {
        let (path, object) = try certificate(["vnnlib", "Tests/Fixtures/vnncomp/vnncomp-test/test_sat.onnx",
                                              "Tests/Fixtures/vnncomp/vnncomp-test/test_prop.vnnlib"])
        XCTAssertEqual(object["answer"] as? String, "sat")
        try expectValid(path)
        var dropped = object
        dropped["answer"] = "unsat"
        dropped["queries"] = [[String: Any]]()
        try expectInvalid(dropped, "query 1 of 1 has no record")
        var relabelled = object
        relabelled["answer"] = "unsat"
        try expectInvalid(relabelled, "has verdict violated, not holds")
    }

    /// `sat` rests on the records with verdict violated: an unconfirmed counterexample on
    /// another record claims nothing, and without a violated record nothing is shown.
    func testSatNeedsAViolatedRecord() throws {
        let (_, object) = try certificate(["vnnlib", "Tests/Fixtures/vnncomp/vnncomp-test/test_sat.onnx",
                                           "Tests/Fixtures/vnncomp/vnncomp-test/test_prop.vnnlib"])
        let record = (object["queries"] as! [[String: Any]])[0]
        var unconfirmed = record
        unconfirmed["verdict"] = "violated-unconfirmed"
        var counterexample = record["counterexample"] as! [String: Any]
        counterexample["input"] = (counterexample["input"] as! [Double]).map { $0 + 100 }
        unconfirmed["counterexample"] = counterexample
        var both = object
        both["queries"] = [unconfirmed, record]
        try expectValid(try write(both))
        var none = object
        none["queries"] = [unconfirmed]
        try expectInvalid(none, "no query record has verdict violated")
    }

    func testEveryInputBoxOfTheProperty() throws {
        let model = try file("line.json", Self.line), property = try file("two.vnnlib", Self.twoBoxes)
        let (path, object) = try certificate(["vnnlib", model, property])
        XCTAssertEqual(object["answer"] as? String, "unsat")
        XCTAssertEqual((object["queries"] as! [Any]).count, 2)
        try expectValid(path)

        var dropped = object
        dropped["queries"] = Array((object["queries"] as! [[String: Any]]).prefix(1))
        try expectInvalid(dropped, "query 2 of 2 has no record")

        // The second query's box narrowed to [2, 2.5]: the copy no longer matches the file.
        var queries = object["queries"] as! [[String: Any]]
        queries[1]["box"] = ["lower": [2.0], "upper": [2.5]]
        var narrowed = object
        narrowed["queries"] = queries
        try expectInvalid(narrowed, "query 2 of 2: the certificate's box is not the one the inputs define")

        // Another property file: its digest does not match.
        let wider = try file("wider.vnnlib", Self.twoBoxes.replacingOccurrences(of: "(<= X_0 3)", with: "(<= X_0 9)"))
        try expectInvalid(path: path, "the property file \(wider) has SHA-256", ["--property", wider])
    }

    func testSwappedModelHashAndAnotherModelAreInvalid() throws {
        let model = try file("line.json", Self.line), property = try file("two.vnnlib", Self.twoBoxes)
        let (path, object) = try certificate(["vnnlib", model, property])
        var swapped = object
        swapped["model_sha256"] = object["property_sha256"]
        try expectInvalid(swapped, "the model file \(model) has SHA-256")
        // The same function written differently is still another file.
        let other = try file("other.json", Self.line.replacingOccurrences(of: "[[1],[-1]]", with: "[[1.0],[-1.0]]"))
        try expectInvalid(path: path, "the model file \(other) has SHA-256", ["--model", other])
        // The recorded paths are only defaults: the right file elsewhere checks.
        let copy = directory.appendingPathComponent("copy.json").path
        try FileManager.default.copyItem(atPath: model, toPath: copy)
        try expectValid(path, ["--model", copy])
    }

    func testUnknownAnswerProvesNothing() throws {
        let model = try file("line.json", Self.line), property = try file("two.vnnlib", Self.twoBoxes)
        var (_, object) = try certificate(["vnnlib", model, property])
        object["answer"] = "timeout"
        let result = try runVerify(["check", try write(object), "--no-cvc5"])
        XCTAssertEqual(result.status, 3, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("certificate proves nothing"), result.stdout)
    }

    /// A proof whose leaves close only inside their ancestors' bounds (see
    /// Tests/Fixtures/certificates/README.md). Old behaviour: INVALID ("does not close").
    func testDeepACASXuProofIsValidAndALeafRemovedIsFound() throws {
        let (path, object) = try certificate(["vnnlib", Self.acas, "Tests/Fixtures/certificates/acasxu_1_1_prop_3_subbox.vnnlib"])
        XCTAssertEqual(object["answer"] as? String, "unsat")
        let result = try expectValid(path)
        XCTAssertTrue(result.stdout.contains("1 input box(es), 1 output disjunct(s)"), result.stdout)

        var queries = object["queries"] as! [[String: Any]]
        var leaves = queries[0]["proof_leaves"] as! [[String: Any]]
        XCTAssertGreaterThan(leaves.count, 4)
        leaves.remove(at: leaves.count / 2)
        queries[0]["proof_leaves"] = leaves
        var removed = object
        removed["queries"] = queries
        try expectInvalid(removed, "is covered by no recorded sub-box")
    }

    // MARK: local robustness certificates

    func testLocalProofTamperedIsInvalid() throws {
        let (path, object) = try certificate(["local"] + Self.digits + ["--eps", "0.2"])
        XCTAssertEqual(object["method"] as? String, "split")
        try expectValid(path)

        // Shrunk eps: the claim is about a smaller ball than the proof's box.
        var shrunk = object
        shrunk["eps"] = 0.1
        try expectInvalid(shrunk, "the certificate's box is not the one the inputs define")

        // A proof for eps 0.05 relabelled as one for eps 0.2 (box copy updated too): its leaves
        // do not tile the larger box.
        let (_, small) = try certificate(["local"] + Self.digits + ["--eps", "0.05"])
        var enlarged = small
        enlarged["eps"] = 0.2
        enlarged["box"] = object["box"]
        try expectInvalid(enlarged, "sub-box")

        // Another class, with a matching unsafe set copy: the proof does not carry over.
        var otherClass = object
        otherClass["class"] = 8.0
        try expectInvalid(otherClass, "the certificate's unsafe set is not the one the inputs define")

        // Changed unsafe set alone.
        var unsafe = object["unsafe_set"] as! [[[String: Any]]]
        unsafe[0][0]["constant"] = -1.0
        var changed = object
        changed["unsafe_set"] = unsafe
        try expectInvalid(changed, "the certificate's unsafe set is not the one the inputs define")

        // Swapped hash: the classifier's digest replaced by the generator's.
        var swapped = object
        swapped["classifier_sha256"] = object["generator_sha256"]
        try expectInvalid(swapped, "the classifier file examples/digits/classifier.onnx has SHA-256")
        try expectInvalid(path: path, "the generator file", ["--generator", "examples/digits/generator_2.onnx"])

        // A leaf removed.
        var leaves = object["proof_leaves"] as! [Any]
        leaves.removeLast()
        var removed = object
        removed["proof_leaves"] = leaves
        try expectInvalid(removed, "covered by no recorded sub-box")
    }

    func testLocalCounterexampleIsReplayed() throws {
        let (path, object) = try certificate(["local"] + Self.digits + ["--eps", "1.5"])
        XCTAssertEqual(object["verdict"] as? String, "violated")
        try expectValid(path)
        var outside = object
        var counterexample = object["counterexample"] as! [String: Any]
        counterexample["input"] = (counterexample["input"] as! [Double]).map { $0 + 2 }
        outside["counterexample"] = counterexample
        try expectInvalid(outside, "the counterexample is not inside the property's input region")
        // Relabelled ROBUST: with no proof leaves the claim is a proof by bounds over the
        // whole box, which does not close (the box holds a counterexample).
        var claimed = object
        claimed["verdict"] = "holds"
        try expectInvalid(claimed, "does not close when re-proved")
    }

    func testLocalModelCertificateChecks() throws {
        let model = try file("line.json", Self.line)
        let (path, object) = try certificate(["local", "--model", model, "--point", "0.5", "--eps", "0.25", "--class", "0"])
        XCTAssertEqual(object["verdict"] as? String, "holds")
        try expectValid(path)
        var shrunk = object
        shrunk["eps"] = 0.2
        try expectInvalid(shrunk, "box is not the one")
        // The question the user asks pins the certificate's values.
        try expectValid(path, ["--center", "0.5", "--eps", "0.25", "--class", "0"])
        try expectInvalid(path: path, "the certificate is about eps 0.25, not the 0.3 asked for", ["--eps", "0.3"])
        try expectInvalid(path: path, "the certificate is about class 0, not the 1 asked for", ["--class", "1"])
        try expectInvalid(path: path, "the certificate is about centre [0.5]", ["--center", "0.4"])
    }

    // MARK: version stamp

    func testVersionPrintsToolCommitAndZ3AndCertificatesRecordThem() throws {
        let result = try runVerify(["--version"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let expectedCommit = Self.gitHead() ?? "unknown"
        let pattern = #"^verify \d+\.\d+\.\d+, commit ([0-9a-f]{40}|unknown), Z3 \d+\.\d+\.\d+(\.\d+)?\n$"#
        XCTAssertNotNil(result.stdout.range(of: pattern, options: .regularExpression), result.stdout)
        XCTAssertTrue(result.stdout.contains("commit \(expectedCommit),"), "expected commit \(expectedCommit): \(result.stdout)")

        let model = try file("line.json", Self.line)
        let (path, object) = try certificate(["local", "--model", model, "--point", "0.5", "--eps", "0.25", "--class", "0"])
        let tool = try XCTUnwrap(object["tool"] as? [String: Any])
        let line = "verify \(tool["version"] as! String), commit \(tool["commit"] as? String ?? "unknown"), Z3 \(tool["z3"] as! String)\n"
        XCTAssertEqual(line, result.stdout)
        XCTAssertTrue(try expectValid(path).stdout.contains("written by: " + result.stdout), "check names the writer")
    }

    /// `git rev-parse HEAD` in the repository, or nil without git or outside a checkout.
    static func gitHead() -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "rev-parse", "HEAD"]
        process.currentDirectoryURL = repositoryRoot
        let out = Pipe()
        process.standardOutput = out
        process.standardError = Pipe()
        guard (try? process.run()) != nil else { return nil }
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
