import Dispatch
import Encoding
import Network

/// Branch and bound over ReLU phases.
///
/// A sub-problem is the query's whole input box with a set of split constraints
/// (``PhaseConstraints``: `z >= b` or `z <= b` at a breakpoint `b` of a unit: 0 for ReLU and
/// LeakyReLU, `p` or `q` for clip `[p, q]`). The root fixes nothing; a split of an unstable
/// unit makes two children, one per side of its breakpoint, whose union is the parent
/// (`z >= b or z <= b`). The property holds when every leaf is closed. Depth-first over a
/// stack, after the falsifier's whole-box descent, ``PhaseSplitOptions/batch`` nodes at a time: their node-only work
/// (``PhaseSplitPreparation``) runs on ``SearchSettings/searchThreads`` threads, then the
/// nodes are handled one by one in stack order. Before the first node, the root's
/// intermediate layer bounds are tightened by slopes optimised for them
/// (``IntermediateTightening``) and then by branch and bound over earlier phases
/// (``IntermediateBranching``); both are recorded in the proof and enclose every node's bounds.
/// Per node:
///
/// 1. split-aware bounds (``PhaseSplitBounds``: intervals clipped by the phases and
///    re-propagated, inside the parent's bounds); an empty sub-problem is closed;
/// 2. a disjunct is excluded when an atom's lower bound is `> 0` or a dual certificate
///    excludes its conjunction (``ConjunctionExclusion``); none left: closed;
/// 3. each open disjunct's best atom's bound minimiser (the box vertex its linear lower
///    bound points to) is checked as a counterexample (``CounterexampleCheck``, exact), and
///    the lowest-scoring one starts a short gradient descent (``PhaseSplitFalsifier``);
/// 4. at most ``PhaseSplitOptions/leafUnstableThreshold`` unstable units, or no unit left to
///    split: Z3 on the big-M encoding with the node's clipped bounds as big-M constants (a
///    fixed unit is stable there, so its phase is substituted); `unsat` closes the node, a
///    model is checked exactly, an undecided leaf with units left is split instead;
/// 5. otherwise, with more than one open disjunct and ``PhaseSplitOptions/disjuncts``
///    `.separate`, the node forks into one child per open disjunct (``PhaseDisjunctSearch``);
///    else the unit chosen by ``PhaseSplitPreparation/branch(_:phases:slopes:open:best:)``
///    (BaBSR, or filtered smart branching over the top BaBSR candidates) is split.
///
/// Soundness rests on the bounds (sound on each sub-problem, closing only with a positive
/// sound lower bound or an empty set), on Z3's `unsat` on an encoding whose solution set
/// contains the sub-problem, and on the exact counterexample check. Budgets are counted
/// (``QueryLimits/maxNodes``, Z3 `rlimit`); the wall-clock limit is a safety net.
/// With ``QueryLimits/maxRecordedLeaves`` above 0 the tree is recorded (``proof``, a
/// ``PhaseProof``) while it has at most that many nodes.
struct PhaseSplitSearch {
    let query: SafetyQuery
    let specification: LinearSpecification
    let rows: [Range<Int>]
    let configuration: QueryConfiguration
    let leafSolver: ExactLeafSolver
    let started: DispatchTime

    var statistics = QueryStatistics()
    var smtSeconds = 0.0
    /// The proof tree so far; nil when not recorded or past the recording limit.
    var proof: PhaseProofRecorder?
    /// True when the tree outgrew ``QueryLimits/maxRecordedLeaves`` and was dropped.
    var proofTruncated = false

    private struct Node: Sendable {
        var phases: PhaseConstraints
        var open: [Int]
        var depth: Int
        var enclosing: [LayerBounds]?
        /// The parent's lower slopes (empty at the root: adaptive).
        var slopes: [Int: [Double]] = [:]
        /// The parent's split multipliers (nil when off).
        var multipliers: SplitMultipliers?
        /// The layer of the node's own split constraint (nil: the root or a fork's child).
        var splitLayer: Int?
        /// The parent's interval products (``IntervalMemo``).
        var intervals = IntervalMemo()
        /// The node's index in ``proof``.
        var id = PhaseProofRecorder.root
    }

    private var elapsed: Double { Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9 }

    private var timeLimitReason: UnknownReason { .timeLimit(seconds: configuration.limits.timeLimit) }

