import Encoding
import Network
import Support

/// Falsification inside the ReLU-phase engine: projected gradient descent (L-infinity, sign
/// steps) on the violation score of one unsafe disjunct `d` at a time,
///
/// ```
/// s_d(y) = max_{a in d} a(y)                 (d holds at x  <=>  s_d(f(x)) <= 0)
/// x_{t+1} = clamp_box(x_t - α_t ⊙ sign(∇_x a*(f(x_t))))
/// α_t,i = initialStep · width_i · schedule(t / T)
/// ```
///
/// where `a*` is the atom of `d` with the highest value at `x_t` (for a robustness property,
/// one disjunct per competitor `j`: `a = y_j - y_c`, so each target is attacked on its own
/// margin instead of the currently best competitor's, which oscillates between targets).
///
/// Starts (``wholeBox(minimisers:expired:effort:)``): per target, the box centre, the target's bound
/// minimiser (the box vertex the root's linear lower bound points to), then seeded random
/// points, alternately uniform in the box and random box vertices; all (target, start) pairs
/// descend in lockstep, one batched forward pass and one batched gradient per step
/// (``descend(disjuncts:from:steps:expired:effort:)``). In the search
/// (``PhaseSplitPreparation/falsify(_:open:best:expired:effort:)``): every sub-problem's bound minimisers
/// (after its slope optimisation) are checked, and the lowest-scoring one starts a short
/// descent.
///
/// A point whose float forward pass reaches the unsafe set is only a candidate: it becomes a
/// counterexample only when ``CounterexampleCheck/check(_:point:source:)`` confirms it in
/// exact arithmetic; an unconfirmed candidate is dropped and the descent goes on. The
/// random starts come from a seed mixed with the query's box and property (``seed``), and
/// every budget is a count of steps, so the answer depends on neither timing nor threads;
/// `expired` (the query's time limit) only ends the search early, with no answer.
struct PhaseSplitFalsifier: Sendable {
    let query: SafetyQuery
    let options: FalsifierOptions

    /// The whole-box search, targets in order of their score at the box centre (lowest
    /// first, ties by index), all targets' starts in one lockstep batch: the first confirmed
    /// point in (step, target, start) order. A one-target-at-a-time search finds a point only
    /// if one of these descents does, so this search finds one whenever it would (possibly
    /// another point, of a later target reached after fewer steps). `minimisers[d]`: the bound minimiser of disjunct `d`, if known.
    /// Its starts and steps are added to `effort`.
    func wholeBox(minimisers: [Int: [Double]], expired: () -> Bool, effort: inout FalsifierEffort) -> Counterexample? {
        guard options.enabled, options.steps > 0 else { return nil }
        let property = query.property
        let centre = query.box.center
        let outputs = query.network.evaluate(centre)
        let scores = property.disjuncts.map { atoms in atoms.map { $0.value(outputs) }.max() ?? -.infinity }
        let targets = scores.indices.sorted { (scores[$0], $0) < (scores[$1], $1) }.prefix(max(options.targets, 0))
        var rng = SplitMix64(seed: seed)
        var rows: [(disjunct: Int, start: [Double])] = []
        for d in targets {
            var starts = [centre]
            if let vertex = minimisers[d] { starts.append(vertex) }
            while starts.count < options.restarts {
                starts.append(starts.count % 2 == 0 ? RandomSearchAttack.uniformPoint(in: query.box, using: &rng)
                                                    : randomVertex(using: &rng))
            }
            rows += starts.prefix(max(options.restarts, 1)).map { (d, $0) }
        }
        guard !rows.isEmpty, !expired() else { return nil }
        return descend(disjuncts: rows.map(\.disjunct), from: rows.map(\.start), steps: options.steps,
                       expired: expired, effort: &effort)
    }

