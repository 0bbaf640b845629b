import Foundation
import XCTest

@testable import Sampling
@testable import Solver

/// The typed words of a results record (`steps[].step`, `decided_by`, `method`,
/// `counterexample.source`): files written by earlier builds, which stored them as strings,
/// read back and are written again byte for byte; a word no build writes is refused with the
/// file, line and field.
final class SampleRecordWordsTests: XCTestCase {
    /// A ROBUST line as earlier builds wrote it: every pipeline step, decided by `smt`.
    static let robustLine = #"{"center_logits":[0,1],"center_margin":1,"class":1,"decided_by":"smt","exact":true,"experiment":"abc","index":7,"kind":"sample","margin_lower_bound":-0.5,"method":"smt","nodes":5,"noise":[0.5],"sample":3,"seconds":2,"smt_leaves":1,"steps":[{"decided":false,"seconds":0.1,"step":"center"},{"decided":false,"seconds":0.2,"step":"attack"},{"decided":false,"seconds":0.3,"step":"interval"},{"decided":false,"seconds":0.4,"step":"linear"},{"decided":false,"seconds":0.5,"step":"split"},{"decided":true,"seconds":0.6,"step":"smt"}],"verdict":"robust"}"#

    /// A NOT ROBUST line as earlier builds wrote it, with the counterexample's source `source`.
    static func notRobustLine(_ source: String) -> String {
        #"{"center_logits":[0,1],"center_margin":1,"class":1,"counterexample":{"confirmed":true,"confirmed_in_float":true,"logits":[1,0],"margin":-1,"noise":[0.25],"predicted_class":0,"source":"\#(source)"},"decided_by":"attack","exact":true,"experiment":"abc","index":8,"kind":"sample","method":"\#(source)","nodes":0,"noise":[0.5],"sample":4,"seconds":1,"smt_leaves":0,"steps":[{"decided":true,"seconds":0.5,"step":"attack"}],"verdict":"not_robust"}"#
    }

    func testWordsArePinned() {
        XCTAssertEqual(PipelineStep.allCases.map(\.rawValue), ["center", "interval", "linear", "attack", "split", "smt"])
        XCTAssertEqual(CounterexampleSource.allCases.map(\.rawValue), ["center", "attack", "smt"])
        XCTAssertEqual(SampleMethod.allCases.map(\.rawValue), ["bounds", "split", "smt", "center", "attack"])
        XCTAssertEqual([ProofMethod.bounds, .split, .smt].map { SampleMethod($0).rawValue }, ["bounds", "split", "smt"])
        XCTAssertEqual(CounterexampleSource.allCases.map { SampleMethod($0).rawValue }, ["center", "attack", "smt"])
    }

    func testLinesOfEarlierBuildsReadAsEnumsAndAreWrittenByteForByte() throws {
        var lines = [Self.robustLine]
        for proof in ["bounds", "split"] {
            lines.append(Self.robustLine.replacingOccurrences(of: #""method":"smt""#, with: #""method":"\#(proof)""#))
        }
        lines += ["center", "attack", "smt"].map(Self.notRobustLine)
        for line in lines {
            let record = try ResultsFile.decoder.decode(SampleRecord.self, from: Data(line.utf8))
            XCTAssertEqual(String(decoding: try ResultsFile.line(record), as: UTF8.self), line + "\n")
        }
        let robust = try ResultsFile.decoder.decode(SampleRecord.self, from: Data(Self.robustLine.utf8))
        XCTAssertEqual(robust.steps.map(\.step), [.center, .attack, .interval, .linear, .split, .smt])
        XCTAssertEqual(robust.decidedBy, .smt)
        XCTAssertEqual(robust.method, .smt)
        let found = try ResultsFile.decoder.decode(SampleRecord.self, from: Data(Self.notRobustLine("attack").utf8))
        XCTAssertEqual(found.counterexample?.source, .attack)
        XCTAssertEqual(found.method, .attack)
    }

    /// A results file whose record holds a word no build writes, in each typed field.
    func testUnknownWordIsRefusedNamingFileLineAndField() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("words-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let header = Self.headerLine + "\n"
        let cases: [(line: String, place: String, word: String, kind: String)] = [
            (Self.robustLine.replacingOccurrences(of: #""step":"split""#, with: #""step":"lp""#), "line 3, field steps[4].step", "lp", "not a pipeline step (center, interval, linear, attack, split, smt)"),
            (Self.robustLine.replacingOccurrences(of: #""decided_by":"smt""#, with: #""decided_by":"milp""#), "line 3, field decided_by", "milp", "not a pipeline step"),
            (Self.robustLine.replacingOccurrences(of: #""method":"smt""#, with: #""method":"exact""#), "line 3, field method", "exact", "not a method (bounds, split, smt, center, attack)"),
            (Self.notRobustLine("attack").replacingOccurrences(of: #""source":"attack""#, with: #""source":"pgd""#), "line 3, field counterexample.source", "pgd", "not a counterexample source (center, attack, smt)"),
        ]
        for (index, bad) in cases.enumerated() {
            let path = directory.appendingPathComponent("r\(index).jsonl").path
            let good = Self.notRobustLine("center").replacingOccurrences(of: #""index":8"#, with: #""index":9"#)
            try Data((header + good + "\n" + bad.line + "\n").utf8).write(to: URL(fileURLWithPath: path))
            XCTAssertThrowsError(try ResultsFile.read(path)) { error in
                let text = "\(error)"
                XCTAssertTrue(text.hasPrefix("\(path): \(bad.place): is \"\(bad.word)\", \(bad.kind)"), text)
                XCTAssertFalse(text.contains("\n"), text)
            }
        }
    }

    /// A results header line (the reader checks the kind and the experiment hash).
    static let headerLine = #"{"bound":"hoeffding","classes":[1],"confidence":0.9,"delta":0.1,"digests":{},"eps":0.1,"experiment":"abc","format":"generative-verification-results/2","identity":"id","kind":"header","noise_dimension":1,"samples_per_class":20}"#
}
