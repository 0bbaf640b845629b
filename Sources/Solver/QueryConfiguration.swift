import Encoding

/// Limits and switches of one query's pipeline, grouped by concern: ``bounds`` (which bound
/// methods run), ``attack`` (the attacks), ``search`` (the split search), ``leaves`` (exact Z3
/// leaves: when, how and where), ``limits`` (the budgets) and ``phaseSplit`` (the engine that
/// branches on ReLU phases). Every budget that decides a
/// verdict is a count (nodes, attack steps, Z3 `rlimit`), so the verdict is the same on any
/// machine and under any load; the wall-clock limit is only a safety net, and a result
/// records which limit ended it.
///
/// ``description`` is the configuration's identity text (hashed into every results file's
/// experiment identity); it is written by hand, see QueryConfiguration+Identity.swift.
public struct QueryConfiguration: Sendable, Equatable {
    public var bounds = BoundSettings()
    public var attack = AttackSettings()
    public var search = SearchSettings()
    public var leaves = LeafSettings()
    public var limits = QueryLimits()
    /// Branch and bound over ReLU phases (``PhaseSplitSearch``): which engine searches, and
    /// its settings.
    public var phaseSplit = PhaseSplitOptions()

    public init() {}

    /// The whole-box attack of `verify vnnlib` (one hard query per file, where 0.1 s of
    /// attack is cheap): 8,192 uniform samples scored in batches, then projected gradient
    /// from the centre and the 15 best samples, 60 decaying steps each. Measured on ACAS Xu:
    /// it finds 2_9 prop_8 (a violating region of about 3.5e-4 of the box, margins below
    /// 1e-3) which the default attack and the split search's node attacks miss for 116 s.
    public static let vnnlibAttack = AttackConfiguration(restarts: 16, steps: 60, samples: 8_192, decay: true)
    /// `verify vnnlib`'s ``AttackSettings/escalatedAttack``: 65,536 samples, 256 starts of 100
    /// shrinking steps, about 1-2 s on ACAS Xu. Measured: it finds 5_3 prop_2 (violations in
    /// about 2e-7 of the box, margins below 1e-4), which the split search misses for 116 s.
    public static let vnnlibEscalatedAttack = AttackConfiguration(restarts: 256, steps: 100, seed: 0xE5CA1A7E,
                                                                  samples: 65_536, decay: true)
    /// The default ``AttackSettings/escalatedAttack`` (`robustness`, `table`, `local`):
    /// 4,096 samples, then the centre and the 63 best samples, 200 shrinking Adam steps each
    /// (``AttackStepRule/adam``). Only searches past 2,000 sub-boxes pay for it, under a second
    /// on the MNIST C∘G networks. Measured (Benchmarks/README.md, "Issue 13, eighth step"): the
    /// MNIST large × simple sample class 0 #33 at eps 0.1 violates its box only where the
    /// margin is above -5e-4; the split search misses that region for 900 s. Of 100 runs from
    /// the centre and one uniform start, 200 decaying steps each, none reaches it with sign
    /// steps and 73 do with Adam. This attack finds it after 2,000 sub-boxes, 6.3 s into the
    /// query.
    public static let escalatedAttack = AttackConfiguration(restarts: 64, steps: 200, seed: 0xE5CA1A7E, samples: 4_096,
                                                            decay: true, rule: .adam)
    /// `verify vnnlib`'s node attack: the centre and 2 gradient steps. Measured on ACAS Xu
    /// (Benchmarks/README.md): the 10-step attack took 40% of the split search's time on
    /// 3_3 prop_2, and no counterexample of the 186 instances came later with 2 steps (or
    /// with none); the whole-box and escalated attacks find them.
    public static let vnnlibNodeAttack = AttackConfiguration(restarts: 1, steps: 2)
    /// The batch of `verify vnnlib` and `verify local`: 8 sub-boxes (measured in
    /// Benchmarks/README.md, "Parallel split search").
    public static let oneShotSearchBatch = 8
    /// The strong-branching depth of `verify vnnlib` (measured on ACAS Xu, Benchmarks/README.md:
    /// depth 8 left 3_3 prop_2 worse than none, 12 and 16 better, 20 and 24 spend more on
    /// branching than they save). `verify local` uses it only when asked
    /// (`--strong-branching`): on the C∘G networks of the examples each strong node costs
    /// 2 × (noise dimension) extra bounds through 1,000-2,000 units and the trees barely
    /// shrink (measured on 10 MNIST and 10 digits queries that need the split search: 2-5
    /// times slower, Benchmarks/README.md).
    public static let oneShotStrongBranchingDepth = 16
    /// The plain-track period of `verify vnnlib` and `verify local` whenever they use strong
    /// branching (Benchmarks/README.md).
    public static let oneShotPlainTrackPeriod = 8

