import Dispatch
import Encoding
import Network

/// Branch and bound over the input box.
///
/// Depth-first over sub-boxes (deterministic order), taken off the stack
/// ``SearchSettings/searchBatch`` at a time: the node-only work of a batch (bounds, dual
/// certificates, with several threads the node attacks; ``SplitNodePreparation``) runs on
/// ``SearchSettings/searchThreads`` threads, then the nodes are handled one by one in
/// stack order and the first node's children are searched first. A batch of 1 is plain
/// depth-first search; for a given batch size the thread count changes nothing but time.
/// Per node:
/// 1. bound every open unsafe atom over the node (linear bounds, or interval when linear is
///    off), with every layer's bounds intersected with the parent's (``BoundOptions/enclosing``:
///    bounds on a superset box hold on the sub-box, so units stable in the parent stay stable
///    and are not back-substituted again); a disjunct is excluded when one of its atoms has a
///    lower bound `> 0`; conjunctions of several atoms are also tested against the LP over the
///    atoms' linear lower bounds: a soundly checked dual certificate (``ConjunctionExclusion``),
///    and Z3's exact LP (``ExactLeafSolver/relaxationExcludes(box:rows:)``) only when the float
///    LP optimum is too close to zero to tell;
/// 2. no disjunct left: the node is closed (``LeafMethod/bounds``);
/// 3. otherwise a short attack on the node's open disjuncts (a float-confirmed point ends
///    the query as VIOLATED). Measured and dropped: extra starts at the box vertex minimising
///    each open disjunct's linear bound found no ACAS Xu counterexample sooner and made
///    1_1 prop_5 35 s instead of 22 s;
/// 4. a node with few unstable units (``LeafSettings/smtUnstableThreshold``) goes to
///    Z3 with the node's own bounds as big-M constants and a per-leaf budget; when Z3 runs
///    out of budget the node is split instead. At ``LeafSettings/maxDepth`` the node
///    goes to Z3 with the query's remaining time whatever its unstable count. Exact leaves
///    are put off until no other node is left (a violated query is usually decided by a node
///    attack first; the verdict does not depend on the order); else
/// 5. split. Nodes shallower than ``SearchSettings/strongBranchingDepth`` (`verify vnnlib`:
///    16; `local` with `--strong-branching`) use strong branching: both halves of every dimension are bounded and
///    the dimension whose halves come closest to closing wins (``strongBranching(_:_:_:threads:)``;
///    the chosen halves keep their bounds). Measured on ACAS Xu: 4_9 prop_1 955 sub-boxes
///    instead of 46,669, 4_2 prop_2 443,179 instead of 2.67 million (67 s instead of 403 s).
///    Deeper, or with the option off, split the dimension `i` maximising
///    `width_i · Σ_r |Λ_ri|` over the open disjuncts'
///    best atoms `r` (the atom with the highest lower bound, i.e. the closest to closing),
///    where `Λ_r` are the linear bound's input coefficients: the split that most reduces the
///    linear bound's slack. Ties go to the lowest index; with interval bounds, the widest
///    dimension. A guard keeps boxes from becoming needles: when the chosen dimension is
///    more than ``SearchSettings/splitAspectRatio`` times narrower (relative to the root)
///    than the relatively widest one, the widest is split instead. The left half is searched
///    first.
///
/// When ``AttackSettings/escalatedAttack`` is set (`verify vnnlib`): once, after
/// ``AttackSettings/escalateAfterNodes`` nodes, that much larger attack runs on the whole
/// box, and from then on the half whose centre scores closer to the unsafe set is searched
/// first (left on ties). Measured on ACAS Xu: ordering from the start found 1_5 prop_2 in 3 s
/// instead of 30+ but lost 1_9 prop_7 (found at node 3,746 in the fixed order); ordering
/// after the escalation keeps both. The order never changes which sub-boxes an unsat query
/// has to close.
///
/// With ``SearchSettings/plainTrackPeriod`` `n` set (8 wherever strong branching is on),
/// the search also starts a second depth-first search of the whole box once it has handled
/// ``AttackSettings/escalateAfterNodes`` nodes: the plain track, which every `n`-th batch
/// is taken from. It splits by the plain heuristic only, orders its halves by the rule above
/// counted on its own nodes, and only looks for counterexamples: it records no proof leaf,
/// sends nothing to Z3 (neither exact leaves nor the exact LP), and the query ends when the
/// main search does. Measured on ACAS Xu: 1_9 prop_7, whose violation the strong-branching
/// tree does not reach in 116 s, is found at the plain track's node 3,957 (10 s); the other
/// 185 instances take 6% longer (4_2 prop_2 77 s instead of 67; a period of 4 made it 102 s).
///
/// Budgets are counted (nodes, depth, Z3 `rlimit`) so the verdict is the same on every
/// machine; the wall-clock limit is a safety net. ``QueryStatistics/nodes`` counts the nodes
/// handled (a put-off exact leaf counts twice; the halves strong branching bounds and does
/// not keep are not counted).
struct InputSplitSearch {
    let query: SafetyQuery
    let specification: LinearSpecification
    let rows: [Range<Int>]
    let configuration: QueryConfiguration
    let leafSolver: ExactLeafSolver
    let started: DispatchTime

