import Encoding
import Network

// Filtered smart branching (FSB).
//
// Reference: A. De Palma et al., "Improved Branch and Bound for Neural Network Verification
// via Lagrangian Decomposition", 2021; used with BaBSR filtering in alpha-beta-CROWN.

extension PhaseSplitPreparation {
    /// The unit to split at a sub-problem with bounds `bounds`, fixed phases `phases`, lower
    /// slopes `slopes`, open disjuncts `open` and their best atoms `best`.
    ///
    /// With ``BranchingOptions/candidates`` `k <= 1`: the BaBSR choice (``choose(_:rows:)``).
    /// Otherwise filtered smart branching: the `k` units with the highest positive BaBSR
    /// scores (ties: (layer, unit) order) are the candidates; each candidate `i`'s two children
    /// (`z_i >= b`, `z_i <= b` at its breakpoint `b`) get the cheap sound bound
    /// ``PhaseSplitBounds/bounds(of:over:phases:specification:enclosing:lowerSlopes:multipliers:intermediates:)`` with ``PhaseNodeIntermediates/fixed``
    /// (this node's layer bounds and slopes kept), and
    ///
    /// ```
    /// i* = argmax_i  min(J(child_i^+), J(child_i^-))        (ties: the better child, then BaBSR rank)
    /// J(child) = objective over the open disjuncts d of  v_d = max_{a in d} lower_a(child)
    ///            (lowest: min_d v_d; negativeSum: Σ_d min(v_d, 0)); an empty child: +inf
    /// ```
    ///
    /// The first child takes the larger side of `b`, as in ``choose(_:rows:)``. With no
    /// positive score the BaBSR fallback applies. A heuristic only: the children of any
    /// split cover the parent, so the choice never affects soundness; it is a pure function
    /// of the node, so a batch gives the same choices on any number of threads.
    func branch(_ bounds: PhaseSplitNodeBounds, phases: PhaseConstraints, slopes: [Int: [Double]],
                open: [Int], best: [Int]) -> (unit: ActivationUnit, first: SplitSide)? {
        let fallback = choose(bounds, rows: best)
        guard branching.candidates > 1, fallback != nil else { return fallback }
        let scored = bounds.branchingScores(rows: best, specification: specification)
        let ranked = scored.indices.filter { scored[$0].score > 0 }
            .sorted { (scored[$0].score, -$0) > (scored[$1].score, -$1) }
            .prefix(branching.candidates)
        guard ranked.count > 1 else { return fallback }
        // The open disjuncts' rows only, renumbered 0..<count.
        let openRows = open.map { Array(rows[$0]) }
        var renumbered: [Range<Int>] = []
        for disjunct in openRows { renumbered.append((renumbered.last?.upperBound ?? 0)..<((renumbered.last?.upperBound ?? 0) + disjunct.count)) }
        let flat = openRows.flatMap { $0 }
        let restricted = LinearSpecification(coefficients: flat.map { specification.coefficients[$0] },
                                             constants: flat.map { specification.constants[$0] })
        let layerBounds = bounds.result.layerBounds
        func value(_ side: SplitSide, of unit: ActivationUnit) -> Double {
            let child = phases.constraining(unit, side, width: layerBounds[unit.layer].count)
            let bound: BoundResult?
            switch branching.estimate {
            case .fixedIntermediates:
                bound = PhaseSplitBounds.bounds(of: query.network, over: query.box, phases: child, specification: restricted,
                                                enclosing: layerBounds, lowerSlopes: slopes, intermediates: .fixed,
                                                intervals: bounds.intervals)?.result
            case .full:
                bound = PhaseSplitBounds.bounds(of: query.network, over: query.box, phases: child, specification: restricted,
                                                enclosing: layerBounds, lowerSlopes: slopes, intervals: bounds.intervals)?.result
            }
            guard let result = bound else { return .infinity }
            let values = renumbered.map { range in range.map { result.specLower[$0] }.max()! }
            switch branching.objective {
            case .lowest: return values.min() ?? .infinity
            case .negativeSum: return values.reduce(0) { $0 + min($1, 0) }
            }
        }
        var chosen: (unit: ActivationUnit, worse: Double, better: Double)?
        for index in ranked {
            let unit = scored[index].unit
            let b = bounds.breakpoint(of: unit)!
            let values = [value(SplitSide(breakpoint: b, above: true), of: unit),
                          value(SplitSide(breakpoint: b, above: false), of: unit)]
            let worse = values.min()!, better = values.max()!
            if let current = chosen, (worse, better) <= (current.worse, current.better) { continue }
            chosen = (unit, worse, better)
        }
        guard let unit = chosen?.unit else { return fallback }
        let b = bounds.breakpoint(of: unit)!
        let l = layerBounds[unit.layer].lower[unit.unit], u = layerBounds[unit.layer].upper[unit.unit]
        return (unit, SplitSide(breakpoint: b, above: u - b >= b - l))
    }
}