    /// `steps` sign-gradient steps on `s_d` from `start`; the first visited point whose float
    /// pass reaches the query's unsafe set (any disjunct) and that the exact check confirms.
    /// One candidate and each step taken are added to `effort`. The batch of one of
    /// ``descend(disjunct:from:steps:expired:effort:)-([[Double]],_,_,_)``: the single-row
    /// forward and gradient passes, so the same points as a descent of its own.
    func descend(disjunct d: Int, from start: [Double], steps: Int, expired: () -> Bool,
                 effort: inout FalsifierEffort) -> Counterexample? {
        descend(disjunct: d, from: [start], steps: steps, expired: expired, effort: &effort)
    }

    /// `steps` sign-gradient steps on `s_d` from every start at once, in lockstep: step `t` of
    /// all descents is one batched forward pass (``NeuralNetwork/batchActivations(_:count:referenceOrder:)``
    /// on BLAS, a single row included)
    /// and one batched gradient (``NeuralNetwork/batchGradients(_:outputWeights:)``), so each
    /// affine layer is one matrix-matrix product per step instead of one matrix-vector product
    /// per start. Each descent visits the points it would visit on its own, up to the last
    /// bits of the batched sums (BLAS order; a tie in the atom choice or a gradient component
    /// within rounding of zero may then go another way). Returns the first confirmed point in
    /// (step, start) order: the lowest-numbered start among those that reach the unsafe set at
    /// the earliest step. Every descent that would find a counterexample alone still does, so
    /// the lockstep search finds one whenever the one-at-a-time search does, possibly another
    /// one and after fewer steps. Candidates are confirmed by ``CounterexampleCheck`` exactly;
    /// the batched values only choose them. Each start is a candidate and each step taken by
    /// each start a step in `effort`.
    func descend(disjunct d: Int, from starts: [[Double]], steps: Int, expired: () -> Bool,
                 effort: inout FalsifierEffort) -> Counterexample? {
        descend(disjuncts: Array(repeating: d, count: starts.count), from: starts, steps: steps, expired: expired, effort: &effort)
    }

    /// The lockstep descents of ``descend(disjunct:from:steps:expired:effort:)-([[Double]],_,_,_)``
    /// with one target per start: start `r` descends on `s_{disjuncts[r]}`. The whole-box search
    /// runs every (target, start) pair of the query as one batch, rows in target order, then
    /// start order, so the first confirmed point is the one of the earliest step, then the
    /// earliest row.
    func descend(disjuncts: [Int], from starts: [[Double]], steps: Int, expired: () -> Bool,
                 effort: inout FalsifierEffort) -> Counterexample? {
        precondition(disjuncts.count == starts.count, "one target per start")
        let box = query.box
        let network = query.network
        let widths = box.widths
        let count = starts.count, n = network.inputSize, outputSize = network.outputSize
        guard count > 0 else { return nil }
        var x = starts.flatMap { box.clamp($0) }
        effort.candidates += count
        for t in 0...steps {
            let forward = network.batchActivations(x, count: count, referenceOrder: false)
            var weights = [Double]()
            weights.reserveCapacity(count * outputSize)
            for r in 0..<count {
                let outputs = Array(forward.output(row: r))
                let point = Array(x[(r * n)..<((r + 1) * n)])
                if query.property.violatedDisjunct(outputs) != nil,
                   let found = CounterexampleCheck.check(query, point: point, source: .attack) {
                    return found
                }
                guard let atom = query.property.disjuncts[disjuncts[r]].max(by: { $0.value(outputs) < $1.value(outputs) }) else { return nil }
                weights.append(contentsOf: atom.coefficients)
            }
            guard t < steps, !expired() else { break }
            effort.steps += count
            let gradient = network.batchGradients(forward, outputWeights: weights)
            let factor = options.initialStep * options.schedule.factor(step: t, of: steps)
            for r in 0..<count {
                for i in 0..<n where gradient[r * n + i] != 0 && widths[i] > 0 {
                    let step = factor * widths[i]
                    let k = r * n + i
                    x[k] = min(max(gradient[k] > 0 ? x[k] - step : x[k] + step, box.lower[i]), box.upper[i])
                }
            }
        }
        return nil
    }