    var statistics = QueryStatistics()
    var leaves: [ClosedLeaf] = []
    var leavesTruncated = false
    var smtSeconds = 0.0

    init(query: SafetyQuery, specification: LinearSpecification, rows: [Range<Int>],
         configuration: QueryConfiguration, leafSolver: ExactLeafSolver, started: DispatchTime) {
        self.query = query
        self.specification = specification
        self.rows = rows
        self.configuration = configuration
        self.leafSolver = leafSolver
        self.started = started
    }

    struct Outcome {
        var verdict: Verdict
        /// True when the split search alone (bounds on sub-boxes, node attacks) decided.
        var decidedBySplit: Bool
        var isDecided: Bool {
            if case .unknown = verdict { return false }
            return true
        }
    }

    private struct Node {
        var box: Box
        var open: [Int]
        var depth: Int
        /// The parent's layer bounds (valid on this sub-box too; see ``BoundOptions/enclosing``).
        var enclosing: [LayerBounds]?
        /// Already put off once as an exact leaf (see step 4): now it goes to Z3.
        var deferred = false
        /// This node's bounds when strong branching already computed them (else nil).
        var known: BoundResult? = nil
        /// The dimensions split on the way from the root (recorded with a proof leaf).
        var path: [Int] = []
    }

    private var elapsed: Double { Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9 }

    /// Indices (among `candidates`) of disjuncts that no atom lower bound `> 0` excludes.
    static func openDisjuncts(_ lower: [Double], rows: [Range<Int>], among candidates: [Int]) -> [Int] {
        candidates.filter { disjunct in !rows[disjunct].contains { lower[$0] > 0 } }
    }

    /// Units whose pre-activation bounds straddle a breakpoint (each needs a case split).
    static func unstableUnits(_ network: NeuralNetwork, _ bounds: BoundResult) -> Int {
        var count = 0
        for (index, layer) in network.layers.enumerated() {
            let input = bounds.preActivationBounds(ofLayer: index)
            switch layer {
            case .affine, .tanh, .sigmoid, .enclosedScale: continue
            case .relu, .leakyRelu:
                for i in 0..<input.count where input.lower[i] < 0 && input.upper[i] > 0 { count += 1 }
            case .clip(let low, let high):
                for i in 0..<input.count {
                    if input.lower[i] < low && input.upper[i] > low { count += 1 }
                    if input.lower[i] < high && input.upper[i] > high { count += 1 }
                }
            }
        }
        return count
    }

