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

    public init(restarts: Int = 4, steps: Int = 40, seed: UInt64 = 0x5EED, stepSize: Double? = nil) {
        self.restarts = restarts
        self.steps = steps
        self.seed = seed
        self.stepSize = stepSize
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

    /// Runs the attack from the box centre and `restarts - 1` random starts, each for
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
        for restart in 0..<max(configuration.restarts, 1) {
            effort.restarts += 1
            var x = restart == 0 ? box.center : RandomSearchAttack.uniformPoint(in: box, using: &rng)
            for _ in 0...configuration.steps {
                if deadline.hasPassed { return .timeLimit(effort) }
                let outputs = network.evaluate(x)
                effort.evaluations += 1
                if goal.isReached(outputs) && box.contains(x) {
                    return .found(point: x, outputs: outputs, effort: effort)
                }
                guard let atom = goal.activeAtom(outputs) else { break }
                let gradient = network.valueAndGradient(at: x, outputWeights: atom.coefficients).gradient
                effort.gradients += 1
                for i in 0..<x.count where gradient[i] != 0 && widths[i] > 0 {
                    x[i] -= gradient[i] > 0 ? stepSizes[i] : -stepSizes[i]
                    x[i] = min(max(x[i], box.lower[i]), box.upper[i])
                }
            }
        }
        return .exhausted(effort)
    }
}