    mutating func run(root: BoundResult?) -> InputSplitSearch.Outcome {
        let preparation = PhaseSplitPreparation(query: query, specification: specification, rows: rows,
                                                falsifier: configuration.phaseSplit.falsifier,
                                                branching: configuration.phaseSplit.branching,
                                                sharedMultipliers: configuration.phaseSplit.sharedMultipliers)
        proof = configuration.limits.maxRecordedLeaves > 0 ? PhaseProofRecorder() : nil
        var unknownReason: UnknownReason?
        var unconfirmed: Counterexample?
        var usedSMT = false
        let threads = max(configuration.search.searchThreads, 1)
        let options = configuration.phaseSplit
        let batchSize = max(options.batch, 1)
        let started = self.started, timeLimit = configuration.limits.timeLimit
        let expired: @Sendable () -> Bool = {
            Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9 > timeLimit
        }
        if let found = wholeBoxFalsifier(preparation, root: root, expired: expired) {
            statistics.falsifierFound = true
            return InputSplitSearch.Outcome(verdict: .violated(found), decidedBySplit: true)
        }
        var rootEnclosing = root?.layerBounds
        // Crossed bounds (nil) cannot happen on a non-empty box; the search then keeps the root's.
        if let enclosing = rootEnclosing, options.rootIntermediateIterations > 0,
           let tightened = IntermediateTightening.optimise(query.network, box: query.box, enclosing: enclosing,
                                                           ascent: options.ascent(depth: 0),
                                                           iterations: options.rootIntermediateIterations, expired: expired) {
            rootEnclosing = tightened.bounds
            proof?.setRootIntermediates(tightened.slopes)
        }
        if let enclosing = rootEnclosing, options.rootBranching.perBound > 0,
           let branched = IntermediateBranching.tighten(query.network, box: query.box, enclosing: enclosing,
                                                        budget: options.rootBranching, expired: expired) {
            rootEnclosing = branched.bounds
            proof?.setRootBranching(branched.trees)
            statistics.rootBranchEvaluations = branched.statistics.evaluations
            statistics.rootBranchStabilised = branched.statistics.stabilised
            statistics.rootBranchLoose = branched.statistics.loose
        }
        var stack = [Node(phases: PhaseConstraints(), open: Array(rows.indices), depth: 0, enclosing: rootEnclosing,
                          multipliers: configuration.phaseSplit.splitMultipliers ? SplitMultipliers() : nil)]
        search: while !stack.isEmpty {
            var batch: [Node] = []
            while batch.count < batchSize, let node = stack.popLast() { batch.append(node) }
            let prepared = ParallelMap.map(batch, threads: threads) { node in
                var optimised: RelaxationHints?
                var effort = FalsifierEffort()
                let ready = preparation.prepare(phases: node.phases, candidates: node.open, enclosing: node.enclosing,
                                                slopes: node.slopes, multipliers: node.multipliers,
                                                ascent: options.ascent(depth: node.depth),
                                                iterations: node.depth == 0 ? options.slopeIterations : options.childSlopeIterations,
                                                intermediates: node.depth == 0 ? .refined : options.nodeIntermediates,
                                                newestSplitLayer: node.splitLayer, intervals: node.intervals,
                                                expired: expired, optimisedHints: { optimised = $0 }, effort: &effort)
                return (ready, optimised, effort)
            }
            statistics.falsifier = prepared.reduce(statistics.falsifier) { $0 + $1.2 }
            var children: [[Node]] = []
            defer { for group in children.reversed() { stack.append(contentsOf: group.reversed()) } }
            for (node, (ready, optimised, _)) in zip(batch, prepared) {
                if leafSolver.isInterrupted {
                    unknownReason = elapsed > configuration.limits.timeLimit ? timeLimitReason : .interrupted
                    break search
                }
                if statistics.nodes >= configuration.limits.maxNodes { unknownReason = .nodeBudget(nodes: configuration.limits.maxNodes); break search }
                if elapsed > configuration.limits.timeLimit { unknownReason = timeLimitReason; break search }
                statistics.nodes += 1
                statistics.maxDepth = max(statistics.maxDepth, node.depth)
                if let found = escalatedAttack(threads: threads) {
                    return InputSplitSearch.Outcome(verdict: .violated(found), decidedBySplit: true)
                }
                if let optimised { proof?.setHints(node.id, optimised) }
                if node.depth > 0, options.nodeIntermediates != .refined { proof?.setIntermediates(node.id, options.nodeIntermediates) }
                let open: PhaseSplitPreparation.Open
                switch ready {
                case .infeasible: proof?.close(node.id, .infeasible); continue
                case .closed(let dual): statistics.dualExclusions += dual; proof?.close(node.id, .bounds); continue
                case .violated(let found):
                    statistics.falsifierFound = true
                    return InputSplitSearch.Outcome(verdict: .violated(found), decidedBySplit: true)
                case .open(let value): open = value
                }
                statistics.dualExclusions += open.dualExclusions
                if configuration.leaves.useSMT,
                   open.split == nil || open.unstable <= configuration.phaseSplit.leafUnstableThreshold {
                    usedSMT = true
                    let lastLevel = open.split == nil
                    switch exactLeaf(preparation.subQuery(open.open), open.bounds.result, lastLevel: lastLevel) {
                    case .closed: proof?.close(node.id, .smt); continue
                    case .violated(let found): return InputSplitSearch.Outcome(verdict: .violated(found), decidedBySplit: false)
                    case .unconfirmed(let candidate): unconfirmed = unconfirmed ?? candidate; continue
                    case .undecided(let reason):
                        if lastLevel { unknownReason = unknownReason ?? reason; continue }
                    }
                }
                guard let split = open.split else {
                    unknownReason = unknownReason ?? .exactStepDisabled
                    continue
                }
                if options.disjuncts == .separate, open.open.count > 1 {
                    children.append(fork(node, open, preparation))
                    continue
                }
                let width = open.bounds.result.layerBounds[split.unit.layer].count
                let enclosing = open.bounds.result.layerBounds
                let ids = recordSplit(node.id, split.unit, first: split.first)
                children.append(zip([split.first, split.first.opposite], [ids.0, ids.1]).map {
                    Node(phases: node.phases.constraining(split.unit, $0, width: width), open: open.open,
                         depth: node.depth + 1, enclosing: enclosing, slopes: open.slopes, multipliers: open.multipliers,
                         splitLayer: split.unit.layer, intervals: open.bounds.intervals, id: $1)
                })
            }
        }
        if let unconfirmed {
            return InputSplitSearch.Outcome(verdict: .violatedUnconfirmed(unconfirmed), decidedBySplit: false)
        }
        if let unknownReason { return InputSplitSearch.Outcome(verdict: .unknown(reason: unknownReason), decidedBySplit: false) }
        return InputSplitSearch.Outcome(verdict: .holds(usedSMT ? .smt : .split), decidedBySplit: !usedSMT)
    }