    /// A random vertex of the box (each coordinate its lower or upper end).
    private func randomVertex(using rng: inout SplitMix64) -> [Double] {
        (0..<query.box.dimension).map { Bool.random(using: &rng) ? query.box.upper[$0] : query.box.lower[$0] }
    }

    /// The seed of the random starts: ``FalsifierOptions/seed`` mixed (SplitMix64's finalizer)
    /// with the bit patterns of the box ends and of the property's coefficients and
    /// constants, so that the same query gets the same starts in any run.
    var seed: UInt64 {
        var hash = SplitMix64.mix(options.seed)
        func absorb(_ value: Double) { hash = SplitMix64.mix(hash ^ value.bitPattern) &+ SplitMix64.increment }
        for value in query.box.lower { absorb(value) }
        for value in query.box.upper { absorb(value) }
        for atoms in query.property.disjuncts {
            for atom in atoms {
                for value in atom.coefficients { absorb(value) }
                absorb(atom.constant)
            }
        }
        return hash
    }
}

extension PhaseSplitPreparation {
    /// Step 3 of a sub-problem: each open disjunct's bound minimiser (the box vertex the
    /// linear lower bound of its best atom `best[k]` points to) goes through the float
    /// forward pass (on BLAS, any summation order: a filter), and is checked as a
    /// counterexample (``CounterexampleCheck``, exact) when that pass puts it in the unsafe
    /// set or within ``HeuristicTolerances/candidateMargin`` of it (``isNearlyUnsafe(_:)``;
    /// the check itself costs several forward passes); then, with
    /// ``FalsifierOptions/nodeSteps`` `> 0`, the minimiser whose disjunct scores lowest in
    /// the float pass starts a short descent on that disjunct
    /// (``PhaseSplitFalsifier/descend(disjunct:from:steps:expired:effort:)``) if its score is
    /// within ``FalsifierOptions/nodeDescentRatio`` times the depth of the disjunct's lower
    /// bound below zero. A pure function of the node's bounds, like the rest of the
    /// preparation. The points tried and steps taken are added to `effort`.
    func falsify(_ result: BoundResult, open: [Int], best: [Int], expired: () -> Bool,
                 effort: inout FalsifierEffort) -> Counterexample? {
        let points = best.map { minimiser(result, row: $0) }
        let width = query.network.outputSize
        let flat = query.network.evaluate(batch: points.flatMap { $0 }, count: points.count, referenceOrder: false)
        let outputs = points.indices.map { Array(flat[($0 * width)..<(($0 + 1) * width)]) }
        for (point, values) in zip(points, outputs) {
            effort.candidates += 1
            if isNearlyUnsafe(values), let found = CounterexampleCheck.check(query, point: point, source: .attack) { return found }
        }
        guard falsifier.enabled, falsifier.nodeSteps > 0, !points.isEmpty, !expired() else { return nil }
        let scores = zip(open, outputs).map { d, outputs -> Double in
            query.property.disjuncts[d].map { $0.value(outputs) }.max() ?? -.infinity
        }
        let k = scores.indices.min { (scores[$0], $0) < (scores[$1], $1) }!
        guard scores[k] <= falsifier.nodeDescentRatio * -result.specLower[best[k]] else { return nil }
        return PhaseSplitFalsifier(query: query, options: falsifier)
            .descend(disjunct: open[k], from: points[k], steps: falsifier.nodeSteps, expired: expired, effort: &effort)
    }

    /// Whether the float outputs `values` reach the unsafe set or miss it by at most
    /// ``HeuristicTolerances/candidateMargin`` times `1 + max |y_i|`: the points worth the
    /// exact check. A filter only: a point it passes over is not a counterexample the float
    /// pass could show, and what it lets through is decided by the exact check alone.
    func isNearlyUnsafe(_ values: [Double]) -> Bool {
        let scale = 1 + (values.map(\.magnitude).max() ?? 0)
        return !(query.property.violationScore(values) > HeuristicTolerances.candidateMargin * scale)
    }
}
