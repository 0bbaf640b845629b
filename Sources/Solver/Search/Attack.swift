import Dispatch
import Encoding
import Network
import Support

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
    /// How each step moves the point (sign steps or Adam).
    public var rule: AttackStepRule = .sign

    public init(restarts: Int = 4, steps: Int = 40, seed: UInt64 = 0x5EED, stepSize: Double? = nil,
                samples: Int = 0, decay: Bool = false, rule: AttackStepRule = .sign) {
        if case .adam(let rate) = rule { precondition(rate > 0 && rate.isFinite, "Adam's rate must be positive and finite") }
        self.restarts = restarts
        self.steps = steps
        self.seed = seed
        self.stepSize = stepSize
        self.samples = samples
        self.decay = decay
        self.rule = rule
    }
}

/// Projected gradient descent (sign steps or Adam, ``AttackStepRule``) on the score of an
/// ``AttackGoal``.
///
/// The score of a point is `s(f(x)) = min_d max_{a in d} a(f(x))` (see ``AttackGoal``). Each
/// step takes the active atom `a` (the disjunct with the lowest score and, inside it, the atom
/// with the highest value) and moves
///
/// ```
/// x <- clamp_box(x - step ⊙ sign(∇_x a(f(x))))
/// ```
///
/// with the gradient from the network's own reverse pass (``NeuralNetwork/batchGradients(_:outputWeights:)``
/// on the step's forward values, the Doubles of ``NeuralNetwork/valueAndGradient(at:outputWeights:)``)
/// and `step_i = 2.5 · width_i / steps` (the usual PGD schedule) unless a step size is given.
/// That is the sign rule; ``AttackStepRule/adam(rate:)`` replaces the signs by Adam's ratio of
/// moments.
/// Starts: the box centre, then uniform random points of the box. The attack only ever
/// returns a point whose plain float forward pass reaches the goal, so it can never produce
/// a false counterexample; it may miss real ones (that is what the exact steps are for).
public enum GradientAttack {
    /// The pipeline's entry point: a point of `box` in the unsafe set of `property` (ties
    /// count), or `nil`. The seed is mixed with the box dimension, as it always was. `threads`
    /// as in ``search(network:box:goal:configuration:deadline:threads:)`` (same answer).
    public static func run(
        network: NeuralNetwork, box: Box, property: OutputProperty, configuration: AttackConfiguration,
        threads: Int = 1
    ) -> [Double]? {
        var seeded = configuration
        seeded.seed = configuration.seed ^ UInt64(truncatingIfNeeded: box.dimension &* 0x9E37)
        return search(network: network, box: box, goal: AttackGoal(property: property, strict: false),
                      configuration: seeded, threads: threads).point
    }