    /// The falsifier's whole-box descent (``PhaseSplitFalsifier/wholeBox(minimisers:expired:effort:)``),
    /// started from the root bounds' minimisers too.
    private mutating func wholeBoxFalsifier(_ preparation: PhaseSplitPreparation, root: BoundResult?,
                                            expired: () -> Bool) -> Counterexample? {
        var minimisers: [Int: [Double]] = [:]
        if let root {
            for d in rows.indices { minimisers[d] = preparation.minimiser(root, row: preparation.bestAtom(root, d)) }
        }
        return PhaseSplitFalsifier(query: query, options: configuration.phaseSplit.falsifier)
            .wholeBox(minimisers: minimisers, expired: expired, effort: &statistics.falsifier)
    }

    /// The children of a fork of `node` (``PhaseDisjunctSearch/separate``): the same
    /// sub-problem once per open disjunct, the most violated first (lowest best lower bound,
    /// ties by index), each starting from the node's bounds, slopes and multipliers at the
    /// node's depth (so a fork of the root optimises each child's slopes as the root's).
    private mutating func fork(_ node: Node, _ open: PhaseSplitPreparation.Open,
                               _ preparation: PhaseSplitPreparation) -> [Node] {
        let lower = open.bounds.result.specLower
        let order = open.open.map { ($0, lower[preparation.bestAtom(open.bounds.result, $0)]) }
            .sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }.map(\.0)
        let ids = recordFork(node.id, disjuncts: order)
        return zip(order, ids).map { disjunct, id in
            Node(phases: node.phases, open: [disjunct], depth: node.depth, enclosing: open.bounds.result.layerBounds,
                 slopes: open.slopes, multipliers: open.multipliers, intervals: open.bounds.intervals, id: id)
        }
    }

    /// Records a fork of `node` (one child per disjunct, their indices); past the recording
    /// limit the tree is dropped and marked truncated.
    private mutating func recordFork(_ node: Int, disjuncts: [Int]) -> [Int] {
        guard var recorder = proof else { return disjuncts.map { _ in 0 } }
        proof = nil
        guard recorder.nodes.count + disjuncts.count <= configuration.limits.maxRecordedLeaves else {
            proofTruncated = true
            return disjuncts.map { _ in 0 }
        }
        let ids = recorder.fork(node, disjuncts: disjuncts.map { [$0] })
        proof = recorder
        return ids
    }

    /// Records the split of `node` (its children's indices); past the recording limit the
    /// tree is dropped and marked truncated.
    private mutating func recordSplit(_ node: Int, _ unit: ActivationUnit, first: SplitSide) -> (Int, Int) {
        guard var recorder = proof else { return (0, 0) }
        proof = nil
        guard recorder.nodes.count + 2 <= configuration.limits.maxRecordedLeaves else { proofTruncated = true; return (0, 0) }
        let ids = recorder.split(node, unit, first: first)
        proof = recorder
        return ids
    }

    /// The one escalated whole-box attack (``QueryConfiguration/escalatedAttack``), run when
    /// the node count reaches ``QueryConfiguration/escalateAfterNodes`` and the falsifier is
    /// off. With the falsifier on it is skipped: on `mnistfc` it took about 12 s of a 30-s
    /// budget on unsat instances, and the falsifier's descents found every counterexample it
    /// found (Benchmarks/results/mnistfc_256x4_256x6_ours_no_escalation_30s.txt: the same 11 sat
    /// instances found as with it, all before any sub-problem).
    private mutating func escalatedAttack(threads: Int) -> Counterexample? {
        guard !configuration.phaseSplit.falsifier.enabled,
              statistics.nodes == configuration.attack.escalateAfterNodes, configuration.attack.useAttack,
              let escalated = configuration.attack.escalatedAttack,
              let point = GradientAttack.search(
                  network: query.network, box: query.box, goal: AttackGoal(property: query.property, strict: false),
                  configuration: escalated, deadline: .after(seconds: configuration.limits.timeLimit - elapsed),
                  threads: threads).point,
              let found = CounterexampleCheck.check(query, point: point, source: .attack) else { return nil }
        statistics.escalatedAttackFound = true
        return found
    }

    private enum LeafResult {
        case closed
        case violated(Counterexample)
        case unconfirmed(Counterexample)
        case undecided(UnknownReason)
    }

    /// Z3 on the sub-problem: the big-M encoding over the box with `bounds` (clipped by the
    /// phases, sound on the sub-problem) as big-M constants, every pre-activation a variable
    /// constrained to its bounds (``NetworkEncoder/AffineForm/equalities``), so a fixed
    /// unit's phase (`z >= 0`: lower bound 0; `z <= 0`: upper bound 0) is a constraint and its
    /// piece is substituted (a stable unit is encoded as that piece). The encoding's solutions
    /// are exactly the sub-problem's points with their values: `unsat` proves the
    /// sub-problem safe, and a model is a point of it, checked exactly like any other.
    private mutating func exactLeaf(_ subQuery: SafetyQuery, _ bounds: BoundResult, lastLevel: Bool) -> LeafResult {
        let call = ExactLeafCall(leafSolver: leafSolver, limits: configuration.limits,
                                 smt2Directory: configuration.leaves.smt2Directory)
        switch call.run(box: query.box, bounds: bounds, subQuery: subQuery, elapsed: elapsed, lastLevel: lastLevel,
                        affineForm: .equalities, statistics: &statistics, smtSeconds: &smtSeconds) {
        case .unsat: return .closed
        case .model(let candidate): return candidate.isConfirmed ? .violated(candidate) : .unconfirmed(candidate)
        case .unknown(let reason):
            return .undecided(elapsed > configuration.limits.timeLimit ? timeLimitReason : .leaf(reason))
        }
    }
}