    mutating func run(root: BoundResult?) -> Outcome {
        var stack = [Node(box: query.box, open: Array(rows.indices), depth: 0, enclosing: nil)]
        var pendingRoot = root
        var unknownReason: UnknownReason?
        var unconfirmed: Counterexample?
        var usedSMT = false
        let method: BoundMethod = configuration.bounds.useLinear ? .linear : .interval
        let batchSize = max(configuration.search.searchBatch, 1)
        let threads = max(configuration.search.searchThreads, 1)
        // With several threads the node attacks are run while preparing (a few are wasted
        // when a node ends up closed by Z3's exact LP); with one, only where needed.
        let preparation = SplitNodePreparation(
            network: query.network, property: query.property, specification: specification, rows: rows,
            method: method, useRelaxationLP: configuration.bounds.useRelaxationLP,
            nodeAttack: configuration.attack.useAttack && threads > 1 ? configuration.attack.nodeAttack : nil)

        // Exact leaves wait until every sub-box that bounds, attacks and splits can handle is
        // done: a Z3 leaf can take seconds, and on a violated query a node attack elsewhere
        // usually ends the search first. The verdict does not depend on the order.
        var deferredLeaves: [Node] = []
        // The plain track (``SearchSettings/plainTrackPeriod``): its own stack, started
        // from the root once the main search has handled ``AttackSettings/escalateAfterNodes``.
        var plainStack: [Node] = []
        var plainStarted = false
        var batchesSincePlainStart = 0
        search: while true {
            if !plainStarted, configuration.search.plainTrackPeriod > 0, configuration.search.useSplit,
               statistics.nodes >= configuration.attack.escalateAfterNodes {
                plainStarted = true
                plainStack = [Node(box: query.box, open: Array(rows.indices), depth: 0, enclosing: nil)]
            }
            var onPlainTrack = false
            if plainStarted {
                batchesSincePlainStart += 1
                onPlainTrack = !plainStack.isEmpty && batchesSincePlainStart % configuration.search.plainTrackPeriod == 0
            }
            var batch: [Node] = []
            while batch.count < batchSize {
                if onPlainTrack {
                    guard let node = plainStack.popLast() else { break }
                    batch.append(node)
                    continue
                }
                if let node = stack.popLast() { batch.append(node); continue }
                guard batch.isEmpty, !deferredLeaves.isEmpty else { break }
                stack = deferredLeaves.reversed()
                deferredLeaves = []
            }
            if batch.isEmpty { break }
            let rootBounds = pendingRoot
            pendingRoot = nil
            let prepared = ParallelMap.map(Array(batch.enumerated()), threads: threads) { index, node in
                preparation.prepare(box: node.box, candidates: node.open, depth: node.depth,
                                    enclosing: node.enclosing, root: index == 0 ? rootBounds ?? node.known : node.known)
            }
            // Children of each batch node, pushed after the batch so that the first node's
            // children end on top (with a batch of 1: plain depth-first order).
            var children: [[Node]] = []
            defer {
                for pair in children.reversed() {
                    if onPlainTrack { plainStack.append(pair[1]); plainStack.append(pair[0]) }
                    else { stack.append(pair[1]); stack.append(pair[0]) }
                }
            }
            for (node, ready) in zip(batch, prepared) {
                if leafSolver.isInterrupted {
                    unknownReason = elapsed > configuration.limits.timeLimit ? .timeLimit(seconds: configuration.limits.timeLimit) : .interrupted
                    break search
                }
                // The node budget is the main search's (the plain track adds at most one batch
                // in ``SearchSettings/plainTrackPeriod``).
                if statistics.nodes - statistics.plainTrackNodes >= configuration.limits.maxNodes { unknownReason = .nodeBudget(nodes: configuration.limits.maxNodes); break search }
                if elapsed > configuration.limits.timeLimit { unknownReason = .timeLimit(seconds: configuration.limits.timeLimit); break search }
                statistics.nodes += 1
                if onPlainTrack { statistics.plainTrackNodes += 1 }
                if statistics.nodes == configuration.attack.escalateAfterNodes, configuration.attack.useAttack,
                   let escalated = configuration.attack.escalatedAttack,
                   let point = GradientAttack.search(
                       network: query.network, box: query.box, goal: AttackGoal(property: query.property, strict: false),
                       configuration: escalated, deadline: .after(seconds: configuration.limits.timeLimit - elapsed),
                       threads: threads).point,
                   let found = CounterexampleCheck.check(query, point: point, source: .attack) {
                    statistics.escalatedAttackFound = true
                    return Outcome(verdict: .violated(found), decidedBySplit: true)
                }
                statistics.maxDepth = max(statistics.maxDepth, node.depth)

                let bounds = ready.bounds
                statistics.dualExclusions += ready.dualExclusions
                var open = ready.open
                if !ready.nearZero.isEmpty, !onPlainTrack {
                    open = open.filter { disjunct in
                        guard ready.nearZero.contains(disjunct) else { return true }
                        let excluded = leafSolver.relaxationExcludes(box: node.box, rows: preparation.linearRows(bounds, disjunct))
                        if excluded { statistics.lpExclusions += 1 }
                        return !excluded
                    }
                }
                if open.isEmpty {
                    if !onPlainTrack { record(node, .bounds) }
                    continue
                }

                let subProperty = preparation.subProperty(open)
                let subQuery = SafetyQuery(network: query.network, box: node.box, property: subProperty)
                if configuration.attack.useAttack, node.depth > 0,
                   let point = ready.attackRun && open == ready.open
                       ? ready.attackPoint
                       : preparation.attack(box: node.box, open: open, configuration: configuration.attack.nodeAttack),
                   let found = CounterexampleCheck.check(subQuery, point: point, source: .attack) {
                    statistics.plainTrackFound = onPlainTrack
                    return Outcome(verdict: .violated(found), decidedBySplit: true)
                }

                let unstable = Self.unstableUnits(query.network, bounds)
                // A box no dimension of which splits (a point, or every side already cut to
                // 2^-20 of the root's) is a last level too: splitting it changes nothing.
                let lastLevel = !configuration.search.useSplit || node.depth >= configuration.leaves.maxDepth || !hasSplittableDimension(node.box)
                if lastLevel || (configuration.leaves.useSMT && unstable <= configuration.leaves.smtUnstableThreshold) {
                    // The plain track only looks for counterexamples: its exact leaves are
                    // the main search's to decide.
                    if onPlainTrack { continue }
                    guard configuration.leaves.useSMT else {
                        unknownReason = unknownReason ?? .exactStepDisabled
                        continue
                    }
                    if configuration.search.useSplit && !node.deferred {
                        var later = node
                        later.deferred = true
                        deferredLeaves.append(later)
                        continue
                    }
                    usedSMT = true
                    let start = DispatchTime.now()
                    let (outcome, resources) = leafSolver.solve(
                        network: query.network, box: node.box, bounds: bounds, property: subProperty,
                        resourceLimit: configuration.limits.smtResourceLimit,
                        timeLimit: max(min(configuration.limits.timeLimit - elapsed,
                                           lastLevel ? .infinity : configuration.limits.leafTimeLimit), 0.001),
                        smt2Directory: configuration.leaves.smt2Directory)
                    smtSeconds += Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
                    statistics.smtLeaves += 1
                    statistics.smtResourceCount += resources
                    switch outcome {
                    case .unsat:
                        statistics.smtUnsat += 1
                        record(node, .smt)
                        continue
                    case .sat(let exact, let nearest):
                        statistics.smtSat += 1
                        var candidate = CounterexampleCheck.evaluate(subQuery, point: nearest, exact: exact, source: .smt)
                        if !candidate.isConfirmed,
                           let near = CounterexampleCheck.confirmNear(subQuery, nearest: nearest, exact: exact, source: .smt) {
                            candidate = near
                        }
                        guard candidate.isConfirmed else {
                            // Z3's rational point is unsafe, its nearest Double point is not
                            // (or, tanh/sigmoid, cannot be shown to be): keep it, keep searching
                            // for a confirmed one.
                            if unconfirmed == nil { unconfirmed = candidate }
                            if !query.network.isPiecewiseLinear { unknownReason = unknownReason ?? .inexactEncoding }
                            continue
                        }
                        return Outcome(verdict: .violated(candidate), decidedBySplit: false)
                    case .unknown(let reason):
                        statistics.smtUnknown += 1
                        if lastLevel || leafSolver.isInterrupted {
                            unknownReason = unknownReason ?? (elapsed > configuration.limits.timeLimit ? .timeLimit(seconds: configuration.limits.timeLimit) : .leaf(reason))
                            continue
                        }
                        // Z3 ran out of budget on this sub-box: split it and go on.
                    }
                }

                let strong = !onPlainTrack && node.depth < configuration.search.strongBranchingDepth && method == .linear
                    ? strongBranching(node.box, bounds, open, threads: threads) : nil
                let dimension = strong?.dimension ?? splitDimension(node.box, bounds, open)
                let (left, right) = node.box.split(dimension: dimension)
                let enclosing = method == .linear ? bounds.layerBounds : nil
                var pair = [Node(box: left, open: open, depth: node.depth + 1, enclosing: enclosing, known: strong?.left,
                                 path: node.path + [dimension]),
                            Node(box: right, open: open, depth: node.depth + 1, enclosing: enclosing, known: strong?.right,
                                 path: node.path + [dimension])]
                // Once the search has escalated (a long search, likely around a tiny violating
                // region or a tight proof), the half whose centre comes closer to the unsafe set
                // goes first: the order never changes which boxes an unsat query must close.
                let trackNodes = onPlainTrack ? statistics.plainTrackNodes : statistics.nodes - statistics.plainTrackNodes
                if configuration.attack.useAttack, configuration.attack.escalatedAttack != nil,
                   trackNodes > configuration.attack.escalateAfterNodes,
                   subProperty.violationScore(query.network.evaluate(right.center))
                    < subProperty.violationScore(query.network.evaluate(left.center)) {
                    pair.swapAt(0, 1)
                }
                children.append(pair)
            }
        }

        if let unconfirmed, query.network.isPiecewiseLinear {
            return Outcome(verdict: .violatedUnconfirmed(unconfirmed), decidedBySplit: false)
        }
        if let unknownReason { return Outcome(verdict: .unknown(reason: unknownReason), decidedBySplit: false) }
        return Outcome(verdict: .holds(usedSMT ? .smt : .split), decidedBySplit: !usedSMT)
    }

