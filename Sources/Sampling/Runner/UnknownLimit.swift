import Solver

/// Which limit ended an UNKNOWN sample: the `limit` field of a results file.
///
/// The raw values are the words results files hold; files are resumed and merged across
/// builds, so a raw value never changes (pinned by a test). A sample that ran out of
/// counted budget (`nodes`, `rlimit`) ends the same on any machine; one that ran out of
/// wall-clock time (`time`) may not (design: performance principles).
public enum UnknownLimit: String, Sendable, Hashable, Codable, CaseIterable {
    /// The split search's node budget.
    case nodes
    /// Z3's deterministic resource limit on a leaf.
    case rlimit
    /// A wall-clock limit: the query's time limit or Z3's timeout on a leaf.
    case time
    /// The exact step is switched off and a sub-box stayed open.
    case disabled
    /// A tanh/sigmoid network whose envelope points were not confirmed.
    case inexact
    /// The query was interrupted.
    case interrupted
    /// Anything else (a leaf process that failed, an encoding error, Z3's own reason).
    case other

    /// The limit a solver reason names.
    public init(_ reason: UnknownReason) {
        switch reason {
        case .timeLimit: self = .time
        case .nodeBudget: self = .nodes
        case .interrupted: self = .interrupted
        case .exactStepDisabled: self = .disabled
        case .inexactEncoding: self = .inexact
        case .leaf(.z3(.timeout)): self = .time
        case .leaf(.z3(.resourceLimit)): self = .rlimit
        case .leaf(.z3(.interrupted)): self = .interrupted
        case .leaf(.z3(.other)), .leaf(.encodingOrSolver), .leaf(.leafProcess), .leaf(.malformedAnswer), .leaf(.leafProcessExited),
             .leaf(.leafProcessCrashed), .leaf(.leafProcessKilledAtDeadline), .leaf(.leafProcessAnswerTooLarge),
             .leaf(.leafProcessVanished):
            self = .other
        }
    }
}
