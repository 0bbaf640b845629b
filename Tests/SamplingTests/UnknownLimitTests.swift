import Foundation
import XCTest

@testable import Sampling
@testable import Solver

/// The `limit` word of an UNKNOWN sample in a results file, now chosen by a switch over
/// ``UnknownReason``. Files written by earlier builds are resumed and merged, so the words
/// and their meaning must not move.
final class UnknownLimitTests: XCTestCase {
    /// The rule earlier builds applied to the reason's text (copied from their source): the
    /// oracle the typed mapping must agree with on every reason the solver can produce.
    static func limitByText(_ reason: String) -> String {
        let text = reason.lowercased()
        if text.contains("node budget") { return "nodes" }
        if text.contains("resource") || text.contains("rlimit") { return "rlimit" }
        if text.contains("time") { return "time" }
        if text.contains("disabled") { return "disabled" }
        if text.contains("inexact") { return "inexact" }
        if text.contains("interrupt") || text.contains("cancel") { return "interrupted" }
        return "other"
    }

    /// One reason of every case, with the payloads the solver produces.
    static let reasons: [UnknownReason] = [
        .timeLimit(seconds: 60), .nodeBudget(nodes: 2000), .interrupted, .exactStepDisabled, .inexactEncoding,
        .leaf(.z3(.timeout)), .leaf(.z3(.resourceLimit)), .leaf(.z3(.interrupted)),
        .leaf(.z3(.other("(incomplete (theory arithmetic))"))), .leaf(.z3(.other("unknown"))),
        .leaf(.encodingOrSolver("Z3_mk_add failed")), .leaf(.leafProcess("malformed answer: X_0 = 2 lies outside the box [0.0, 1.0]")),
        .leaf(.leafProcessExited(code: 2, standardError: "")), .leaf(.leafProcessCrashed(signal: 11, standardError: "")),
        .leaf(.leafProcessKilledAtDeadline(seconds: 3.2, z3Limit: 2)), .leaf(.leafProcessAnswerTooLarge),
        .leaf(.leafProcessVanished), .leaf(.malformedAnswer("X_0 = 2 lies outside the box [0.0, 1.0]")),
    ]

    func testTypedLimitAgreesWithTheTextRuleOfEarlierBuilds() {
        for reason in Self.reasons {
            XCTAssertEqual(UnknownLimit(reason).rawValue, Self.limitByText(reason.description), reason.description)
        }
    }

    func testLimitWordsArePinnedAndParseBack() {
        XCTAssertEqual(UnknownLimit.allCases.map(\.rawValue),
                       ["nodes", "rlimit", "time", "disabled", "inexact", "interrupted", "other"])
        for word in ["nodes", "rlimit", "time", "disabled", "inexact", "interrupted", "other"] {
            XCTAssertEqual(UnknownLimit(rawValue: word)?.rawValue, word)
        }
    }

    /// Every (reason, limit) pair earlier builds wrote reads back from a results line, with
    /// its limit as the enum and its reason text kept.
    func testEveryEarlierReasonAndLimitReadsBack() throws {
        for reason in Self.reasons {
            let text = reason.description, word = Self.limitByText(text)
            let line = #"{"center_logits":[0,1],"center_margin":1,"class":1,"exact":true,"experiment":"abc","index":7,"kind":"sample","limit":"\#(word)","nodes":5,"noise":[0.5],"reason":"\#(text)","sample":3,"seconds":2,"smt_leaves":0,"steps":[],"verdict":"unknown"}"#
            let record = try ResultsFile.decoder.decode(SampleRecord.self, from: Data(line.utf8))
            XCTAssertEqual(record.unknownLimit, UnknownLimit(reason), text)
            XCTAssertEqual(record.reason, text)
            XCTAssertEqual(String(decoding: try ResultsFile.line(record), as: UTF8.self), line + "\n")
        }
    }

    /// A record of an UNKNOWN sample is written byte for byte as earlier builds wrote it
    /// (the line below is one such build's output for this result), and reads back.
    func testUnknownRecordLineIsPinnedAndReadsBack() throws {
        let steps = [StepRecord(name: .center, seconds: 0.5, decided: false),
                     StepRecord(name: .linear, seconds: 0.25, decided: false),
                     StepRecord(name: .split, seconds: 1, decided: false)]
        var statistics = QueryStatistics()
        statistics.nodes = 2000
        let result = QueryResult(verdict: .unknown(reason: .nodeBudget(nodes: 2000)), steps: steps, leaves: [],
                                 leavesTruncated: false, statistics: statistics, exact: true,
                                 rootAtomLowerBounds: [-0.5], seconds: 2)
        let record = SampleRecord(experiment: "abc", index: 7, classIndex: 1, sample: 3, noise: [0.5],
                                  centerLogits: [0, 1], result: result)
        let line = String(decoding: try ResultsFile.line(record), as: UTF8.self)
        let expected = #"{"center_logits":[0,1],"center_margin":1,"class":1,"exact":true,"experiment":"abc","index":7,"kind":"sample","limit":"nodes","margin_lower_bound":-0.5,"nodes":2000,"noise":[0.5],"reason":"node budget (2000) exhausted","sample":3,"seconds":2,"smt_leaves":0,"steps":[{"decided":false,"seconds":0.5,"step":"center"},{"decided":false,"seconds":0.25,"step":"linear"},{"decided":false,"seconds":1,"step":"split"}],"verdict":"unknown"}"# + "\n"
        XCTAssertEqual(line, expected)
        let read = try ResultsFile.decoder.decode(SampleRecord.self, from: Data(expected.utf8))
        XCTAssertEqual(read, record)
        XCTAssertEqual(read.unknownLimit, .nodes)
    }
}
