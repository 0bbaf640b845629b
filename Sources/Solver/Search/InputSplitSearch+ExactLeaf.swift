import Encoding

extension InputSplitSearch {
    /// Step 4 on a main-search node: put off once (when splitting and the node attacks are on),
    /// then Z3 on the exact encoding of the sub-box with the node's bounds as big-M constants, a
    /// per-leaf time limit (the query's remaining time at the last level) and the `rlimit`
    /// budget. Returns nil when Z3 ran out of budget above the last level (the node is split
    /// instead). Without node attacks (`--disable attack`) a leaf is decided at once: only Z3
    /// can find a counterexample then, and putting its leaves off would let a violated query
    /// spend its node budget splitting around the unsafe region.
    mutating func exactLeaf(_ node: Node, _ bounds: BoundResult, _ subQuery: SafetyQuery, lastLevel: Bool) -> NodeStep? {
        guard configuration.leaves.useSMT else {
            unknownReason = unknownReason ?? .exactStepDisabled
            return .done
        }
        if configuration.search.useSplit && configuration.attack.useAttack && !node.deferred {
            var later = node
            later.deferred = true
            return .deferred(later)
        }
        usedSMT = true
        let limits = configuration.limits
        let call = ExactLeafCall(leafSolver: leafSolver, limits: limits, smt2Directory: configuration.leaves.smt2Directory)
        switch call.run(box: node.box, bounds: bounds, subQuery: subQuery, elapsed: elapsed, lastLevel: lastLevel,
                        affineForm: .substituted, statistics: &statistics, smtSeconds: &smtSeconds) {
        case .unsat:
            record(node, .smt)
            return .done
        case .model(let candidate):
            return modelLeaf(candidate)
        case .unknown(let reason):
            guard lastLevel || leafSolver.isInterrupted else { return nil }
            unknownReason = unknownReason ?? (elapsed > limits.timeLimit ? .timeLimit(seconds: limits.timeLimit) : .leaf(reason))
            return .done
        }
    }

    /// A Z3 model of a leaf, checked by ``ExactLeafCall``: VIOLATED when confirmed in exact
    /// arithmetic. Otherwise Z3's rational point is unsafe but no Double point is shown
    /// to be (or, tanh/sigmoid, cannot be): it is kept and the search goes on for a confirmed one.
    mutating func modelLeaf(_ candidate: Counterexample) -> NodeStep {
        guard candidate.isConfirmed else {
            if unconfirmed == nil { unconfirmed = candidate }
            if !query.network.isPiecewiseLinear { unknownReason = unknownReason ?? .inexactEncoding }
            return .done
        }
        return .decided(Outcome(verdict: .violated(candidate), decidedBySplit: false))
    }
}
