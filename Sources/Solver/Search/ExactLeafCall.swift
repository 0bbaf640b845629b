import Dispatch
import Encoding

/// One Z3 leaf of a split search (``InputSplitSearch``, ``PhaseSplitSearch``): the big-M
/// encoding of `subQuery`'s property over `box` with `bounds` as big-M constants, under the
/// `rlimit` budget and a time limit of the query's remaining time (at the last level) or
/// ``QueryLimits/leafTimeLimit`` (above it, where an undecided leaf is split instead), at
/// least 1 ms. Counts the leaf and its answer in `statistics` and its seconds in
/// `smtSeconds`.
///
/// A model becomes a candidate: its nearest Double point, or a point a few ulps away
/// (``CounterexampleCheck/confirmNear(_:nearest:exact:source:)``) when only that one is
/// confirmed, both checked exactly; the caller decides what an unconfirmed one means.
struct ExactLeafCall {
    let leafSolver: ExactLeafSolver
    let limits: QueryLimits
    let smt2Directory: String?

    enum Answer {
        case unsat
        /// Z3's model, checked exactly (``Counterexample/isConfirmed`` says whether it held).
        case model(Counterexample)
        case unknown(LeafFailure)
    }

    /// - Parameters:
    ///   - elapsed: seconds the query has run so far.
    ///   - affineForm: see ``ExactLeafSolver/solve(network:box:bounds:property:resourceLimit:timeLimit:smt2Directory:affineForm:)``.
    func run(box: Box, bounds: BoundResult, subQuery: SafetyQuery, elapsed: Double, lastLevel: Bool,
             affineForm: NetworkEncoder.AffineForm, statistics: inout QueryStatistics, smtSeconds: inout Double) -> Answer {
        let start = DispatchTime.now()
        let (outcome, resources) = leafSolver.solve(
            network: subQuery.network, box: box, bounds: bounds, property: subQuery.property,
            resourceLimit: limits.smtResourceLimit,
            timeLimit: max(min(limits.timeLimit - elapsed, lastLevel ? .infinity : limits.leafTimeLimit), 0.001),
            smt2Directory: smt2Directory, affineForm: affineForm)
        smtSeconds += Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        statistics.smtLeaves += 1
        statistics.smtResourceCount += resources
        switch outcome {
        case .unsat:
            statistics.smtUnsat += 1
            return .unsat
        case .sat(let exact, let nearest):
            statistics.smtSat += 1
            var candidate = CounterexampleCheck.evaluate(subQuery, point: nearest, exact: exact, source: .smt)
            if !candidate.isConfirmed,
               let near = CounterexampleCheck.confirmNear(subQuery, nearest: nearest, exact: exact, source: .smt) {
                candidate = near
            }
            return .model(candidate)
        case .unknown(let reason):
            statistics.smtUnknown += 1
            return .unknown(reason)
        }
    }
}