    /// Runs the attack from the box centre and `restarts - 1` random starts (the best of
    /// ``AttackConfiguration/samples`` uniform points when set), each for
    /// `steps` gradient steps (`steps + 1` forward passes), until the goal is reached, the
    /// budget is spent or `deadline` passes (checked before every step).
    ///
    /// With `threads > 1` and every start already fixed by the sampling (``AttackConfiguration/samples``
    /// `>= restarts - 1`), the restarts run on that many threads; the outcome is the one of the
    /// lowest-numbered restart that ends the search, with the effort of the restarts up to it,
    /// exactly what one thread returns (restarts are independent once their starts are fixed).
    ///
    /// `float32`, when given, runs each descent's forward and reverse passes in float32 (the
    /// same network's weights rounded once, ``Float32BatchPass``): on large networks a step
    /// costs about half. A point still counts only once the float64 reference pass reaches the
    /// goal there.
    ///
    /// Postconditions: `.found(point, outputs, _)` has `box.contains(point)`,
    /// `outputs == network.evaluate(point)` and `goal.isReached(outputs)`.
    public static func search(
        network: NeuralNetwork, box: Box, goal: AttackGoal, configuration: AttackConfiguration,
        deadline: AttackDeadline = .none, threads: Int = 1, float32: Float32BatchPass? = nil
    ) -> AttackOutcome {
        precondition(float32.map { $0.inputSize == network.inputSize && $0.outputSize == network.outputSize } ?? true,
                     "the float32 pass must be the network's")
        var rng = SplitMix64(seed: configuration.seed)
        var effort = AttackEffort()
        let descent = Descent(network: network, box: box, goal: goal, configuration: configuration, deadline: deadline,
                              float32: float32)
        var sampledStarts: [[Double]] = []
        if configuration.samples > 0 {
            switch bestSamples(network: network, box: box, goal: goal, count: configuration.samples,
                               keep: max(configuration.restarts - 1, 0), rng: &rng, effort: &effort, threads: threads) {
            case .reached(let point, let outputs): return .found(point: point, outputs: outputs, effort: effort)
            case .starts(let starts): sampledStarts = starts
            }
        }
        let restarts = max(configuration.restarts, 1)
        if threads > 1, restarts > 1, sampledStarts.count >= restarts - 1 {
            let starts = [box.center] + sampledStarts.prefix(restarts - 1)
            return parallelRestarts(descent, starts: starts, threads: threads, effort: effort)
        }
        for restart in 0..<restarts {
            let x: [Double]
            if restart == 0 { x = box.center }
            else if restart - 1 < sampledStarts.count { x = sampledStarts[restart - 1] }
            else { x = RandomSearchAttack.uniformPoint(in: box, using: &rng) }
            let (ending, used) = descent.run(from: x)
            effort.add(used)
            if let outcome = ending.outcome(effort) { return outcome }
        }
        return .exhausted(effort)
    }

    /// The restarts from fixed `starts` on `threads` threads; see ``search(network:box:goal:configuration:deadline:threads:)``.
    /// Restarts are claimed in order, and a restart numbered after one that already ended the
    /// search is skipped (its outcome could not be the answer).
    private static func parallelRestarts(_ descent: Descent, starts: [[Double]], threads: Int,
                                         effort: AttackEffort) -> AttackOutcome {
        let firstEnding = FirstEnding()
        let outcomes = ParallelMap.map(Array(starts.enumerated()), threads: threads) { index, start -> (Descent.Ending, AttackEffort)? in
            guard !firstEnding.isBefore(index) else { return nil }
            let outcome = descent.run(from: start)
            if case .exhausted = outcome.0 {} else { firstEnding.record(index) }
            return outcome
        }
        var total = effort
        for outcome in outcomes {
            guard let (ending, used) = outcome else { break }
            total.add(used)
            if let outcome = ending.outcome(total) { return outcome }
        }
        return .exhausted(total)
    }

    /// The lowest restart number that ended the search so far (behind a lock).
    private final class FirstEnding: @unchecked Sendable {
        private let lock = DispatchSemaphore(value: 1)
        private var index = Int.max

        func isBefore(_ other: Int) -> Bool {
            lock.wait(); defer { lock.signal() }
            return index < other
        }

        func record(_ other: Int) {
            lock.wait(); defer { lock.signal() }
            index = min(index, other)
        }
    }

    /// One restart: projected gradient steps from a start, by the configuration's rule.
    private struct Descent: Sendable {
        let network: NeuralNetwork
        let box: Box
        let goal: AttackGoal
        let configuration: AttackConfiguration
        let deadline: AttackDeadline
        let widths: [Double]
        let stepSizes: [Double]
        /// Runs the descent's passes in float32 when set.
        let float32: Float32BatchPass?

        enum Ending: Sendable {
            case found(point: [Double], outputs: [Double])
            case exhausted
            case timeLimit

            /// The search's outcome when this restart ends it (with the effort so far), or nil.
            func outcome(_ effort: AttackEffort) -> AttackOutcome? {
                switch self {
                case .found(let point, let outputs): return .found(point: point, outputs: outputs, effort: effort)
                case .timeLimit: return .timeLimit(effort)
                case .exhausted: return nil
                }
            }
        }

        init(network: NeuralNetwork, box: Box, goal: AttackGoal, configuration: AttackConfiguration,
             deadline: AttackDeadline, float32: Float32BatchPass? = nil) {
            self.network = network
            self.float32 = float32
            self.box = box
            self.goal = goal
            self.configuration = configuration
            self.deadline = deadline
            widths = box.widths
            stepSizes = widths.map { width in
                configuration.stepSize ?? 2.5 * width / Double(max(configuration.steps, 1))
            }
        }

