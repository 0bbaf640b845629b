import Encoding
import Network

/// The part of a split-search node's work that depends on the node alone, so that several
/// nodes can be prepared at once on different threads: its bounds, the disjuncts that the
/// bounds and the dual certificate leave open, optimised slopes that may close the rest
/// (``slopeSteps``), and (optionally) the node attack on what stays open.
///
/// Everything here is a pure function of the node, so preparing a batch on one thread or
/// on many gives the same values; what needs a Z3 context (the exact LP of
/// ``ExactLeafSolver/relaxationExcludes(box:rows:)``, exact leaves) stays with the search.
struct SplitNodePreparation: Sendable {
    let network: NeuralNetwork
    let property: OutputProperty
    let specification: LinearSpecification
    let rows: [Range<Int>]
    let method: BoundMethod
    let useRelaxationLP: Bool
    let nodeAttack: AttackConfiguration?
    /// Gradient steps of the slope optimisation on a node that the plain bounds leave open
    /// (``BoundSettings/slopeSteps``; 0 = none, as in `verify check`, which re-evaluates
    /// recorded slopes instead, ``openAfterSlopes(box:plain:open:slopes:)``).
    var slopeSteps = 0

    /// A node's prepared values.
    struct Prepared: Sendable {
        var bounds: BoundResult
        /// Disjuncts that no atom lower bound `> 0` and no dual certificate excludes.
        var open: [Int]
        /// Those of ``open`` whose conjunction's float LP optimum is too close to zero for the
        /// sound dual check: the search asks Z3's exact LP about them.
        var nearZero: [Int]
        /// Conjunctions excluded by a dual certificate.
        var dualExclusions: Int
        /// The node's slope trial, when it ran: if it closed the node, ``open`` is empty and
        /// its slopes go into the proof leaf; if not, it is the children's
        /// ``InputSplitSearch/Node/failedTrial``.
        var trial: SlopeTrial? = nil
        /// The node attack's point on ``open`` (float-reached, not yet checked), when the
        /// attack was run here; `attackRun` says whether it was.
        var attackPoint: [Double]?
        var attackRun: Bool
    }

    /// Bounds `box` (``BoundOptions/enclosing`` when given; `root` instead when given) and
    /// filters `candidates` (see ``InputSplitSearch``, step 1), then tries optimised slopes
    /// on what stays open when ``slopeSteps`` is set and the nearest ancestor's failed trial
    /// `failedTrial` (nil when none) says they may close it (``SlopeTrial``), starting from
    /// that trial's slopes (the adaptive ones without it). The node attack
    /// runs when ``nodeAttack`` is set, `depth > 0` and some disjunct is open.
    func prepare(box: Box, candidates: [Int], depth: Int, enclosing: [LayerBounds]?,
                 root: BoundResult? = nil, failedTrial: SlopeTrial? = nil) -> Prepared {
        let bounds = root ?? BoundPropagation.bounds(
            of: network, over: box, specification: specification,
            options: BoundOptions(method: method, enclosing: enclosing))
        var open = InputSplitSearch.openDisjuncts(bounds.specLower, rows: rows, among: candidates)
        var nearZero: [Int] = []
        var dualExclusions = 0
        if useRelaxationLP, !bounds.inputCoefficients.isEmpty {
            open = open.filter { disjunct in
                guard rows[disjunct].count >= 2 else { return true }
                let linear = linearRows(bounds, disjunct)
                let scale = Self.dualScale(linear, box)
                // A box vertex where every row is clearly negative: no certificate exists.
                if ConjunctionExclusion.bestVertexWitness(lower: box.lower, upper: box.upper, rows: linear) < -HeuristicTolerances.dualMargin * scale {
                    return true
                }
                let dual = ConjunctionExclusion.search(lower: box.lower, upper: box.upper, rows: linear)
                if dual.excludes { dualExclusions += 1; return false }
                // The vertex search is exact up to rounding: only a float optimum too close
                // to zero for the sound check to separate it goes to the exact LP.
                if dual.value > -HeuristicTolerances.dualMargin * scale { nearZero.append(disjunct) }
                return true
            }
        }
        var trial: SlopeTrial?
        if slopeSteps > 0, method == .linear, !open.isEmpty,
           SlopeTrial.isWorthTrying(deficit: deficit(bounds.specLower, open: open), after: failedTrial) {
            trial = trySlopes(box: box, plain: bounds, open: open, start: failedTrial?.slopes)
            if trial?.closes == true { (open, nearZero) = ([], []) }
        }
        var prepared = Prepared(bounds: bounds, open: open, nearZero: nearZero, dualExclusions: dualExclusions,
                                trial: trial, attackPoint: nil, attackRun: false)
        if let nodeAttack, depth > 0, !open.isEmpty {
            prepared.attackPoint = attack(box: box, open: open, configuration: nodeAttack)
            prepared.attackRun = true
        }
        return prepared
    }

