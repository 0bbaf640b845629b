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

    public init(restarts: Int = 4, steps: Int = 40, seed: UInt64 = 0x5EED) {
        self.restarts = restarts
        self.steps = steps
        self.seed = seed
    }
}

/// Projected gradient descent (L-infinity, sign steps) on the violation score of an unsafe set.
///
/// The score of a point is `min_d max_{a in d} a(f(x))` over the disjuncts `d` (see
/// ``OutputProperty/violationScore(_:)``); it is `<= 0` exactly when `x` is unsafe. Each step
/// takes the disjunct with the lowest score and, inside it, the atom with the highest value,
/// and moves `x <- clamp_box(x - step ⊙ sign(∇ a(f(x))))` with per-dimension
/// `step_i = 2.5 · width_i / steps` (the usual PGD schedule). The attack only ever returns a
/// point whose plain float forward pass lies in the unsafe set, so it can never produce a
/// false counterexample; it may miss real ones (that is what the exact steps are for).
public enum GradientAttack {
    public static func run(
        network: NeuralNetwork, box: Box, property: OutputProperty, configuration: AttackConfiguration
    ) -> [Double]? {
        var rng = SplitMix64(seed: configuration.seed ^ UInt64(truncatingIfNeeded: box.dimension &* 0x9E37))
        let widths = box.widths
        let stepSizes = widths.map { 2.5 * $0 / Double(max(configuration.steps, 1)) }
        for restart in 0..<max(configuration.restarts, 1) {
            var x = restart == 0 ? box.center : (0..<box.dimension).map { i in
                widths[i] > 0 ? Double.random(in: box.lower[i]...box.upper[i], using: &rng) : box.lower[i]
            }
            for _ in 0...configuration.steps {
                let outputs = network.evaluate(x)
                if property.violatedDisjunct(outputs) != nil { return x }
                guard let atom = steepestAtom(property, outputs) else { break }
                let gradient = network.valueAndGradient(at: x, outputWeights: atom.coefficients).gradient
                for i in 0..<x.count where gradient[i] != 0 {
                    x[i] -= gradient[i] > 0 ? stepSizes[i] : -stepSizes[i]
                    x[i] = min(max(x[i], box.lower[i]), box.upper[i])
                }
            }
        }
        return nil
    }

    /// The atom to push down: in the disjunct closest to violation, its least satisfied atom.
    private static func steepestAtom(_ property: OutputProperty, _ outputs: [Double]) -> OutputAtom? {
        var best: (score: Double, atom: OutputAtom)?
        for atoms in property.disjuncts {
            guard let worst = atoms.max(by: { $0.value(outputs) < $1.value(outputs) }) else { continue }
            let score = worst.value(outputs)
            if best == nil || score < best!.score { best = (score, worst) }
        }
        return best?.atom
    }
}
