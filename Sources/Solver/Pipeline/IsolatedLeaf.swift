import Foundation
import Encoding

/// An exact leaf solved in a child process, so that a Z3 call that ignores its own timeout
/// and `Z3_interrupt` (Debian's Z3 4.8.12 can, deep in its rational arithmetic) costs one
/// killed process instead of a hung worker thread.
///
/// ```
/// parent: LeafQuery.text -> temp file
///         verify-leaf FILE --timeout-ms T --rlimit R --exit-with-stdin
///         wait at most T/1000 + grace seconds, else SIGKILL (process group); always reap
///         parse stdout (LeafAnswer), delete the file (a parent killed first leaves it;
///         the next run's first leaf deletes it, see StaleLeafFiles)
/// child:  Z3 on the parsed text, prints unsat | unknown <reason> | sat + X_i p/q lines
/// ```
///
/// The child (``LeafWorker``, the `verify-leaf` executable) answers with a ``LeafAnswer``
/// (exact rationals in its text form), which goes through the same conversion to a
/// ``LeafOutcome`` as an in-process answer (``LeafOutcome/init(_:box:)``). Every failure of
/// the child (killed, crashed, non-zero exit, malformed answer) is UNKNOWN with a reason
/// naming it, never `sat` or `unsat`.
struct IsolatedLeaf {
    /// The leaf worker executable (``LeafWorker``, `verify-leaf`).
    var executable: String
    /// Seconds past the Z3 time limit before the child is killed.
    var grace: Double

    /// Solves `query` (inputs `X_0 ...` spanning `box`) in a child process.
    /// - Returns: the outcome and the Z3 resource units the child reported (0 if none).
    func solve(_ query: LeafQuery, box: Box, slot: ChildProcessSlot, flag: InterruptFlag) -> (LeafOutcome, Double) {
        let options = query.options
        _ = StaleLeafFiles.sweptOnce  // files a killed earlier run could not delete
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(StaleLeafFiles.name(pid: getpid()))
        defer { try? FileManager.default.removeItem(at: file) }
        do {
            try query.text.write(to: file, atomically: false, encoding: .utf8)
        } catch {
            return (.unknown(.leafProcess("cannot write \(file.path) (\(error.localizedDescription))")), 0)
        }
        let timeout = options.timeoutMilliseconds ?? UInt32.max
        var arguments = [file.path, "--exit-with-stdin"]
        if let limit = options.timeoutMilliseconds { arguments += ["--timeout-ms", "\(limit)"] }
        if let limit = options.resourceLimit { arguments += ["--rlimit", "\(limit)"] }
        let deadline = Double(timeout) / 1000 + grace
        if flag.isSet { return (.unknown(.z3(.interrupted)), 0) }
        let result: ChildProcessResult
        do {
            result = try ChildProcess.run(executable: executable, arguments: arguments, deadline: deadline,
                                          slot: slot, shouldStop: { flag.isSet })
        } catch {
            return (.unknown(.leafProcess("\(error)")), 0)
        }
        if flag.isSet { return (.unknown(.z3(.interrupted)), 0) }
        let stderr = String(decoding: result.standardError, as: UTF8.self)
            .split(whereSeparator: \.isNewline).first.map { String($0.prefix(200)) } ?? ""
        switch result.ending {
        case .exited(0):
            break
        case .exited(let code):
            return (.unknown(.leafProcessExited(code: code, standardError: stderr)), 0)
        case .signalled(let signal):
            return (.unknown(.leafProcessCrashed(signal: signal, standardError: stderr)), 0)
        case .killedAtDeadline:
            return (.unknown(.leafProcessKilledAtDeadline(seconds: result.seconds, z3Limit: Double(timeout) / 1000)), 0)
        case .killedOnRequest:
            return (.unknown(.z3(.interrupted)), 0)
        case .killedForOutput:
            return (.unknown(.leafProcessAnswerTooLarge), 0)
        case .vanished:
            return (.unknown(.leafProcessVanished), 0)
        }
        do {
            let (answer, resources) = try LeafAnswer.parse(String(decoding: result.standardOutput, as: UTF8.self),
                                                           inputCount: box.dimension)
            return (LeafOutcome(answer, box: box), resources)
        } catch {
            return (.unknown(.leafProcess("\(error)")), 0)
        }
    }
}