    private mutating func record(_ node: Node, _ method: LeafMethod) {
        guard leaves.count < configuration.limits.maxRecordedLeaves else { leavesTruncated = true; return }
        leaves.append(ClosedLeaf(lower: node.box.lower, upper: node.box.upper, depth: node.depth, method: method,
                                 path: node.path))
    }

    /// Strong branching (step 5, above ``SearchSettings/strongBranchingDepth``): both
    /// halves of every splittable dimension are bounded inside the node's bounds; a half
    /// scores `min` over the open disjuncts of the disjunct's largest atom lower bound (how
    /// close it is to closing), and the dimension with the largest sum of its two halves'
    /// scores wins (ties: the lowest index). Returns the dimension and its halves' bounds (the
    /// children reuse them), or nil when no dimension splits.
    private func strongBranching(_ box: Box, _ bounds: BoundResult, _ open: [Int], threads: Int)
        -> (dimension: Int, left: BoundResult, right: BoundResult)? {
        let widths = box.widths
        let rootWidths = query.box.widths
        let candidates = widths.indices.filter { widths[$0] > 0 && widths[$0] > rootWidths[$0] * HeuristicTolerances.minimumSplitWidth }
        guard !candidates.isEmpty else { return nil }
        let halves = candidates.flatMap { d -> [Box] in let (l, r) = box.split(dimension: d); return [l, r] }
        let network = query.network, specification = specification, enclosing = bounds.layerBounds
        let results = ParallelMap.map(halves, threads: threads) { half in
            BoundPropagation.bounds(of: network, over: half, specification: specification,
                                    options: BoundOptions(method: .linear, enclosing: enclosing))
        }
        func score(_ lower: [Double]) -> Double {
            open.map { disjunct in rows[disjunct].map { lower[$0] }.max() ?? -.infinity }.min() ?? .infinity
        }
        var best: (index: Int, score: Double)?
        for index in candidates.indices {
            let total = score(results[2 * index].specLower) + score(results[2 * index + 1].specLower)
            if best == nil || total > best!.score { best = (index, total) }
        }
        guard let best else { return nil }
        return (candidates[best.index], results[2 * best.index], results[2 * best.index + 1])
    }

