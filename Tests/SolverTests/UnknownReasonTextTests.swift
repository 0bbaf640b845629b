import XCTest
@testable import Solver

/// The text of every ``UnknownReason``: results files and certificates hold it in `reason`,
/// and files written by earlier builds are resumed, so each sentence is pinned here word for
/// word (the expected strings are the sentences the solver wrote before the reasons were
/// typed, copied from those builds' source).
final class UnknownReasonTextTests: XCTestCase {
    func testEveryReasonWritesItsPinnedSentence() {
        let cases: [(UnknownReason, String)] = [
            (.timeLimit(seconds: 60), "time limit (60.0 s) reached"),
            (.timeLimit(seconds: 0.25), "time limit (0.25 s) reached"),
            (.nodeBudget(nodes: 2000), "node budget (2000) exhausted"),
            (.interrupted, "interrupted"),
            (.exactStepDisabled, "open sub-box left (exact step disabled)"),
            (.inexactEncoding, "inexact encoding (tanh/sigmoid) found no confirmed counterexample"),
            (.leaf(.z3(.timeout)), "z3: timeout"),
            (.leaf(.z3(.resourceLimit)), "z3: resource limit"),
            (.leaf(.z3(.interrupted)), "z3: interrupted"),
            (.leaf(.z3(.other("(incomplete (theory arithmetic))"))), "z3: (incomplete (theory arithmetic))"),
            (.leaf(.encodingOrSolver("Z3_mk_add failed")), "encoding or solver error: Z3_mk_add failed"),
            (.leaf(.leafProcess("cannot start /x: No such file or directory")),
             "z3 leaf process: cannot start /x: No such file or directory"),
            (.leaf(.leafProcessExited(code: 2, standardError: "verify: bad file")),
             "z3 leaf process failed (exit 2): verify: bad file"),
            (.leaf(.leafProcessExited(code: 1, standardError: "")), "z3 leaf process failed (exit 1)"),
            (.leaf(.leafProcessCrashed(signal: 11, standardError: "")), "z3 leaf process crashed (signal 11)"),
            (.leaf(.leafProcessCrashed(signal: 6, standardError: "abort")), "z3 leaf process crashed (signal 6): abort"),
            (.leaf(.leafProcessKilledAtDeadline(seconds: 3.2547, z3Limit: 2)),
             "z3 leaf process killed after 3.3 s (Z3 did not stop at its 2 s limit)"),
            (.leaf(.leafProcessKilledAtDeadline(seconds: 0.71, z3Limit: 0.5)),
             "z3 leaf process killed after 0.7 s (Z3 did not stop at its 0.5 s limit)"),
            (.leaf(.leafProcessAnswerTooLarge), "z3 leaf process killed: its answer passed 1 MiB"),
            (.leaf(.leafProcessVanished), "z3 leaf process reaped elsewhere; no answer"),
            (.leaf(.malformedAnswer("X_0 = 2 lies outside the box [0.0, 1.0]")),
             "z3 leaf: malformed answer: X_0 = 2 lies outside the box [0.0, 1.0]"),
        ]
        for (reason, text) in cases {
            XCTAssertEqual(reason.description, text)
            XCTAssertEqual("\(reason)", text)
        }
    }

    /// `verify vnnlib` answers `timeout` exactly where the text names a time limit or Z3's
    /// timeout (the rule it applied to the text: "time limit" or "timeout" in it).
    func testTimeoutIsTheQueryTimeLimitOrZ3Timeout() {
        let reasons: [UnknownReason] = [
            .timeLimit(seconds: 1), .nodeBudget(nodes: 5), .interrupted, .exactStepDisabled, .inexactEncoding,
            .leaf(.z3(.timeout)), .leaf(.z3(.resourceLimit)), .leaf(.z3(.interrupted)), .leaf(.z3(.other("unknown"))),
            .leaf(.leafProcessKilledAtDeadline(seconds: 3, z3Limit: 2)), .leaf(.leafProcessVanished),
        ]
        for reason in reasons {
            let text = reason.description
            XCTAssertEqual(reason.isTimeout, text.contains("time limit") || text.contains("timeout"), text)
        }
    }

    /// A leaf process's `unknown <reason>` line gives back the reason the child classified.
    func testLeafProcessReasonTextParsesBack() {
        for reason in [Z3UnknownReason.timeout, .resourceLimit, .interrupted, .other("incomplete")] {
            XCTAssertEqual(Z3UnknownReason(description: reason.description), reason)
        }
    }
}
