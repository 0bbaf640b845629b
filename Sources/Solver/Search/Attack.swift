import Encoding
import Network

/// Settings of the projected-gradient attack.
public struct AttackConfiguration: Sendable, Equatable {
    /// Starting points: the box centre, then `restarts - 1` uniform random points.
    public var restarts: Int = 4
    /// Gradient steps per start.
    public var steps: Int = 40
    /// Seed of the random starts (the search stays deterministic for a given query).
    public var seed: UInt64 = 0x5EED
    /// Step length in input units, the same in every dimension; `nil` (the pipeline's
    /// default) means `2.5 · width_i / steps` per dimension.
    public var stepSize: Double?
    /// Uniform points of the box scored (one batched forward pass) before the gradient
    /// steps; when positive, the random starts are the best-scoring of them instead of fresh
    /// random points, and a sample that already reaches the goal is returned at once. 0: off.
    public var samples: Int = 0
    /// Shrink the step linearly over each start, `step_t = step · (1 - t / (steps + 1))`, so
    /// that a start can settle into a violating region narrower than the first steps (sign
    /// steps of a fixed length oscillate around it). Off: fixed steps.
    public var decay: Bool = false

    public init(restarts: Int = 4, steps: Int = 40, seed: UInt64 = 0x5EED, stepSize: Double? = nil,
                samples: Int = 0, decay: Bool = false) {
        self.restarts = restarts
        self.steps = steps
        self.seed = seed
        self.stepSize = stepSize
        self.samples = samples
        self.decay = decay
    }
}

/// Projected gradient descent (L-infinity, sign steps) on the score of an ``AttackGoal``.
///
/// The score of a point is `s(f(x)) = min_d max_{a in d} a(f(x))` (see ``AttackGoal``). Each
/// step takes the active atom `a` (the disjunct with the lowest score and, inside it, the atom
/// with the highest value) and moves
///
/// ```
/// x <- clamp_box(x - step ⊙ sign(∇_x a(f(x))))
/// ```
///
/// with the gradient from the network's own reverse pass (``NeuralNetwork/valueAndGradient(at:outputWeights:)``)
/// and `step_i = 2.5 · width_i / steps` (the usual PGD schedule) unless a step size is given.
/// Starts: the box centre, then uniform random points of the box. The attack only ever
/// returns a point whose plain float forward pass reaches the goal, so it can never produce
/// a false counterexample; it may miss real ones (that is what the exact steps are for).
public enum GradientAttack {
    /// The pipeline's entry point: a point of `box` in the unsafe set of `property` (ties
    /// count), or `nil`. The seed is mixed with the box dimension, as it always was.
    public static func run(
        network: NeuralNetwork, box: Box, property: OutputProperty, configuration: AttackConfiguration
    ) -> [Double]? {
        var seeded = configuration
        seeded.seed = configuration.seed ^ UInt64(truncatingIfNeeded: box.dimension &* 0x9E37)
        return search(network: network, box: box, goal: AttackGoal(property: property, strict: false),
                      configuration: seeded).point
    }

    /// Runs the attack from the box centre and `restarts - 1` random starts (the best of
    /// ``AttackConfiguration/samples`` uniform points when set), each for
    /// `steps` gradient steps (`steps + 1` forward passes), until the goal is reached, the
    /// budget is spent or `deadline` passes (checked before every step).
    ///
    /// Postconditions: `.found(point, outputs, _)` has `box.contains(point)`,
    /// `outputs == network.evaluate(point)` and `goal.isReached(outputs)`.
    public static func search(
        network: NeuralNetwork, box: Box, goal: AttackGoal, configuration: AttackConfiguration,
        deadline: AttackDeadline = .none
    ) -> AttackOutcome {
        var rng = SplitMix64(seed: configuration.seed)
        var effort = AttackEffort()
        let widths = box.widths
        let stepSizes = widths.map { width in
            configuration.stepSize ?? 2.5 * width / Double(max(configuration.steps, 1))
        }
        var sampledStarts: [[Double]] = []
        if configuration.samples > 0 {
            switch bestSamples(network: network, box: box, goal: goal, count: configuration.samples,
                               keep: max(configuration.restarts - 1, 0), rng: &rng, effort: &effort) {
            case .reached(let point, let outputs): return .found(point: point, outputs: outputs, effort: effort)
            case .starts(let starts): sampledStarts = starts
            }
        }
        for restart in 0..<max(configuration.restarts, 1) {
            effort.restarts += 1
            var x: [Double]
            if restart == 0 { x = box.center }
            else if restart - 1 < sampledStarts.count { x = sampledStarts[restart - 1] }
            else { x = RandomSearchAttack.uniformPoint(in: box, using: &rng) }
            for step in 0...configuration.steps {
                if deadline.hasPassed { return .timeLimit(effort) }
                let outputs = network.evaluate(x)
                effort.evaluations += 1
                if goal.isReached(outputs) && box.contains(x) {
                    return .found(point: x, outputs: outputs, effort: effort)
                }
                guard let atom = goal.activeAtom(outputs) else { break }
                let gradient = network.valueAndGradient(at: x, outputWeights: atom.coefficients).gradient
                effort.gradients += 1
                let factor = configuration.decay ? 1 - Double(step) / Double(configuration.steps + 1) : 1
                for i in 0..<x.count where gradient[i] != 0 && widths[i] > 0 {
                    x[i] -= gradient[i] > 0 ? stepSizes[i] * factor : -stepSizes[i] * factor
                    x[i] = min(max(x[i], box.lower[i]), box.upper[i])
                }
            }
        }
        return .exhausted(effort)
    }

    private enum SampledStarts {
        case reached(point: [Double], outputs: [Double])
        case starts([[Double]])
    }

    /// Scores `count` uniform points of `box` in batches and returns the `keep` best (lowest
    /// score first), or the first point that reaches the goal (re-evaluated one by one, so the
    /// returned outputs are those of the plain forward pass).
    private static func bestSamples(network: NeuralNetwork, box: Box, goal: AttackGoal, count: Int, keep: Int,
                                    rng: inout SplitMix64, effort: inout AttackEffort) -> SampledStarts {
        let batchSize = 256
        var best: [(score: Double, point: [Double])] = []
        var remaining = count
        while remaining > 0 {
            let n = min(batchSize, remaining)
            remaining -= n
            let points = (0..<n).map { _ in RandomSearchAttack.uniformPoint(in: box, using: &rng) }
            let outputs = network.evaluate(batch: points.flatMap { $0 }, count: n)
            effort.evaluations += n
            let width = network.outputSize
            for (index, point) in points.enumerated() {
                let y = Array(outputs[(index * width)..<((index + 1) * width)])
                if goal.isReached(y) {
                    let single = network.evaluate(point)
                    if goal.isReached(single) { return .reached(point: point, outputs: single) }
                }
                let score = goal.score(y)
                if best.count < keep || (keep > 0 && score < best[best.count - 1].score) {
                    let position = best.firstIndex { score < $0.score } ?? best.count
                    best.insert((score, point), at: position)
                    if best.count > keep { best.removeLast() }
                }
            }
        }
        return .starts(best.map(\.point))
    }
}
