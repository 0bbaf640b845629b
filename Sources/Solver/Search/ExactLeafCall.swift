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
/// confirmed, both checked exactly. When neither is, the leaf is asked again for a point
/// strictly inside the unsafe set (``marginFractions``): Z3's model is a vertex of the
/// encoding's polytope, usually on the set's boundary, where rounding to `Double` can fall
/// outside; a model whose atoms are all `<= -δ` rounds to a point that is still inside
/// whenever `δ` exceeds the rounding's effect on the outputs. Every candidate, however found,
/// is checked exactly against the leaf's own property; the caller decides what an unconfirmed
/// one means.
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
            timeLimit: timeLimit(elapsed: elapsed, lastLevel: lastLevel),
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
            let candidate = Self.candidate(subQuery, exact: exact, nearest: nearest)
            guard !candidate.isConfirmed, subQuery.network.isPiecewiseLinear else { return .model(candidate) }
            let now = elapsed + Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
            return .model(modelWithMargin(box: box, bounds: bounds, subQuery: subQuery, near: candidate.outputs, elapsed: now,
                                          lastLevel: lastLevel, affineForm: affineForm, statistics: &statistics,
                                          smtSeconds: &smtSeconds) ?? candidate)
        case .unknown(let reason):
            statistics.smtUnknown += 1
            return .unknown(reason)
        }
    }

    /// The query's remaining time at the last level, ``QueryLimits/leafTimeLimit`` above it,
    /// at least 1 ms.
    private func timeLimit(elapsed: Double, lastLevel: Bool) -> Double {
        max(min(limits.timeLimit - elapsed, lastLevel ? .infinity : limits.leafTimeLimit), 0.001)
    }

    /// The margins of the retries, largest first, as fractions of each atom's scale
    /// `max(1, |b|, ‖a‖₁ max_i |y_i|)` (`y` the unconfirmed model's outputs): `2^-20` leaves room
    /// for rounding in networks with large gains, `2^-36` catches thinner unsafe sets.
    static let marginFractions: [Double] = [0x1p-20, 0x1p-36]

    /// A confirmed counterexample from the leaf re-solved with every atom `a · y + b <= 0`
    /// tightened to `a · y + b + δ <= 0`, for each margin of ``marginFractions`` in turn until
    /// one is confirmed; nil when none is, or Z3 answers unsat or unknown (unsat with a margin
    /// says nothing about the leaf). The retries count in `smtSeconds` and the resource count,
    /// not as leaves, and are not written to the `.smt2` directory.
    private func modelWithMargin(box: Box, bounds: BoundResult, subQuery: SafetyQuery, near outputs: [Double], elapsed: Double,
                                 lastLevel: Bool, affineForm: NetworkEncoder.AffineForm, statistics: inout QueryStatistics,
                                 smtSeconds: inout Double) -> Counterexample? {
        let largest = outputs.map(\.magnitude).max() ?? 0
        var elapsed = elapsed
        for fraction in Self.marginFractions {
            let tightened = subQuery.property.disjuncts.map { atoms in
                atoms.map { atom in
                    let scale = Swift.max(1, atom.constant.magnitude, atom.coefficients.map(\.magnitude).reduce(0, +) * largest)
                    return OutputAtom(coefficients: atom.coefficients, constant: atom.constant + fraction * scale)
                }
            }
            let start = DispatchTime.now()
            let (outcome, resources) = leafSolver.solve(
                network: subQuery.network, box: box, bounds: bounds,
                property: OutputProperty(outputCount: subQuery.property.outputCount, disjuncts: tightened),
                resourceLimit: limits.smtResourceLimit,
                timeLimit: timeLimit(elapsed: elapsed, lastLevel: lastLevel),
                smt2Directory: nil, affineForm: affineForm)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
            smtSeconds += seconds
            elapsed += seconds
            statistics.smtResourceCount += resources
            switch outcome {
            case .sat(let exact, let nearest):
                let candidate = Self.candidate(subQuery, exact: exact, nearest: nearest)
                if candidate.isConfirmed { return candidate }
            case .unsat: continue
            case .unknown: return nil
            }
        }
        return nil
    }

    /// The model's nearest `Double` point, or the point a few ulps away that
    /// ``CounterexampleCheck/confirmNear(_:nearest:exact:source:)`` confirms; checked exactly
    /// against `subQuery`.
    private static func candidate(_ subQuery: SafetyQuery, exact: [ExactRational]?, nearest: [Double]) -> Counterexample {
        let candidate = CounterexampleCheck.evaluate(subQuery, point: nearest, exact: exact, source: .smt)
        if !candidate.isConfirmed,
           let near = CounterexampleCheck.confirmNear(subQuery, nearest: nearest, exact: exact, source: .smt) {
            return near
        }
        return candidate
    }
}