        /// The outputs at `x` and the reverse pass from them (a weight per output to the
        /// gradient at `x`), in float32 when ``float32`` is set, else on the float64 pass.
        private func pass(at x: [Double]) -> (outputs: [Double], gradient: ([Double]) -> [Double]) {
            if let float32 {
                let forward = float32.activations(x)
                return (forward.outputs, { float32.gradient(forward, outputWeights: $0) })
            }
            let forward = network.batchActivations(x, count: 1, referenceOrder: false)
            return (forward.outputs, { network.batchGradients(forward, outputWeights: $0) })
        }

        func run(from start: [Double]) -> (Ending, AttackEffort) {
            var effort = AttackEffort()
            effort.restarts = 1
            var x = start
            var moments = AdamMoments(count: x.count)
            for step in 0...configuration.steps {
                if deadline.hasPassed { return (.timeLimit, effort) }
                // One forward pass on BLAS serves the check and the gradient; a point it shows
                // to reach the goal is returned only when the reference pass (index-order sums,
                // ``NeuralNetwork/evaluate(_:)``) agrees, with the reference outputs.
                let (outputs, gradientFor) = pass(at: x)
                effort.evaluations += 1
                if goal.isReached(outputs) && box.contains(x) {
                    let reference = network.evaluate(x)
                    if goal.isReached(reference) { return (.found(point: x, outputs: reference), effort) }
                }
                guard let atom = goal.activeAtom(outputs) else { break }
                let gradient = gradientFor(atom.coefficients)
                effort.gradients += 1
                let factor = configuration.decay ? 1 - Double(step) / Double(configuration.steps + 1) : 1
                switch configuration.rule {
                case .sign:
                    for i in 0..<x.count where gradient[i] != 0 && widths[i] > 0 {
                        x[i] -= gradient[i] > 0 ? stepSizes[i] * factor : -stepSizes[i] * factor
                        x[i] = min(max(x[i], box.lower[i]), box.upper[i])
                    }
                case .adam(let rate):
                    let corrections = AdamMoments.biasCorrections(step: step + 1)
                    for i in 0..<x.count where widths[i] > 0 {
                        x[i] -= moments.step(i, gradient: gradient[i], corrections: corrections, rate: rate * widths[i] * factor)
                        x[i] = min(max(x[i], box.lower[i]), box.upper[i])
                    }
                }
            }
            return (.exhausted, effort)
        }
    }

    private enum SampledStarts {
        case reached(point: [Double], outputs: [Double])
        case starts([[Double]])
    }

    /// Scores `count` uniform points of `box` in batches and returns the `keep` best (lowest
    /// score first), or the first point that reaches the goal (re-evaluated one by one, so the
    /// returned outputs are those of the plain forward pass). The points are drawn in order
    /// from `rng`; with `threads > 1` the batches of a round of `threads * 4` are evaluated in
    /// parallel and scanned in order, so the answer does not depend on `threads`.
    private static func bestSamples(network: NeuralNetwork, box: Box, goal: AttackGoal, count: Int, keep: Int,
                                    rng: inout SplitMix64, effort: inout AttackEffort, threads: Int = 1) -> SampledStarts {
        let batchSize = 256
        let width = network.outputSize
        var best: [(score: Double, point: [Double])] = []
        var remaining = count
        while remaining > 0 {
            var batches: [[[Double]]] = []
            while remaining > 0 && batches.count < max(threads, 1) * 4 {
                let n = min(batchSize, remaining)
                remaining -= n
                batches.append((0..<n).map { _ in RandomSearchAttack.uniformPoint(in: box, using: &rng) })
            }
            let evaluated = ParallelMap.map(batches, threads: threads) { points in
                network.evaluate(batch: points.flatMap { $0 }, count: points.count)
            }
            for (points, outputs) in zip(batches, evaluated) {
                effort.evaluations += points.count
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
        }
        return .starts(best.map(\.point))
    }
}
