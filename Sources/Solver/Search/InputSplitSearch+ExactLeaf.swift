import Dispatch
import Encoding

extension InputSplitSearch {
    /// Step 4 on a main-search node: put off once (when splitting is on), then Z3 on the exact
    /// encoding of the sub-box with the node's bounds as big-M constants, a per-leaf time limit
    /// (the query's remaining time at the last level) and the `rlimit` budget. Returns nil
    /// when Z3 ran out of budget above the last level (the node is split instead).
    mutating func exactLeaf(_ node: Node, _ bounds: BoundResult, _ subQuery: SafetyQuery, lastLevel: Bool) -> NodeStep? {
        guard configuration.leaves.useSMT else {
            unknownReason = unknownReason ?? .exactStepDisabled
            return .done
        }
        if configuration.search.useSplit && !node.deferred {
            var later = node
            later.deferred = true
            return .deferred(later)
        }
        usedSMT = true
        let limits = configuration.limits
        let start = DispatchTime.now()
        let (outcome, resources) = leafSolver.solve(
            network: query.network, box: node.box, bounds: bounds, property: subQuery.property,
            resourceLimit: limits.smtResourceLimit,
            timeLimit: max(min(limits.timeLimit - elapsed, lastLevel ? .infinity : limits.leafTimeLimit), 0.001),
            smt2Directory: configuration.leaves.smt2Directory)
        smtSeconds += Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        statistics.smtLeaves += 1
        statistics.smtResourceCount += resources
        switch outcome {
        case .unsat:
            statistics.smtUnsat += 1
            record(node, .smt)
            return .done
        case .sat(let exact, let nearest):
            statistics.smtSat += 1
            return modelLeaf(subQuery, exact: exact, nearest: nearest)
        case .unknown(let reason):
            statistics.smtUnknown += 1
            guard lastLevel || leafSolver.isInterrupted else { return nil }
            unknownReason = unknownReason ?? (elapsed > limits.timeLimit ? .timeLimit(seconds: limits.timeLimit) : .leaf(reason))
            return .done
        }
    }

    /// A Z3 model of a leaf: VIOLATED when its nearest Double point (or a point a few ulps
    /// away, ``CounterexampleCheck/confirmNear(_:nearest:exact:source:)``) is confirmed in
    /// exact arithmetic. Otherwise Z3's rational point is unsafe but no Double point is shown
    /// to be (or, tanh/sigmoid, cannot be): it is kept and the search goes on for a confirmed one.
    mutating func modelLeaf(_ subQuery: SafetyQuery, exact: [ExactRational], nearest: [Double]) -> NodeStep {
        var candidate = CounterexampleCheck.evaluate(subQuery, point: nearest, exact: exact, source: .smt)
        if !candidate.isConfirmed,
           let near = CounterexampleCheck.confirmNear(subQuery, nearest: nearest, exact: exact, source: .smt) {
            candidate = near
        }
        guard candidate.isConfirmed else {
            if unconfirmed == nil { unconfirmed = candidate }
            if !query.network.isPiecewiseLinear { unknownReason = unknownReason ?? .inexactEncoding }
            return .done
        }
        return .decided(Outcome(verdict: .violated(candidate), decidedBySplit: false))
    }
}