    /// ``BoundSettings/slopeSteps`` of `verify vnnlib`: on ACAS Xu 4_2
    /// property 2 with a trial at every open sub-box, 5 steps need 106,474 sub-boxes, 10 need
    /// 9,382, 15 need 7,142 and 20 need 6,566 (one thread: 78, 12.7, 10.9 and 11.0 s; none:
    /// over 116 s). `local` and `robustness` leave it at 0 unless asked (Benchmarks/README.md:
    /// on the MNIST C∘G suite the trials cost more than the sub-boxes they save).
    public static let oneShotSlopeSteps = 20
}

/// Which bound methods the pipeline runs.
public struct BoundSettings: Sendable, Equatable {
    /// Try interval bounds first (cheap).
    public var useInterval = true
    /// Use linear (CROWN-style) bounds; off means interval bounds everywhere (ablation).
    public var useLinear = true
    /// Close conjunctions of unsafe atoms with an exact LP over their linear bounds.
    public var useRelaxationLP = true
    /// Input split search: gradient steps that optimise the lower slopes of a sub-box whose
    /// plain linear bounds leave a disjunct open, before it is split (alpha-CROWN,
    /// ``SplitNodePreparation``); 0 = off. `verify vnnlib` uses
    /// ``QueryConfiguration/oneShotSlopeSteps``.
    public var slopeSteps = 0

    public init() {}
}

/// The attacks: the whole-box attack step, the attacks on split nodes, and the escalated
/// whole-box attack of long searches.
public struct AttackSettings: Sendable, Equatable {
    /// Run the attacks (whole box, then on split nodes).
    public var useAttack = true
    /// Which attack the whole-box attack step runs (split nodes always use the gradient attack).
    public var attackMethod = AttackMethod.gradient
    /// The gradient attack on the whole box.
    public var wholeBox = AttackConfiguration()
    /// Settings of the random-search attack when ``attackMethod`` is `.random` or `.both`.
    public var randomAttack = RandomSearchConfiguration()
    /// Attack on each split node (fewer restarts than on the whole box).
    public var nodeAttack = AttackConfiguration(restarts: 1, steps: 10)
    /// A much larger whole-box attack that the split search runs once, when it has bounded
    /// ``escalateAfterNodes`` sub-boxes without a verdict; nil: never. Queries that close
    /// quickly never pay for it; a long search gives it a try before spending minutes on
    /// boxes around a violation too small for the first attack. The default is
    /// ``QueryConfiguration/escalatedAttack``; `verify vnnlib` sets
    /// ``QueryConfiguration/vnnlibEscalatedAttack``.
    public var escalatedAttack: AttackConfiguration? = QueryConfiguration.escalatedAttack
    /// See ``escalatedAttack``; also when the plain track starts (``SearchSettings/plainTrackPeriod``).
    public var escalateAfterNodes = 2_000

    public init() {}
}

