import Encoding

/// A step of the pipeline (``QuerySolver``). The raw value is the step's name in results
/// files (`steps`, `decided_by`), certificates and the terminal; it never changes.
public enum PipelineStep: String, Sendable, Codable, CaseIterable {
    /// The float forward pass and exact check at the box centre.
    case center
    /// Interval bounds of every unsafe atom.
    case interval
    /// Linear (CROWN-style) bounds of every unsafe atom.
    case linear
    /// The whole-box attack.
    case attack
    /// The split search, without the time spent in Z3.
    case split
    /// The Z3 leaves of the split search.
    case smt
}

/// What one pipeline step did: which step, its wall time, and whether it decided the query.
public struct StepRecord: Sendable, Equatable {
    public var name: PipelineStep
    public var seconds: Double
    public var decided: Bool
}

/// How a sub-box of a split proof was closed.
public enum LeafMethod: String, Sendable, Codable {
    /// Sound (interval or linear) bounds exclude every unsafe disjunct on the sub-box.
    case bounds
    /// Z3 answered `unsat` on the exact encoding of the sub-box.
    case smt
    /// Sound linear bounds with optimised lower slopes (``ClosedLeaf/slopes``, alpha-CROWN)
    /// exclude every disjunct that the plain bounds left open on the sub-box.
    case slopes
}

/// One closed sub-box of a split proof (part of the certificate).
public struct ClosedLeaf: Sendable, Equatable {
    public var lower: [Double]
    public var upper: [Double]
    public var depth: Int
    public var method: LeafMethod
    /// The dimension split at each ancestor, from the root (`path.count == depth`): with
    /// it, `verify check` rebuilds the search's bisection tree node for node and bounds each
    /// node inside its parent's bounds, as the search did.
    public var path: [Int]
    /// For a ``LeafMethod/slopes`` leaf: the lower slopes that close it, keyed by layer like
    /// ``BoundOptions/lowerSlopes`` (NaN: the unit keeps its adaptive line); nil otherwise.
    public var slopes: [Int: [Double]]? = nil
}

/// Counters of one query.
public struct QueryStatistics: Sendable, Equatable {
    /// Boxes bounded by the split search (the root counts as one).
    public var nodes = 0
    /// Deepest split level reached.
    public var maxDepth = 0
    /// Leaves sent to Z3, and how they ended.
    public var smtLeaves = 0
    public var smtUnsat = 0
    public var smtSat = 0
    public var smtUnknown = 0
    /// Sum of Z3's `rlimit count` over all leaves.
    public var smtResourceCount = 0.0
    /// Unstable ReLU-like units of the root box under the linear bounds.
    public var rootUnstableUnits = 0
    /// The phase engine's root branching (``IntermediateBranching``): bound evaluations, and
    /// how many of the loose units it bounded it made stable.
    public var rootBranchEvaluations = 0
    public var rootBranchStabilised = 0
    public var rootBranchLoose = 0
    /// Conjunctions closed on a sub-box by a dual certificate of the linear bounds
    /// (``ConjunctionExclusion``), and by the exact LP on Z3 where no certificate was found.
    public var dualExclusions = 0
    public var lpExclusions = 0
    /// The split search's one escalated whole-box attack (``AttackSettings/escalatedAttack``)
    /// found the counterexample.
    public var escalatedAttackFound = false
    /// Nodes of the split search's plain track (``SearchSettings/plainTrackPeriod``),
    /// included in ``nodes``.
    public var plainTrackNodes = 0
    /// A node attack of the plain track found the counterexample.
    public var plainTrackFound = false
    /// The phase engine's falsifier: points tried and gradient steps (``FalsifierEffort``).
    public var falsifier = FalsifierEffort()
    /// The phase engine's falsifier found the counterexample (a bound minimiser or a descent).
    public var falsifierFound = false
    /// Sub-boxes of the input split search closed by optimised slopes
    /// (``BoundSettings/slopeSteps``) after their plain bounds left them open.
    public var slopeClosures = 0
}

/// The full answer to a ``SafetyQuery``.
public struct QueryResult: Sendable {
    public var verdict: Verdict
    /// The pipeline steps that ran, in order.
    public var steps: [StepRecord]
    /// Closed sub-boxes (for split proofs; at most the configured number are kept).
    public var leaves: [ClosedLeaf]
    /// True when more leaves closed than were recorded.
    public var leavesTruncated: Bool
    public var statistics: QueryStatistics
    /// False when the network has tanh/sigmoid layers: verdicts stay sound, but an open
    /// leaf cannot be decided exactly (it may end UNKNOWN where an exact method would not).
    public var exact: Bool
    /// Lower bounds of each unsafe atom over the whole box (linear bounds when enabled),
    /// flattened in disjunct order; a positive entry closes its disjunct.
    public var rootAtomLowerBounds: [Double]
    /// Wall time of the whole query.
    public var seconds: Double
    /// The ReLU-phase engine's proof tree (when it ran and recorded one).
    public var phaseProof: PhaseProof? = nil
}
