import Encoding
import Network

/// The node-only work of one ReLU branch-and-bound sub-problem (``PhaseSplitSearch``): its
/// split-aware bounds, the disjuncts they leave open, its bound minimisers tried as
/// counterexamples, and the unit to split. A pure function of the node, so a batch can be
/// prepared on several threads with the same values as on one.
struct PhaseSplitPreparation: Sendable {
    let query: SafetyQuery
    let specification: LinearSpecification
    let rows: [Range<Int>]
    /// The falsifier's settings (``falsify(_:open:best:expired:effort:)``).
    var falsifier = FalsifierOptions()
    /// How the unit to split is chosen (``branch(_:phases:slopes:open:best:)``).
    var branching = BranchingOptions()
    /// One split multiplier per unit for all rows (``PhaseSplitOptions/sharedMultipliers``).
    var sharedMultipliers = false

    /// What the bounds say about one sub-problem.
    enum Prepared: Sendable {
        /// The sub-problem is empty (two of its constraints contradict each other).
        case infeasible
        /// Every unsafe disjunct is excluded on the sub-problem by bounds or a dual certificate.
        case closed(dualExclusions: Int)
        /// A bound minimiser is a counterexample (exactly confirmed).
        case violated(Counterexample)
        /// Open disjuncts remain.
        case open(Open)
    }

    struct Open: Sendable {
        var bounds: PhaseSplitNodeBounds
        /// The lower slopes of ``bounds`` (the children's start).
        var slopes: [Int: [Double]]
        /// The split multipliers of ``bounds`` (the children's start; nil when off).
        var multipliers: SplitMultipliers? = nil
        var open: [Int]
        var dualExclusions: Int
        /// Unstable units of every kind (clip too): what an exact leaf must split.
        var unstable: Int
        /// The unit to split next and its first child's side, or nil when no unit can be split.
        var split: (unit: ActivationUnit, first: SplitSide)?
    }

    /// - Parameters:
    ///   - slopes: the parent's lower slopes (``BoundOptions/lowerSlopes``), the start of this
    ///     node's optimisation; any value is sound.
    ///   - multipliers: the parent's split multipliers (``SplitMultipliers``), the start of this
    ///     node's optimisation; any value `>= 0` is sound; nil: no multipliers.
    ///   - ascent: how the slopes and multipliers are optimised (``HintAscent``).
    ///   - iterations: slope optimisation steps at this node (0: the given slopes as they are).
    ///   - expired: the query's time limit; the slope optimisation stops early once it is true.
    ///   - optimisedHints: told the optimised slopes and multipliers when the second, sound
    ///     evaluation uses them (for the proof record, ``PhaseProofNode/slopes``).
    ///   - effort: the falsifier's work at this node is added to it.
    ///   - intermediates: whether the intermediate layers are refined or kept from
    ///     `enclosing` (``PhaseNodeIntermediates``; both passes use it), with
    ///     `newestSplitLayer` the layer of the node's own split constraint (nil: none).
    ///   - intervals: the parent's interval products (``IntervalMemo``; empty at the root), reused
    ///     where a layer's input bounds repeat; the result's bounds carry them on.
    func prepare(phases: PhaseConstraints, candidates: [Int], enclosing: [LayerBounds]?,
                 slopes: [Int: [Double]], multipliers: SplitMultipliers? = nil, ascent: HintAscent = HintAscent(), iterations: Int,
                 intermediates: PhaseNodeIntermediates = .refined, newestSplitLayer: Int? = nil,
                 intervals: IntervalMemo = IntervalMemo(),
                 expired: () -> Bool = { false }, optimisedHints: (RelaxationHints) -> Void = { _ in },
                 effort: inout FalsifierEffort) -> Prepared {
        guard var bounds = PhaseSplitBounds.bounds(of: query.network, over: query.box, phases: phases,
                                                   specification: specification, enclosing: enclosing,
                                                   lowerSlopes: slopes, multipliers: multipliers ?? SplitMultipliers(),
                                                   intermediates: intermediates, newestSplitLayer: newestSplitLayer,
                                                   intervals: intervals) else {
            return .infeasible
        }
        var usedSlopes = slopes, usedMultipliers = multipliers
        if iterations > 0 {
            let open = InputSplitSearch.openDisjuncts(bounds.result.specLower, rows: rows, among: candidates)
            if !open.isEmpty {
                // Optimised slopes and multipliers (hints), then the sound evaluation with them
                // inside the first bounds (so no layer's bounds get looser).
                let hints = bounds.optimisedHints(rows: open.map { bestAtom(bounds.result, $0) },
                                                  specification: specification, box: query.box, phases: phases,
                                                  start: multipliers, sharedMultipliers: sharedMultipliers,
                                                  ascent: ascent, iterations: iterations, expired: expired)
                usedSlopes = hints.slopes
                usedMultipliers = multipliers == nil ? nil : hints.multipliers
                optimisedHints(hints)
                guard let tighter = PhaseSplitBounds.bounds(
                    of: query.network, over: query.box, phases: phases, specification: specification,
                    enclosing: bounds.result.layerBounds, lowerSlopes: hints.slopes,
                    multipliers: hints.multipliers, intermediates: intermediates,
                    newestSplitLayer: newestSplitLayer, intervals: bounds.intervals) else { return .infeasible }
                var merged = tighter
                merged.result.specLower = zip(tighter.result.specLower, bounds.result.specLower).map { max($0, $1) }
                bounds = merged
            }
        }
        let result = bounds.result
        var dualExclusions = 0
        let constraints = phaseRows(phases)
        let open = InputSplitSearch.openDisjuncts(result.specLower, rows: rows, among: candidates).filter { disjunct in
            guard rows[disjunct].count + constraints.count >= 2 else { return true }
            let excluded = ConjunctionExclusion.search(lower: query.box.lower, upper: query.box.upper,
                                                       rows: linearRows(result, disjunct) + constraints).excludes
            if excluded { dualExclusions += 1 }
            return !excluded
        }
        if open.isEmpty { return .closed(dualExclusions: dualExclusions) }
        let best = open.map { bestAtom(result, $0) }
        if let found = falsify(result, open: open, best: best, expired: expired, effort: &effort) { return .violated(found) }
        return .open(Open(bounds: bounds, slopes: usedSlopes, multipliers: usedMultipliers, open: open, dualExclusions: dualExclusions,
                          unstable: InputSplitSearch.unstableUnits(query.network, result),
                          split: branch(bounds, phases: phases, slopes: usedSlopes, open: open, best: best)))
    }

