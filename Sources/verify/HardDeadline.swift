import Foundation

/// The last safety net of a one-shot command (`vnnlib`, `local`): Z3 4.8.12 sometimes ignores
/// its own timeout and `Z3_interrupt` deep inside its rational arithmetic, so five seconds
/// after the time limit the deadline prints `answer` (and writes it as the result file) and
/// ends the process with exit code 3.
///
/// The command and the deadline answer at most once between them: the command claims the
/// answer (``claimAnswerOrWait()``) after it has prepared every file it writes and before it
/// prints anything, and the deadline answers only if the command has not claimed. So a run
/// that finishes its search just before the deadline but is still encoding a large proof
/// answers `timeout` alone, never its verdict followed by `timeout`, and writes no
/// certificate.
final class HardDeadline: @unchecked Sendable {
    private let lock = NSLock()
    private var answered = false

    init(seconds: Double, answer: String, resultFile: String?) {
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds + 5) { [self] in
            guard claim() else { return }
            if let resultFile { try? writeAtomically(answer + "\n", to: resultFile) }
            print(answer)
            printError("verify: the run did not end within 5 s of the time limit (a solver that overran it, or a proof still being encoded); ended the process (\(answer))")
            exit(ExitCode.unknown.rawValue)
        }
    }

    /// Claims the answer for the command. When the deadline has already answered, this
    /// thread waits for the process to end (the deadline is exiting it).
    func claimAnswerOrWait() {
        guard claim() else {
            while true { sleep(60) }
        }
    }

    /// True for the first caller only.
    private func claim() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if answered { return false }
        answered = true
        return true
    }
}