/// The split search over the input box.
public struct SearchSettings: Sendable, Equatable {
    /// Branch and bound over the input box.
    public var useSplit = true
    /// Aspect-ratio guard of the split heuristic: when the dimension with the largest
    /// `width · |Λ|` score is narrower (relative to the root box) than the relatively widest
    /// dimension by more than this factor, the widest is split instead. The score sees only the
    /// slopes of the final linear bound, not the relaxation error of unstable units that a wide
    /// dimension drives; without the guard ACAS Xu property 1 splits four inputs to 2^-15 of
    /// their width while the fifth stays at half (measured: 5_9 prop_1 and 1_4 prop_1 time out
    /// at 20 s; with 64 they close in 2 s and 1 s). `.infinity` turns the guard off.
    public var splitAspectRatio = 64.0
    /// Sub-boxes the split search takes off its stack at a time. Their bounds, dual checks
    /// and (with several threads) node attacks are computed together on ``searchThreads``
    /// threads, then handled one by one in stack order (Z3 calls stay sequential), and the
    /// children of the first are searched first. The search order, and with it every verdict
    /// and counterexample, depends on the batch size, never on the thread count.
    /// 1 (the default): plain depth-first search.
    public var searchBatch = 1
    /// Threads that prepare a batch (see ``searchBatch``): only wall-clock time depends on it.
    public var searchThreads = 1
    /// Split-search nodes shallower than this choose their split by strong branching (both
    /// halves of every input dimension bounded, the best pair kept; see ``InputSplitSearch``).
    /// 0 (the default): never.
    public var strongBranchingDepth = 0
    /// When not 0: once the search has handled ``AttackSettings/escalateAfterNodes`` nodes,
    /// every n-th batch comes from a second depth-first search of the whole box, the plain
    /// track, which splits by the plain heuristic only (no strong branching) and orders its
    /// halves by the same rule as the main search, counting its own nodes. It only looks for
    /// counterexamples: its closed sub-boxes are not part of the proof and its exact leaves
    /// are dropped, so a HOLDS verdict still comes from the main search alone. Why: strong
    /// branching reshapes the tree, and a small violating region that the plain tree's node
    /// attacks reach can lie where the strong tree does not look for minutes (ACAS Xu 1_9
    /// prop_7, measured in Benchmarks/README.md). 0 (the default): no plain track.
    public var plainTrackPeriod = 0

    public init() {}
}

/// Exact leaves: which sub-boxes go to Z3, and where Z3 runs.
public struct LeafSettings: Sendable, Equatable {
    /// Send open leaves to Z3; off means open leaves end as UNKNOWN (ablation).
    public var useSMT = true
    /// A node with at most this many unstable ReLU-like units goes to Z3 instead of splitting.
    /// The default 0 sends a node to Z3 only once the network is linear on it (an exact LP)
    /// or at ``maxDepth``: measured on the digits and ACAS Xu networks, Z3 4.8.12 needs
    /// seconds for leaves with as few as 10 phase variables (exact rational simplex on
    /// 53-bit coefficients), where splitting the same box closes it in milliseconds.
    public var smtUnstableThreshold = 0
    /// A node at this depth goes to Z3 whatever its unstable count, with the query's
    /// remaining time; shallower leaves whose Z3 call ends unknown are split further.
    public var maxDepth = 60
    /// When set, every Z3 leaf query is also written there as an SMT-LIB2 file
    /// (`leaf-<n>.smt2`, numbered per solver) so another solver can re-check it.
    public var smt2Directory: String?
    /// When set, every exact Z3 leaf of the split search runs in a child process, the leaf
    /// worker at this path (`verify-leaf`, ``LeafWorker``; see ``IsolatedLeaf``), which is
    /// killed (SIGKILL) when it runs ``leafProcessGrace`` seconds past the leaf's Z3 time
    /// limit, and by ``QuerySolver/interruptHandle``. Why: Debian's Z3 4.8.12 sometimes ignores
    /// its own timeout and `Z3_interrupt` deep in its rational arithmetic, and `rlimit` does
    /// not bound its time on big-M encodings; in this process such a leaf hangs its worker
    /// thread, and with it a whole `verify robustness` run, forever. The cost is one process
    /// start per leaf (Benchmarks/README.md). `nil` (the library default): Z3 in this process.
    /// Where Z3 runs never changes what a leaf means, so it is not part of the identity.
    public var leafProcessExecutable: String? = nil
    /// Seconds a leaf process may run past its Z3 time limit (start-up, parsing, answer).
    public var leafProcessGrace: Double = 2

    public init() {}
}

/// The budgets of one query.
public struct QueryLimits: Sendable, Equatable {
    /// Maximum number of boxes the split search may bound (its main search: the plain track,
    /// ``SearchSettings/plainTrackPeriod``, is not counted).
    public var maxNodes = 20_000
    /// Wall-clock safety net of one Z3 leaf above ``LeafSettings/maxDepth`` (its `rlimit` is
    /// the budget); a leaf that runs out is split instead of ending the query.
    public var leafTimeLimit: Double = 5
    /// Z3's deterministic resource limit per leaf (`rlimit`), 0 = none.
    public var smtResourceLimit: UInt64 = 5_000_000
    /// Wall-clock safety net for the whole query, in seconds.
    public var timeLimit: Double = 60
    /// Record at most this many closed sub-boxes in the certificate.
    public var maxRecordedLeaves = 10_000

    public init() {}
}
