import Encoding
import Network

/// Settings of the branch and bound over ReLU phases (``PhaseSplitSearch``).
public struct PhaseSplitOptions: Sendable, Equatable, CustomStringConvertible {
    /// Which engine decides a query that the root bounds and the attack leave open.
    public enum Engine: String, Sendable, CaseIterable {
        /// Input splitting only (``InputSplitSearch``).
        case input
        /// ReLU-phase splitting only, for every piecewise-linear network with a ReLU or
        /// LeakyReLU layer (others keep input splitting).
        case phase
        /// Phase splitting when the input has at least ``minimumInputDimension`` dimensions
        /// (and the network qualifies as for `.phase`), else input splitting.
        case auto
    }

    /// The library default is `.input`; `verify vnnlib` uses `.auto`.
    public var engine: Engine = .input
    /// With `.auto`: the smallest input dimension that gets phase splitting. Input splitting
    /// decides ACAS Xu (5 inputs) and the digits noise (6) quickly and loses beyond a few
    /// dozen inputs (`mnistfc`, 784: no instance in 30 s); 16 keeps every low-dimensional
    /// benchmark on input splitting.
    public var minimumInputDimension = 16
    /// A sub-problem with at most this many unstable units goes to Z3 (big-M encoding with
    /// the fixed phases substituted and its own clipped bounds as big-M constants). A
    /// sub-problem with no branchable unit left always goes to Z3. Measured on `mnistfc`
    /// (784 inputs): with 8, Z3 leaves ran far past their time limit (prop_13_0.03: one leaf
    /// with 8 unstable units held the query until the hard deadline); with 0 none did.
    public var leafUnstableThreshold = 0
    /// The depth-first search takes this many nodes off its stack at a time and bounds them
    /// on ``SearchSettings/searchThreads`` threads (the verdict depends on the batch
    /// size, never on the thread count).
    public var batch = 8
    /// Ascent steps that optimise the unstable units' free slopes at the root (ReLU and
    /// LeakyReLU lower lines, a clip unit's line through its one inner kink,
    /// ``LinearRelaxation/freeLine(_:_:_:)``)
    /// (``PhaseSplitNodeBounds/optimisedSlopes(rows:specification:box:ascent:iterations:)``); 0
    /// keeps the adaptive slopes. Children start from their parent's slopes.
    /// Measured on `mnistfc` 256x2 (prop_1_0.03, root): 20 steps raise the nine margins'
    /// lower bounds by 0.3-0.5 (e.g. -0.754 -> -0.425) and cut the unstable units from 172
    /// to 146; 50 steps change the fourth digit. prop_13_0.03 and prop_5_0.03 then decide
    /// in 3-6 s instead of timing out at 30 s.
    public var slopeIterations = 20
    /// The same for every other sub-problem (0 keeps the parent's slopes). With one tree per
    /// disjunct (``disjuncts``) and ``splitMultipliers`` they decide what no other setting
    /// did: on `mnistfc` 256x2 prop_3_0.03 its hardest disjunct alone takes 3,911
    /// sub-problems to depth 78 without a decision in 20 s with 0 steps (or 3, or multipliers
    /// at 3 steps), and 507 to depth 22 (proved) with multipliers at 10 steps; the whole
    /// property then proves in 7 s, prop_1_0.03 in 19 s (5 steps: no decision in 120 s).
    public var childSlopeIterations = 10
    /// Ascent steps per layer and bound side that optimise slopes for the intermediate layers'
    /// bounds at the root, before the search (``IntermediateTightening``; 0: off); the
    /// tightened bounds enclose every sub-problem's. Measured (Benchmarks/README.md, issue 13,
    /// fourteenth step): `mnistfc` 256x4 prop_13_0.03 proves in 832 sub-problems instead of
    /// 1,596, prop_5_0.03 in 41,578 instead of 61,894 (10, 30 and 100 steps all within 3 % of
    /// each other); the paper-size C∘G chain (eps 0.03, 10 per class, 10 s) proves 71 samples
    /// instead of 66.
    public var rootIntermediateIterations = 10
    /// Branch and bound over earlier phases that tightens the intermediate layers' bounds at
    /// the root, after ``rootIntermediateIterations`` (``IntermediateBranching``: one
    /// best-first tree per loose unit and side, ``IntermediateBranchingBudget/perBound``
    /// bound evaluations each, at most ``IntermediateBranchingBudget/total`` in all, on the
    /// first ``IntermediateBranchingBudget/layers`` target layers; `perBound` 0: off). Counts,
    /// not time, so the search stays deterministic. Measured (Benchmarks/README.md, issue 13,
    /// fifteenth step): on `mnistfc` 256x4 prop_0_0.03, open after 135,000 sub-problems
    /// without it, 20 per bound prove it in 41 sub-problems and 100 at the root; 100 also
    /// proves prop_4_0.05 (1,102 sub-problems), 20 does not. Three layers at 100 leave
    /// prop_6_0.05 open as one layer does (the total is spent on the deeper layers).
    public var rootBranching = IntermediateBranchingBudget(perBound: 100, total: 20_000, layers: 1)
    /// How the slopes and multipliers are optimised (``HintAscent/Method``): Adam (the
    /// default) or sign steps (every run before Adam existed).
    public var optimiser = HintAscent.Method.adam
    /// Adam's slope step size at the root and at each fork child of the root (`depth 0`).
    public var slopeRate = 0.1
    /// Adam's slope step size below the root, where the parent's slopes are the start: a
    /// step of 0.1 there undoes them. Measured on `mnistfc` 256x4 prop_13_0.03 (its hardest
    /// disjunct, 20 s, multiplier rate 0.05): 0.01 proves it in 619 sub-problems, 0.05 in 961
    /// (Benchmarks/README.md).
    public var childSlopeRate = 0.01
    /// Adam's step size of the split multipliers at every node (0.01 on the disjunct above:
    /// 1,629 sub-problems, 0.05: 619, 0.1 on the whole property: 1,472 instead of 1,690).
    public var multiplierRate = 0.1
    /// Whether the split constraints also enter the specification rows' linear bounds as
    /// Lagrange multipliers (beta-CROWN, ``SplitMultipliers``), one per split unit and row,
    /// optimised with the slopes at every node that optimises (``childSlopeIterations``) and
    /// inherited by the children (a new split starts at 0). Multipliers are hints: every
    /// value `>= 0` gives sound bounds, and closing bounds come from the sound evaluation.
    /// Without them a sub-problem whose units are all fixed still has the bound of the whole
    /// box, so the search goes deep (see ``childSlopeIterations``).
    public var splitMultipliers = true
    /// With ``splitMultipliers``: one multiplier per split unit for all specification rows
    /// (their gradients summed) instead of one per row.
    public var sharedMultipliers = false
    /// How a sub-problem below the root gets its intermediate layer bounds
    /// (``PhaseNodeIntermediates``): `.refined` re-derives every loose unit by
    /// back-substitution; `.fixed` keeps the parent's bounds (split units clipped, intervals
    /// intersected) and back-substitutes only the specification rows; `.afterSplit` re-derives
    /// only the layers after the node's own split. The root is always refined. All are sound;
    /// the choice changes cost and tightness only. Measured (Benchmarks/README.md, issue 13,
    /// tenth step): on the paper-size chain (splits in the clip layer and the classifier,
    /// after the 1,024-wide generator layers) `.afterSplit` bounds about 1.6 times as many
    /// sub-problems per second as `.refined` and proves 65 and 47 of 100 samples in 10 s each
    /// (eps 0.03, simple and augmented GAN) instead of 63 and 45 (`.fixed`, on a quarter of
    /// the first: 15 of 25 instead of 17). On `mnistfc` (all 71 at 120 s) it solves the same
    /// 56: the solved ones need 3-8 % more sub-problems (64.7 s in all instead of 61.7 s), the
    /// time-outs bound 1-19 % (256x4) and 39-107 % (256x6) more in their 120 s.
    public var nodeIntermediates = PhaseNodeIntermediates.afterSplit
    /// Whether the disjuncts of the unsafe set share one tree or get one each
    /// (``PhaseDisjunctSearch``).
    public var disjuncts = PhaseDisjunctSearch.separate
    /// Projected gradient descent on the whole box and from every sub-problem's bound
    /// minimiser (``PhaseSplitFalsifier``).
    public var falsifier = FalsifierOptions()
    /// How the unit to split is chosen: BaBSR, or filtered smart branching over the top BaBSR
    /// candidates (``BranchingOptions``; off by default, measured there).
    public var branching = BranchingOptions()