    /// Lower slopes optimised by ``slopeSteps`` steps of projected gradient ascent
    /// (``PhaseSplitNodeBounds/optimisedSlopes(rows:specification:box:ascent:iterations:expired:)``)
    /// on the best atom of every disjunct in `open`, and whether
    /// ``openAfterSlopes(box:plain:open:slopes:)`` leaves nothing open with them; nil when no
    /// unit has a free line, or the start's layers cross (the plain bound stands, and the node
    /// is split). The optimisation runs in plain floating point: its slopes are only hints
    /// until the sound evaluation has used them.
    ///
    /// - The start: the relaxation of the plain bounds' own layers
    ///   (``PhaseNodeIntermediates/fixed`` inside `plain`: the same lines as re-deriving them,
    ///   without the cost), with the slopes `initial` of an ancestor's failed trial (nil: the
    ///   adaptive slopes). Measured with that warm start against the adaptive slopes: ACAS Xu
    ///   4_2 prop_2 7,770 sub-boxes instead of 8,490, 3_3 prop_2 13,836 instead of 15,178, 1_1
    ///   prop_5 3,148 instead of 3,710, the MNIST C∘G query of ``SlopeTrial`` 1,931 instead of
    ///   1,961.
    /// - The sound evaluation re-derives every layer with the optimised slopes (with a trial at
    ///   every open sub-box, keeping the plain layers there too made 4_2 prop_2 need 11,390
    ///   sub-boxes instead of 6,566).
    func trySlopes(box: Box, plain: BoundResult, open: [Int], start initial: [Int: [Double]]? = nil) -> SlopeTrial? {
        guard let start = PhaseSplitBounds.bounds(of: network, over: box, phases: PhaseConstraints(),
                                                  specification: specification, enclosing: plain.layerBounds,
                                                  lowerSlopes: initial ?? [:], intermediates: .fixed) else { return nil }
        let best = open.map { disjunct in rows[disjunct].max { plain.specLower[$0] < plain.specLower[$1] }! }
        let slopes = start.optimisedSlopes(rows: best, specification: specification, box: box, iterations: slopeSteps)
        guard slopes.values.contains(where: { $0.contains { !$0.isNaN } }) else { return nil }
        guard let (lower, tight) = slopeBounds(box: box, plain: plain, slopes: slopes) else {
            return SlopeTrial(slopes: slopes, closes: true, gain: 0)
        }
        let left = stillOpen(box: box, lower: lower, tight: tight, open: open)
        return SlopeTrial(slopes: slopes, closes: left.isEmpty,
                          gain: deficit(plain.specLower, open: left) - deficit(lower, open: left))
    }

    /// The disjuncts of `open` that the sound linear bounds with lower slopes `slopes`
    /// (``slopeBounds(box:plain:slopes:)``) leave open: no atom lower bound `> 0` and no
    /// dual certificate of the conjunction (``ConjunctionExclusion``). Any slopes in their
    /// lines' ranges give sound bounds (``LinearRelaxation/freeLine(_:_:_:)``); the caller
    /// checks recorded ones first. An empty box (crossing bounds) leaves nothing open.
    func openAfterSlopes(box: Box, plain: BoundResult, open: [Int], slopes: [Int: [Double]]) -> [Int] {
        guard let (lower, tight) = slopeBounds(box: box, plain: plain, slopes: slopes) else { return [] }
        return stillOpen(box: box, lower: lower, tight: tight, open: open)
    }

    /// The sound bounds with lower slopes `slopes` (``PhaseSplitBounds`` without phase
    /// constraints, every layer intersected with the node's plain bounds `plain`) and the
    /// atoms' lower bounds, each the larger of the two computations; nil for an empty box.
    private func slopeBounds(box: Box, plain: BoundResult, slopes: [Int: [Double]]) -> (lower: [Double], tight: BoundResult)? {
        guard let tight = PhaseSplitBounds.bounds(of: network, over: box, phases: PhaseConstraints(),
                                                  specification: specification, enclosing: plain.layerBounds,
                                                  lowerSlopes: slopes)?.result else { return nil }
        return (zip(tight.specLower, plain.specLower).map { max($0, $1) }, tight)
    }

    /// The disjuncts of `open` with no atom lower bound `> 0` in `lower` and no dual
    /// certificate over the linear rows of `tight`.
    private func stillOpen(box: Box, lower: [Double], tight: BoundResult, open: [Int]) -> [Int] {
        InputSplitSearch.openDisjuncts(lower, rows: rows, among: open).filter { disjunct in
            rows[disjunct].count < 2 || !ConjunctionExclusion.search(lower: box.lower, upper: box.upper,
                                                                     rows: linearRows(tight, disjunct)).excludes
        }
    }

    /// How far the atom lower bounds `lower` are from closing the disjuncts `open`: the
    /// largest, over them, of `-max` of the disjunct's atom lower bounds (0 when none is open).
    func deficit(_ lower: [Double], open: [Int]) -> Double {
        open.map { disjunct in -rows[disjunct].map { lower[$0] }.max()! }.max() ?? 0
    }

    /// The node attack on the disjuncts `open` of ``property`` over `box`.
    func attack(box: Box, open: [Int], configuration: AttackConfiguration) -> [Double]? {
        GradientAttack.run(network: network, box: box, property: subProperty(open), configuration: configuration)
    }

    /// ``property`` restricted to the disjuncts `open`.
    func subProperty(_ open: [Int]) -> OutputProperty {
        OutputProperty(outputCount: property.outputCount, disjuncts: open.map { property.disjuncts[$0] })
    }

    /// The linear lower bounds `(Λ_r, c_r)` of the atoms of `disjunct`.
    func linearRows(_ bounds: BoundResult, _ disjunct: Int) -> [(coefficients: [Double], constant: Double)] {
        rows[disjunct].map { (coefficients: bounds.inputCoefficients[$0], constant: bounds.inputConstants[$0]) }
    }

    /// `max_r |c_r| + Σ_i |Λ_ri| (u_i - l_i)`: the magnitude of the rows over the box.
    static func dualScale(_ rows: [(coefficients: [Double], constant: Double)], _ box: Box) -> Double {
        rows.map { row in
            var total = abs(row.constant)
            for i in box.lower.indices { total += abs(row.coefficients[i]) * (box.upper[i] - box.lower[i]) }
            return total
        }.max() ?? 1
    }
}
