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
///    LP optimum is too close to zero to tell; with ``BoundSettings/slopeSteps`` (`verify
///    vnnlib`: 20) the disjuncts still open get optimised lower slopes
///    (alpha-CROWN: projected gradient ascent on the best atoms' bounds, then the sound
///    evaluation with them; ``SplitNodePreparation/trySlopes(box:plain:open:)``), kept
///    only when they close the node, and tried only where an ancestor's trial does not say
///    they cannot (``SlopeTrial``). Measured on ACAS Xu: 4_2 prop_2 7,770 sub-boxes instead
///    of 502,222 (7.5 s instead of 80.8 s on two threads);
/// 2. no disjunct left: the node is closed (``LeafMethod/bounds``, or ``LeafMethod/slopes``
///    with the closing slopes recorded for `verify check`);
/// 3. otherwise a short attack on the node's open disjuncts (a float-confirmed point ends
///    the query as VIOLATED). Measured and dropped: extra starts at the box vertex minimising
///    each open disjunct's linear bound found no ACAS Xu counterexample sooner and made
///    1_1 prop_5 35 s instead of 22 s;
/// 4. a node with few unstable units (``LeafSettings/smtUnstableThreshold``) goes to
///    Z3 with the node's own bounds as big-M constants and a per-leaf budget; when Z3 runs
///    out of budget the node is split instead. At ``LeafSettings/maxDepth`` the node
///    goes to Z3 with the query's remaining time whatever its unstable count. Exact leaves
///    are put off until no other node is left (a violated query is usually decided by a node
///    attack first; the verdict does not depend on the order), unless the attacks are off;
///    else
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

    /// The node-only work of a node (bounds, dual certificates, node attack with several
    /// threads), run on ``SearchSettings/searchThreads`` threads per batch.
    let preparation: SplitNodePreparation

    var statistics = QueryStatistics()
    var leaves: [ClosedLeaf] = []
    var leavesTruncated = false
    var smtSeconds = 0.0
    /// Why the search cannot end HOLDS, when a node was left undecided (the first reason
    /// found, or the limit that stopped the search).
    var unknownReason: UnknownReason?
    /// The first Z3 model whose nearest Double point is not confirmed.
    var unconfirmed: Counterexample?
    /// Some node was closed or attempted by Z3.
    var usedSMT = false

    init(query: SafetyQuery, specification: LinearSpecification, rows: [Range<Int>],
         configuration: QueryConfiguration, leafSolver: ExactLeafSolver, started: DispatchTime) {
        self.query = query
        self.specification = specification
        self.rows = rows
        self.configuration = configuration
        self.leafSolver = leafSolver
        self.started = started
        // With several threads the node attacks are run while preparing (a few are wasted
        // when a node ends up closed by Z3's exact LP); with one, only where needed.
        let threads = max(configuration.search.searchThreads, 1)
        preparation = SplitNodePreparation(
            network: query.network, property: query.property, specification: specification, rows: rows,
            method: configuration.bounds.useLinear ? .linear : .interval, useRelaxationLP: configuration.bounds.useRelaxationLP,
            nodeAttack: configuration.attack.useAttack && threads > 1 ? configuration.attack.nodeAttack : nil,
            slopeSteps: configuration.bounds.slopeSteps)
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

    struct Node {
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
        /// The nearest ancestor's slope trial, which left that ancestor open (``SlopeTrial``:
        /// its gain decides whether this node tries, its slopes are where the trial starts);
        /// nil when no ancestor tried.
        var failedTrial: SlopeTrial? = nil
    }

    /// What handling one node leads to.
    enum NodeStep {
        /// Closed, or left undecided with ``unknownReason`` set: nothing to push.
        case done
        /// Split into two halves, in the order they are to be searched.
        case split([Node])
        /// An exact leaf put off until no other node is left (step 4).
        case deferred(Node)
        /// A limit ends the search with this reason.
        case stop(UnknownReason)
        /// The query is decided.
        case decided(Outcome)
    }

    /// The bound method of every node: linear, or interval when linear bounds are off.
    var boundMethod: BoundMethod { configuration.bounds.useLinear ? .linear : .interval }
    /// Threads for a batch's preparation and strong branching.
    var threads: Int { max(configuration.search.searchThreads, 1) }

    /// Seconds since the query started.
    var elapsed: Double { Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9 }

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

    /// Searches the query's box from the root (`root`: its bounds when already computed) and
    /// returns the verdict: VIOLATED at the first confirmed point, HOLDS when every node
    /// closed, else VIOLATED-UNCONFIRMED or UNKNOWN with ``unknownReason``.
    mutating func run(root: BoundResult?) -> Outcome {
        var stacks = SearchStacks(root: Node(box: query.box, open: Array(rows.indices), depth: 0, enclosing: nil))
        var pendingRoot = root
        while let next = nextBatch(&stacks) {
            let (batch, onPlainTrack) = (next.batch, next.onPlainTrack)
            let rootBounds = pendingRoot
            pendingRoot = nil
            let preparation = preparation
            let prepared = ParallelMap.map(Array(batch.enumerated()), threads: threads) { index, node in
                preparation.prepare(box: node.box, candidates: node.open, depth: node.depth,
                                    enclosing: node.enclosing, root: index == 0 ? rootBounds ?? node.known : node.known,
                                    failedTrial: node.failedTrial)
            }
            // Children of each batch node, pushed after the batch so that the first node's
            // children end on top (with a batch of 1: plain depth-first order).
            var children: [[Node]] = []
            for (node, ready) in zip(batch, prepared) {
                switch handle(node, ready, onPlainTrack: onPlainTrack) {
                case .done: continue
                case .split(let pair): children.append(pair)
                case .deferred(let later): stacks.deferred.append(later)
                case .stop(let reason):
                    unknownReason = reason
                    return finalOutcome()
                case .decided(let outcome): return outcome
                }
            }
            stacks.push(children, onPlainTrack: onPlainTrack)
        }
        return finalOutcome()
    }

    /// The verdict once no node is left or a limit stopped the search.
    func finalOutcome() -> Outcome {
        if let unconfirmed, query.network.isPiecewiseLinear {
            return Outcome(verdict: .violatedUnconfirmed(unconfirmed), decidedBySplit: false)
        }
        if let unknownReason { return Outcome(verdict: .unknown(reason: unknownReason), decidedBySplit: false) }
        return Outcome(verdict: .holds(usedSMT ? .smt : .split), decidedBySplit: !usedSMT)
    }

    mutating func record(_ node: Node, _ method: LeafMethod, slopes: [Int: [Double]]? = nil) {
        guard leaves.count < configuration.limits.maxRecordedLeaves else { leavesTruncated = true; return }
        leaves.append(ClosedLeaf(lower: node.box.lower, upper: node.box.upper, depth: node.depth, method: method,
                                 path: node.path, slopes: slopes))
    }
}
