import Foundation

/// Why a query ended UNKNOWN: which limit stopped it, or what kept a leaf undecided.
///
/// Closed, so that every consumer (the results file's `limit`, `verify vnnlib`'s `timeout`
/// answer, the CLI message) switches over every case and a new reason is a compile error
/// wherever it must be classified. `description` is the sentence written to results files
/// (`reason`), certificates (`reason`) and the terminal; it is pinned by tests, because
/// results files written by earlier builds are resumed and must keep meaning the same.
public enum UnknownReason: Sendable, Equatable, CustomStringConvertible {
    /// The query's wall-clock safety net (``QueryLimits/timeLimit``, in seconds) passed.
    case timeLimit(seconds: Double)
    /// The split search bounded its budget of nodes (``QueryLimits/maxNodes``).
    case nodeBudget(nodes: Int)
    /// ``QueryInterruptHandle/interrupt()`` stopped the search between nodes.
    case interrupted
    /// A sub-box was left open because the exact step is switched off.
    case exactStepDisabled
    /// A tanh/sigmoid network: Z3 found points of the interval envelope, none confirmed.
    case inexactEncoding
    /// The last exact leaf that could not be decided, and why.
    case leaf(LeafFailure)

    public var description: String {
        switch self {
        case .timeLimit(let seconds): return "time limit (\(seconds) s) reached"
        case .nodeBudget(let nodes): return "node budget (\(nodes)) exhausted"
        case .interrupted: return "interrupted"
        case .exactStepDisabled: return "open sub-box left (exact step disabled)"
        case .inexactEncoding: return "inexact encoding (tanh/sigmoid) found no confirmed counterexample"
        case .leaf(let failure): return failure.description
        }
    }

    /// True when the query ran out of wall-clock time (`verify vnnlib` answers `timeout`):
    /// the query's time limit, or Z3's timeout on a leaf.
    public var isTimeout: Bool {
        switch self {
        case .timeLimit, .leaf(.z3(.timeout)): return true
        case .nodeBudget, .interrupted, .exactStepDisabled, .inexactEncoding, .leaf: return false
        }
    }
}

/// Why one exact leaf (``ExactLeafSolver``) has no `sat` / `unsat` answer.
public enum LeafFailure: Sendable, Equatable, CustomStringConvertible {
    /// Z3 answered `unknown` (in this process or in the leaf process).
    case z3(Z3UnknownReason)
    /// The big-M encoding or the in-process Z3 call threw; the error's text.
    case encodingOrSolver(String)
    /// The leaf process could not be run or its answer could not be read: the leaf's query
    /// file could not be written, the spawn failed, or the answer is malformed; the detail.
    case leafProcess(String)
    /// The leaf process exited with a non-zero status; the first line of its stderr.
    case leafProcessExited(code: Int32, standardError: String)
    /// Z3's model (in this process or from the leaf process) puts an input outside the leaf's
    /// box, which a correct model never does; the detail.
    case malformedAnswer(String)
    /// The leaf process ended by a signal it was not sent by us (a crash).
    case leafProcessCrashed(signal: Int32, standardError: String)
    /// The leaf process outlived Z3's own limit plus the grace period and was killed.
    case leafProcessKilledAtDeadline(seconds: Double, z3Limit: Double)
    /// The leaf process wrote more than 1 MiB and was killed.
    case leafProcessAnswerTooLarge
    /// The leaf process was reaped by someone else before it could be read.
    case leafProcessVanished

    public var description: String {
        switch self {
        case .z3(let reason): return "z3: \(reason)"
        case .encodingOrSolver(let error): return "encoding or solver error: \(error)"
        case .leafProcess(let detail): return "z3 leaf process: \(detail)"
        case .malformedAnswer(let detail): return "z3 leaf: malformed answer: \(detail)"
        case let .leafProcessExited(code, standardError): return "z3 leaf process failed (exit \(code))\(Self.suffix(standardError))"
        case let .leafProcessCrashed(signal, standardError): return "z3 leaf process crashed (signal \(signal))\(Self.suffix(standardError))"
        case let .leafProcessKilledAtDeadline(seconds, limit):
            return "z3 leaf process killed after \(String(format: "%.1f", seconds)) s (Z3 did not stop at its \(String(format: "%g", limit)) s limit)"
        case .leafProcessAnswerTooLarge: return "z3 leaf process killed: its answer passed 1 MiB"
        case .leafProcessVanished: return "z3 leaf process reaped elsewhere; no answer"
        }
    }

    /// `": " + line`, or nothing for an empty stderr line.
    private static func suffix(_ line: String) -> String { line.isEmpty ? "" : ": " + line }
}

extension Z3UnknownReason {
    /// The reason whose ``description`` is `text`: how a leaf process's `unknown <reason>`
    /// line (``LeafAnswer``) becomes a reason again. Text that is not one of Z3's own
    /// classified reasons is ``other(_:)``.
    public init(description text: String) {
        switch text {
        case Z3UnknownReason.timeout.description: self = .timeout
        case Z3UnknownReason.resourceLimit.description: self = .resourceLimit
        case Z3UnknownReason.interrupted.description: self = .interrupted
        default: self = .other(text)
        }
    }
}