    public init() {}

    /// Whether ``engine`` sends `network` with this input dimension to phase splitting.
    /// Networks with an enclosed-scale layer (`x / c`, batch normalisation) keep input
    /// splitting: the phase engine's leaves and slopes are not yet tested on them.
    public func usesPhaseSplitting(_ network: NeuralNetwork) -> Bool {
        guard network.isPiecewiseLinear else { return false }
        var hasReLU = false
        for layer in network.layers {
            switch layer {
            case .relu, .leakyRelu: hasReLU = true
            case .enclosedScale: return false
            case .affine, .clip, .tanh, .sigmoid: continue
            }
        }
        guard hasReLU else { return false }
        switch engine {
        case .input: return false
        case .phase: return true
        case .auto: return network.inputSize >= minimumInputDimension
        }
    }

    /// The ascent of a node at `depth` (``slopeRate`` at depth 0, ``childSlopeRate`` below).
    public func ascent(depth: Int) -> HintAscent {
        HintAscent(method: optimiser, slopeRate: depth == 0 ? slopeRate : childSlopeRate, multiplierRate: multiplierRate)
    }

    /// The text of ``QueryConfiguration``'s identity entry. ``falsifier`` and ``branching``
    /// appear only off their defaults resp. off BaBSR alone (the choice before filtered smart
    /// branching), ``nodeIntermediates`` only off `.refined`, ``disjuncts`` only off `.joint`
    /// (the search before it existed), the ascent only off `.sign` (with its rates), the root's
    /// branching only when on, so the identities written before each existed stay valid; a
    /// phase-engine configuration with the default `.separate` and Adam gets a new identity.
    public var description: String {
        let base = "PhaseSplitOptions(engine: \(engine.rawValue), minimumInputDimension: \(minimumInputDimension), "
            + "leafUnstableThreshold: \(leafUnstableThreshold), batch: \(batch), slopeIterations: \(slopeIterations), childSlopeIterations: \(childSlopeIterations)"
        let multipliers = (splitMultipliers ? ", splitMultipliers: true" : "") + (sharedMultipliers ? ", sharedMultipliers: true" : "")
        let falsifierText = falsifier == FalsifierOptions() ? "" : ", falsifier: \(falsifier)"
        let branchingText = branching.candidates <= 1 ? "" : ", branching: \(branching)"
        let intermediatesText = nodeIntermediates == .refined ? "" : ", nodeIntermediates: \(nodeIntermediates.rawValue)"
        let disjunctsText = disjuncts == .joint ? "" : ", disjuncts: \(disjuncts.rawValue)"
        let ascentText = optimiser == .sign ? "" : ", ascent: \(optimiser.rawValue)(slopes \(slopeRate), child slopes \(childSlopeRate), multipliers \(multiplierRate))"
        let rootText = rootIntermediateIterations == 0 ? "" : ", rootIntermediateIterations: \(rootIntermediateIterations)"
        let rootBranchingText = rootBranching.perBound == 0 ? ""
            : ", rootBranching: (perBound \(rootBranching.perBound), total \(rootBranching.total), layers \(rootBranching.layers))"
        return base + multipliers + falsifierText + branchingText + intermediatesText + disjunctsText + ascentText + rootText
            + rootBranchingText + ")"
    }
}