    /// The fixed phases of the first activation layer, when the network starts with an
    /// affine layer `z = W x + b` and an activation: exact linear constraints on the input,
    /// as rows `(Λ, c)` meaning `Λ · x + c <= 0` on the sub-problem (active `z_i >= 0`:
    /// `(-W_i, -b_i)`; inactive `z_i <= 0`: `(W_i, b_i)`; negation is exact). Joined to a
    /// disjunct's linear lower bounds, a dual certificate (``ConjunctionExclusion``) then
    /// shows that no point of the sub-problem reaches the disjunct.
    func phaseRows(_ phases: PhaseConstraints) -> [(coefficients: [Double], constant: Double)] {
        let layers = query.network.layers
        guard layers.count >= 2, case .affine(let affine) = layers[0] else { return [] }
        return phases.all.filter { $0.unit.layer == 1 }.map { unit, phase in
            let i = unit.unit
            let row = (0..<affine.inputSize).map { affine.weight(row: i, column: $0) }
            return phase == .inactive ? (row, affine.bias[i]) : (row.map { -$0 }, -affine.bias[i])
        }
    }

    /// The atom of `disjunct` with the highest lower bound (the closest to closing it).
    func bestAtom(_ result: BoundResult, _ disjunct: Int) -> Int {
        rows[disjunct].max { result.specLower[$0] < result.specLower[$1] }!
    }

    /// The box vertex that minimises the linear lower bound `Λ_r · x + c_r` of atom `r`
    /// (`x_i = l_i` where `Λ_ri > 0`, else `u_i`): where the bound says the atom is lowest.
    func minimiser(_ result: BoundResult, row r: Int) -> [Double] {
        let box = query.box
        return result.inputCoefficients[r].enumerated().map { i, c in c > 0 ? box.lower[i] : box.upper[i] }
    }

    /// The unit with the highest ``PhaseSplitNodeBounds/branchingScores(rows:specification:)``
    /// for the atoms `rows` (ties: the first in (layer, unit) order); when every score is 0,
    /// the unit whose interval is widest on the narrower side of its breakpoint `b`
    /// (`min(b - l, u - b)`, ``PhaseSplitNodeBounds/breakpoint(of:)``). The first child takes
    /// the larger side of `b`.
    func choose(_ bounds: PhaseSplitNodeBounds, rows: [Int]) -> (unit: ActivationUnit, first: SplitSide)? {
        let scored = bounds.branchingScores(rows: rows, specification: specification)
        guard !scored.isEmpty else { return nil }
        var best = scored[0]
        for candidate in scored.dropFirst() where candidate.score > best.score { best = candidate }
        var unit = best.unit
        let layerBounds = bounds.result.layerBounds
        func side(_ u: ActivationUnit) -> Double {
            let b = bounds.breakpoint(of: u)!
            return min(b - layerBounds[u.layer].lower[u.unit], layerBounds[u.layer].upper[u.unit] - b)
        }
        if !(best.score > 0) {
            unit = scored.map(\.unit).max { side($0) < side($1) }!
        }
        let b = bounds.breakpoint(of: unit)!
        let l = layerBounds[unit.layer].lower[unit.unit], u = layerBounds[unit.layer].upper[unit.unit]
        return (unit, SplitSide(breakpoint: b, above: u - b >= b - l))
    }

    /// The linear lower bounds `(Λ_r, c_r)` of the atoms of `disjunct`.
    func linearRows(_ result: BoundResult, _ disjunct: Int) -> [(coefficients: [Double], constant: Double)] {
        rows[disjunct].map { (coefficients: result.inputCoefficients[$0], constant: result.inputConstants[$0]) }
    }

    /// The query restricted to the disjuncts `open`.
    func subQuery(_ open: [Int]) -> SafetyQuery {
        SafetyQuery(network: query.network, box: query.box,
                    property: OutputProperty(outputCount: query.property.outputCount,
                                             disjuncts: open.map { query.property.disjuncts[$0] }))
    }
}
