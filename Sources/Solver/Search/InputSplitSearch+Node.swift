import Dispatch
import Encoding
import Network

extension InputSplitSearch {
    /// Handles one node (steps 1-5 of the type's documentation) with its prepared bounds.
    mutating func handle(_ node: Node, _ ready: SplitNodePreparation.Prepared, onPlainTrack: Bool) -> NodeStep {
        if let reason = limitReached() { return .stop(reason) }
        statistics.nodes += 1
        if onPlainTrack { statistics.plainTrackNodes += 1 }
        if let found = escalatedAttack() {
            statistics.escalatedAttackFound = true
            return .decided(Outcome(verdict: .violated(found), decidedBySplit: true))
        }
        statistics.maxDepth = max(statistics.maxDepth, node.depth)

        let bounds = ready.bounds
        statistics.dualExclusions += ready.dualExclusions
        let open = onPlainTrack ? ready.open : openAfterExactLP(node, ready)
        if open.isEmpty {
            guard !onPlainTrack else { return .done }
            if let trial = ready.trial, trial.closes {
                statistics.slopeClosures += 1
                record(node, .slopes, slopes: trial.slopes)
            } else {
                record(node, .bounds)
            }
            return .done
        }

        let subProperty = preparation.subProperty(open)
        let subQuery = SafetyQuery(network: query.network, box: node.box, property: subProperty)
        if let found = nodeAttack(node, ready, open: open, subQuery: subQuery) {
            statistics.plainTrackFound = onPlainTrack
            return .decided(Outcome(verdict: .violated(found), decidedBySplit: true))
        }

        let unstable = Self.unstableUnits(query.network, bounds)
        // A box no dimension of which splits (a point, or every side already cut to
        // 2^-20 of the root's) is a last level too: splitting it changes nothing.
        let lastLevel = !configuration.search.useSplit || node.depth >= configuration.leaves.maxDepth || !hasSplittableDimension(node.box)
        if lastLevel || (configuration.leaves.useSMT && unstable <= configuration.leaves.smtUnstableThreshold) {
            // The plain track only looks for counterexamples: its exact leaves are the main
            // search's to decide.
            if onPlainTrack { return .done }
            if let step = exactLeaf(node, bounds, subQuery, lastLevel: lastLevel) { return step }
            // Z3 ran out of budget on this sub-box: split it and go on.
        }
        var pair = children(of: node, bounds: bounds, open: open, subProperty: subProperty, onPlainTrack: onPlainTrack)
        for k in pair.indices { pair[k].failedTrial = ready.trial ?? node.failedTrial }
        return .split(pair)
    }

    /// The limit that ends the search before the next node, if any: an interruption (the
    /// time limit when it has passed), the main search's node budget (the plain track adds
    /// at most one batch in ``SearchSettings/plainTrackPeriod``), the time limit.
    func limitReached() -> UnknownReason? {
        let limits = configuration.limits
        if leafSolver.isInterrupted {
            return elapsed > limits.timeLimit ? .timeLimit(seconds: limits.timeLimit) : .interrupted
        }
        if statistics.nodes - statistics.plainTrackNodes >= limits.maxNodes { return .nodeBudget(nodes: limits.maxNodes) }
        if elapsed > limits.timeLimit { return .timeLimit(seconds: limits.timeLimit) }
        return nil
    }

    /// The escalated whole-box attack (``AttackSettings/escalatedAttack``), run once when the
    /// node count reaches ``AttackSettings/escalateAfterNodes``: its confirmed point, if any.
    func escalatedAttack() -> Counterexample? {
        let attack = configuration.attack
        guard statistics.nodes == attack.escalateAfterNodes, attack.useAttack, let escalated = attack.escalatedAttack,
              let point = GradientAttack.search(
                  network: query.network, box: query.box, goal: AttackGoal(property: query.property, strict: false),
                  configuration: escalated, deadline: .after(seconds: configuration.limits.timeLimit - elapsed),
                  threads: threads).point
        else { return nil }
        return CounterexampleCheck.check(query, point: point, source: .attack)
    }

    /// The node's open disjuncts after Z3's exact LP on those whose float LP optimum was too
    /// close to zero to tell (step 1; the main search only).
    mutating func openAfterExactLP(_ node: Node, _ ready: SplitNodePreparation.Prepared) -> [Int] {
        guard !ready.nearZero.isEmpty else { return ready.open }
        return ready.open.filter { disjunct in
            guard ready.nearZero.contains(disjunct) else { return true }
            let excluded = leafSolver.relaxationExcludes(box: node.box, rows: preparation.linearRows(ready.bounds, disjunct))
            if excluded { statistics.lpExclusions += 1 }
            return !excluded
        }
    }

    /// The node attack (step 3, below the root): the prepared attack point when it was run on
    /// the same open disjuncts, else a fresh attack; the point when it is confirmed.
    func nodeAttack(_ node: Node, _ ready: SplitNodePreparation.Prepared, open: [Int], subQuery: SafetyQuery) -> Counterexample? {
        guard configuration.attack.useAttack, node.depth > 0,
              let point = ready.attackRun && open == ready.open
                  ? ready.attackPoint
                  : preparation.attack(box: node.box, open: open, configuration: configuration.attack.nodeAttack)
        else { return nil }
        return CounterexampleCheck.check(subQuery, point: point, source: .attack)
    }
}
