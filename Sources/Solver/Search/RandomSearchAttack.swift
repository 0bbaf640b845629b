import Encoding
import Network
import Support

/// Settings of the black-box random local search.
public struct RandomSearchConfiguration: Sendable, Equatable {
    /// Starting points: the box centre, then `restarts - 1` uniform random points.
    public var restarts: Int = 4
    /// Steps per start; each step evaluates `candidates` points.
    public var steps: Int = 40
    /// Random moves tried per step.
    public var candidates: Int = 8
    /// First step length, as a fraction of the box's half-width in each dimension.
    public var initialStep: Double = 0.5
    /// A start ends early once a failed step has shrunk the step below this fraction.
    public var minimumStep: Double = 1.0 / 128
    public var seed: UInt64 = 0x5EED

    public init(restarts: Int = 4, steps: Int = 40, candidates: Int = 8, initialStep: Double = 0.5,
                minimumStep: Double = 1.0 / 128, seed: UInt64 = 0x5EED) {
        self.restarts = restarts
        self.steps = steps
        self.candidates = candidates
        self.initialStep = initialStep
        self.minimumStep = minimumStep
        self.seed = seed
    }
}

/// Black-box attack: random local search in the box on the score `s(f(x))` of an
/// ``AttackGoal``, using forward passes only.
///
/// From a start `x` (the box centre, then uniform random points) with step fraction
/// `sigma = initialStep`, each step draws `candidates` directions `d` with `||d||_inf = 1`
/// (even-numbered candidates a random sign vector `d_i = ±1`, odd-numbered ones uniform
/// `d_i in [-1, 1]` rescaled to max-norm 1) and evaluates
///
/// ```
/// x'_k = clamp_box(x + sigma · h ⊙ d_k)        h_i = width_i / 2
/// ```
///
/// in one batched forward pass. The candidate with the lowest score replaces `x` when it
/// improves on `s(f(x))`; otherwise `sigma` halves, and once `sigma < minimumStep` the start
/// is abandoned for the next one. Deterministic for a seed; the budget is counted
/// (`restarts · steps · candidates` forward passes at most), the deadline only a cap.
public enum RandomSearchAttack {
    /// Postconditions: `.found(point, outputs, _)` has `box.contains(point)`,
    /// `outputs == network.evaluate(point)` (the single-input forward pass) and
    /// `goal.isReached(outputs)`.
    ///
    /// `float32`, when given, scores each step's candidates in float32 (the same network's
    /// weights rounded once, ``Float32BatchPass``) instead of the batched float64 pass: on large
    /// networks a small batch costs about half. Either way a score only proposes.
    public static func search(
        network: NeuralNetwork, box: Box, goal: AttackGoal, configuration: RandomSearchConfiguration,
        deadline: AttackDeadline = .none, float32: Float32BatchPass? = nil
    ) -> AttackOutcome {
        precondition(float32.map { $0.inputSize == network.inputSize && $0.outputSize == network.outputSize } ?? true,
                     "the float32 pass must be the network's")
        var rng = SplitMix64(seed: configuration.seed)
        var effort = AttackEffort()
        let halfWidths = box.widths.map { $0 / 2 }
        let p = box.dimension
        let k = max(configuration.candidates, 1)
        /// The single-input forward pass decides; a batched value only proposes.
        func forward(_ x: [Double]) -> [Double] {
            effort.evaluations += 1
            return network.evaluate(x)
        }
        func confirmed(_ x: [Double], _ outputs: [Double]) -> Bool { goal.isReached(outputs) && box.contains(x) }
        for restart in 0..<max(configuration.restarts, 1) {
            effort.restarts += 1
            if deadline.hasPassed { return .timeLimit(effort) }
            var x = restart == 0 ? box.center : uniformPoint(in: box, using: &rng)
            let start = forward(x)
            if confirmed(x, start) { return .found(point: x, outputs: start, effort: effort) }
            var score = goal.score(start)
            var sigma = configuration.initialStep
            for _ in 0..<configuration.steps {
                if deadline.hasPassed { return .timeLimit(effort) }
                var batch = [Double]()
                batch.reserveCapacity(k * p)
                for candidate in 0..<k {
                    let direction = randomDirection(p, signs: candidate % 2 == 0, using: &rng)
                    for i in 0..<p {
                        batch.append(min(max(x[i] + sigma * halfWidths[i] * direction[i], box.lower[i]), box.upper[i]))
                    }
                }
                let outputs = float32.map { $0.evaluate(batch: batch, count: k).map(Double.init) }
                    ?? network.evaluate(batch: batch, count: k)
                effort.evaluations += k
                let m = network.outputSize
                var best: (score: Double, index: Int)?
                for candidate in 0..<k {
                    let value = goal.score(Array(outputs[(candidate * m)..<((candidate + 1) * m)]))
                    if best == nil || value < best!.score { best = (value, candidate) }
                }
                if let best, best.score < score {
                    x = Array(batch[(best.index * p)..<((best.index + 1) * p)])
                    score = best.score
                    if goal.strict ? score < 0 : score <= 0 {
                        let single = forward(x)
                        if confirmed(x, single) { return .found(point: x, outputs: single, effort: effort) }
                    }
                } else {
                    sigma /= 2
                    if sigma < configuration.minimumStep { break }
                }
            }
        }
        return .exhausted(effort)
    }

    /// A uniform point of the box (a degenerate dimension takes its one value).
    static func uniformPoint(in box: Box, using rng: inout SplitMix64) -> [Double] {
        let widths = box.widths
        return (0..<box.dimension).map { i in
            widths[i] > 0 ? Double.random(in: box.lower[i]...box.upper[i], using: &rng) : box.lower[i]
        }
    }

    /// A direction with max-norm 1: a random sign vector, or a uniform vector of `[-1, 1]^p`
    /// divided by its max-norm.
    static func randomDirection(_ p: Int, signs: Bool, using rng: inout SplitMix64) -> [Double] {
        if signs { return (0..<p).map { _ in Bool.random(using: &rng) ? 1 : -1 } }
        let d = (0..<p).map { _ in Double.random(in: -1...1, using: &rng) }
        let norm = d.map(abs).max() ?? 0
        return norm > 0 ? d.map { $0 / norm } : d
    }
}
