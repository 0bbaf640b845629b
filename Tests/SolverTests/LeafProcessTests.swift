import Encoding
import Foundation
import Network
@testable import Solver
import XCTest

/// The child-process leaf path with stand-in children (shell scripts) that hang, crash or
/// print nonsense: every such leaf ends UNKNOWN, never `sat` or `unsat`, and no child is
/// left behind. Agreement with in-process Z3 is tested with the real leaf worker `verify-leaf`
/// in IsolatedLeafTests.
final class LeafProcessTests: XCTestCase {
    // MARK: - Answer format

    func testAnswerTextRoundTrips() throws {
        let third = ExactRational(fraction: "-1/3")!, seven = ExactRational(fraction: "7")!
        XCTAssertEqual(LeafAnswer.sat([third, seven]).text(resourceCount: 12), "sat\nX_0 -1/3\nX_1 7\nrlimit 12\n")
        XCTAssertEqual(LeafAnswer.unknown("canceled\nby user").text(), "unknown canceled by user\n")
        for answer in [LeafAnswer.unsat, .unknown("resource limit"), .sat([third, seven])] {
            let (parsed, resources) = try LeafAnswer.parse(answer.text(resourceCount: 5), inputCount: 2)
            XCTAssertEqual(parsed, answer)
            XCTAssertEqual(resources, 5)
            XCTAssertEqual(try LeafAnswer.parse(answer.text(), inputCount: 2).1, 0)
        }
    }