    /// Whether some side of `box` is wider than 0 and than 2^-20 of the root box's side (the
    /// dimensions ``splitDimension(_:_:_:)`` may split).
    private func hasSplittableDimension(_ box: Box) -> Bool {
        let widths = box.widths, rootWidths = query.box.widths
        return widths.indices.contains { widths[$0] > 0 && widths[$0] > rootWidths[$0] * HeuristicTolerances.minimumSplitWidth }
    }

    /// See the type's documentation (step 5).
    private func splitDimension(_ box: Box, _ bounds: BoundResult, _ open: [Int]) -> Int {
        let widths = box.widths
        let rootWidths = query.box.widths
        // A dimension already cut to 2^-20 of its root width is not split further: past that,
        // splitting it again changes the bounds by rounding only (it would let one dimension
        // absorb every split while the others stay wide).
        let splittable = widths.indices.filter { widths[$0] > 0 && widths[$0] > rootWidths[$0] * HeuristicTolerances.minimumSplitWidth }
        var scores = [Double](repeating: 0, count: widths.count)
        if !bounds.inputCoefficients.isEmpty {
            for disjunct in open {
                let best = rows[disjunct].max { bounds.specLower[$0] < bounds.specLower[$1] }!
                for (i, coefficient) in bounds.inputCoefficients[best].enumerated() {
                    scores[i] += widths[i] * abs(coefficient)
                }
            }
        }
        func relative(_ i: Int) -> Double { rootWidths[i] > 0 ? widths[i] / rootWidths[i] : 0 }
        var choice: Int?
        for i in splittable where choice == nil || scores[i] > scores[choice!] { choice = i }
        if let chosen = choice, scores[chosen] > 0 {
            // The aspect-ratio guard (``SearchSettings/splitAspectRatio``).
            if let widest = splittable.max(by: { relative($0) < relative($1) }),
               relative(widest) > configuration.search.splitAspectRatio * relative(chosen) { return widest }
            return chosen
        }
        // No gradient information: the dimension widest relative to the root box.
        return widths.indices.max { relative($0) < relative($1) } ?? 0
    }
}