    /// A parent killed while a leaf runs leaves its query file; the next run deletes the files
    /// of processes that no longer exist and nothing else.
    func testStaleLeafFilesOfDeadProcessesAreSwept() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stale-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let finished = Process()
        finished.executableURL = URL(fileURLWithPath: "/bin/true")
        try finished.run()
        finished.waitUntilExit()
        let dead = StaleLeafFiles.name(pid: finished.processIdentifier)
        let kept = [StaleLeafFiles.name(pid: getpid()), StaleLeafFiles.name(pid: 1),
                    "verify-leaf-abc-1.smt2", "verify-leaf-\(finished.processIdentifier)-1.txt", "other.smt2"]
        for name in [dead] + kept { try "(check-sat)".write(to: directory.appendingPathComponent(name), atomically: false, encoding: .utf8) }
        XCTAssertEqual(StaleLeafFiles.sweep(directory: directory), [dead])
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: directory.path)), Set(kept))
    }

    func testMalformedAnswersAreRejected() {
        let cases = [
            "",                                  // nothing
            "unsat",                             // truncated: no final newline
            "sat\nX_0 1/2\nX_1 1/3",             // truncated
            "unsat\nunsat\n",                    // extra line
            "sat\nX_0 1/2\n",                    // one value for two inputs
            "sat\nX_1 1/2\nX_0 1/3\n",           // reordered
            "sat\nX_0 0.5\nX_1 1/3\n",           // decimal
            "sat\nX_0 1e-5\nX_1 1/3\n",          // exponent
            "sat\nX_0 1/0\nX_1 1/3\n",           // zero denominator
            "sat\nX_0 banana\nX_1 1/3\n",
            "SAT\n",
            "unknown\n",                         // no reason separator
            "unsat\nrlimit many\n",
            "rlimit 5\n",
        ]
        for text in cases {
            XCTAssertThrowsError(try LeafAnswer.parse(text, inputCount: 2), "accepted \(text.debugDescription)")
        }
    }

    func testLeafTextsThatAreNotQueriesAreErrorsNeverSat() throws {
        let good = "(set-logic QF_LRA)\n(declare-const X_0 Real)\n(assert (<= 0 X_0))\n(assert (<= X_0 1))\n(check-sat)\n"
        guard case .sat(let values) = try LeafAnswer.solving(smtlib2: good, options: Z3QueryOptions()).0, values.count == 1 else {
            return XCTFail("the well-formed leaf must be sat with one value")
        }
        XCTAssertTrue(values[0].nearestDouble >= 0 && values[0].nearestDouble <= 1)
        let broken = [
            good.replacingOccurrences(of: "(assert (<= X_0 1))", with: "(assert (<= X_0 1)"),   // parse error
            good.replacingOccurrences(of: "(<= X_0 1)", with: "(<= X_0 Y)"),                    // unknown symbol
            good.replacingOccurrences(of: "(check-sat)\n", with: ""),                           // cut short
            good.replacingOccurrences(of: "X_0", with: "Z"),                                    // no inputs
            good.replacingOccurrences(of: "(declare-const X_0 Real)", with: "(declare-const X_0 Real)\n(declare-const X_2 Real)"),
        ]
        for text in broken {
            XCTAssertThrowsError(try LeafAnswer.solving(smtlib2: text, options: Z3QueryOptions()), text)
        }
    }

    // MARK: - Stand-in children

    /// A tiny leaf: a random 2-3-2 ReLU net on a box where both answers are possible.
    func leaf() throws -> (NeuralNetwork, Box, BoundResult, OutputProperty) {
        var rng = Z3SeededGenerator(seed: 5)
        let network = Z3TestNetworks.random(sizes: [2, 3, 2], using: &rng)
        let box = try Box.linf(center: [0.1, -0.2], radius: 0.5)
        let property = OutputProperty.misclassification(outputCount: 2, trueClass: network.evaluate([0.1, -0.2]).argmax)
        let query = SafetyQuery(network: network, box: box, property: property)
        return (network, box, BoundPropagation.bounds(of: network, over: box, specification: query.specification.0, method: .interval), property)
    }

    /// A shell script in a fresh directory; `$DIR` in `body` is that directory.
    func script(_ body: String) throws -> (path: String, directory: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("leaf-process-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/child.sh"
        try ("#!/bin/sh\nDIR=\(directory)\n" + body + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertEqual(chmod(path, 0o755), 0)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: directory) }
        return (path, directory)
    }

    func solve(with executable: String, grace: Double = 0.2, timeLimit: Double = 0.2) throws -> LeafOutcome {
        let (network, box, bounds, property) = try leaf()
        let solver = try ExactLeafSolver()
        solver.isolation = IsolatedLeaf(executable: executable, grace: grace)
        return solver.solve(network: network, box: box, bounds: bounds, property: property,
                            resourceLimit: 0, timeLimit: timeLimit, smt2Directory: nil).0
    }

    func reason(_ outcome: LeafOutcome) -> String? {
        if case .unknown(let reason) = outcome { return reason.description }
        return nil
    }

    /// Whether `pid` no longer runs: gone, or a zombie of some other parent. Waits up to 10 s
    /// for a SIGKILL to land (a bound against hanging, not a timing assertion).
    func isDead(_ pid: pid_t) -> Bool {
        for _ in 0..<1000 {
            if kill(pid, 0) != 0 && errno == ESRCH { return true }
            if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
               let close = stat.lastIndex(of: ")"), stat[stat.index(close, offsetBy: 2)] == "Z" { return true }
            usleep(10_000)
        }
        return false
    }

    func pid(in file: String) throws -> pid_t {
        let text = try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        return try XCTUnwrap(pid_t(text), "pid file \(file) holds '\(text)'")
    }

    func testChildThatNeverAnswersIsKilledAndReaped() throws {
        let (path, directory) = try script("echo $$ > $DIR/pid\nsleep 1000 &\necho $! > $DIR/sleep\nwait")
        let outcome = try solve(with: path)
        let text = try XCTUnwrap(reason(outcome), "expected unknown, got \(outcome)")
        XCTAssertTrue(text.contains("killed after"), text)
        let child = try pid(in: directory + "/pid")
        // Reaped by the solver: not even a zombie is left, and it is no longer our child.
        XCTAssertEqual(kill(child, 0), -1)
        XCTAssertEqual(errno, ESRCH)
        var status: Int32 = 0
        XCTAssertEqual(waitpid(child, &status, WNOHANG), -1)
        // The child's own child died with its process group.
        XCTAssertTrue(isDead(try pid(in: directory + "/sleep")), "the grandchild survived")
    }

    func testGarbageAnswersAreUnknownNeverAVerdict() throws {
        let scripts = [
            "echo sat; echo 'X_0 banana'; echo 'X_1 1/2'": "malformed",
            "printf unsat": "truncated",
            "echo unsat; echo unsat": "extra",
            "echo sat": "value lines",
            "echo sat; echo 'X_0 1000'; echo 'X_1 1/2'": "outside the box",
            "echo unsat; exit 1": "exit 1",
            "kill -SEGV $$": "signal 11",
            "head -c 2000000 /dev/zero": "1 MiB",
            "echo 'Let me think about it.'": "unexpected first line",
        ]
        for (body, expected) in scripts {
            let outcome = try solve(with: try script(body).path, grace: 30)
            let text = try XCTUnwrap(reason(outcome), "\(body): expected unknown, got \(outcome)")
            XCTAssertTrue(text.contains(expected), "\(body): \(text)")
        }
        let missing = try solve(with: "/nonexistent/verify")
        XCTAssertTrue(reason(missing)?.contains("cannot start") == true, "\(missing)")
    }

    func testWellFormedAnswersOfAStandInAreTaken() throws {
        XCTAssertTrue({ if case .unsat = $0 { return true }; return false }(try solve(with: try script("echo unsat; echo rlimit 3").path, grace: 30)))
        let outcome = try solve(with: try script("echo sat; echo 'X_0 1/4'; echo 'X_1 -1/8'").path, grace: 30)
        guard case let .sat(exact, nearest) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertEqual(exact.map(\.fractionString), ["1/4", "-1/8"])
        XCTAssertEqual(nearest, [0.25, -0.125])
    }

    func testInterruptKillsTheRunningChild() throws {
        let (path, directory) = try script("echo $$ > $DIR/pid.tmp; mv $DIR/pid.tmp $DIR/pid\nsleep 1000 &\nwait")
        let (network, box, bounds, property) = try leaf()
        let solver = try ExactLeafSolver()
        solver.isolation = IsolatedLeaf(executable: path, grace: 1000)
        let handle = solver.interruptHandle
        let result = OutcomeBox()
        let done = DispatchSemaphore(value: 0)
        let unchecked = UncheckedSolver(solver: solver)
        Thread.detachNewThread {
            result.outcome = unchecked.solver.solve(network: network, box: box, bounds: bounds, property: property,
                                                    resourceLimit: 0, timeLimit: 1000, smt2Directory: nil).0
            done.signal()
        }
        // Wait (bounded) until the child runs, then interrupt it.
        for _ in 0..<3000 where !FileManager.default.fileExists(atPath: directory + "/pid") { usleep(10_000) }
        let child = try pid(in: directory + "/pid")
        handle.interrupt()
        XCTAssertEqual(done.wait(timeout: .now() + 60), .success, "the interrupt did not end the leaf")
        XCTAssertEqual(result.outcome.flatMap(reason), "z3: interrupted")
        XCTAssertEqual(kill(child, 0), -1, "the child was not reaped")
    }
}

/// Hands the non-Sendable solver to the test's worker thread (only that thread uses it
/// until the semaphore is signalled).
private struct UncheckedSolver: @unchecked Sendable { let solver: ExactLeafSolver }

private final class OutcomeBox: @unchecked Sendable { var outcome: LeafOutcome? }
