// The ascent that optimises relaxation hints (lower slopes and split multipliers).
//
// Reference: D. P. Kingma and J. Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015
// (the optimiser alpha-CROWN and beta-CROWN use for the same parameters).

/// How ``PhaseSplitNodeBounds/optimisedHints(rows:specification:box:phases:start:sharedMultipliers:ascent:iterations:expired:)``
/// moves the slopes `α ∈ [0, 1]` and multipliers `β >= 0` along the supergradient of the
/// float bound, step by step, each projected back into its range.
///
/// - `.adam`: Adam with bias correction, `m := 0.9 m + 0.1 g`, `v := 0.999 v + 0.001 g²`,
///   `p := p + rate · m̂ / (sqrt(v̂) + 10^-8)`, a fresh state per call. Each parameter's step
///   is about `rate` until its gradient changes sign, whatever the gradient's scale, and
///   shrinks where it oscillates, so a warm start stays near where it was.
/// - `.sign`: every parameter moves by `±step` with the sign of its gradient, `step` starting
///   at 0.5 and multiplied by 0.7 per step (the rates are not used).
///
/// Measured on `mnistfc` 256x4 prop_13_0.03 (Benchmarks/README.md): below the root, `.sign`
/// moves every slope and multiplier by 0.5 at once, the bound falls (to -14 from -0.002 on a
/// sub-problem with 27 splits), and the best iterate stays the start, so multipliers never
/// leave 0; `.adam` with slope rate 0.01 below the root decides its hardest disjunct in 619
/// sub-problems (multiplier rate 0.05) where `.sign` reaches 12,700 without a decision.
///
/// Any slope in range and any multiplier `>= 0` give sound bounds: the ascent only chooses
/// hints, and the bound that closes a sub-problem is recomputed with them soundly.
public struct HintAscent: Sendable, Equatable {
    public enum Method: String, Sendable, CaseIterable {
        case adam
        case sign
    }

    public var method: Method
    /// Adam's step size for the slopes.
    public var slopeRate: Double
    /// Adam's step size for the split multipliers.
    public var multiplierRate: Double

    public init(method: Method = .adam, slopeRate: Double = 0.1, multiplierRate: Double = 0.1) {
        precondition(slopeRate > 0 && slopeRate.isFinite && multiplierRate > 0 && multiplierRate.isFinite,
                     "ascent rates must be positive and finite")
        self.method = method
        self.slopeRate = slopeRate
        self.multiplierRate = multiplierRate
    }

    /// `.sign`'s first step and its decay per step.
    static let signStart = 0.5, signDecay = 0.7
}

/// Adam's moments of one parameter vector (``HintAscent/Method/adam``, and the gradient
/// attack's ``AttackStepRule`` in Solver).
public struct AdamMoments: Sendable {
    private var first: [Double]
    private var second: [Double]

    public init(count: Int) {
        first = [Double](repeating: 0, count: count)
        second = first
    }

    /// The bias corrections `(1 - 0.9^t, 1 - 0.999^t)` of step `t` (1-based), the same for
    /// every parameter of that step.
    public static func biasCorrections(step t: Int) -> (first: Double, second: Double) {
        (1 - power(0.9, t), 1 - power(0.999, t))
    }

    /// The step of parameter `i` for gradient `g` (ascent: along `g`) with the step's
    /// ``biasCorrections(step:)``, updating its moments.
    public mutating func step(_ i: Int, gradient g: Double, corrections: (first: Double, second: Double), rate: Double) -> Double {
        first[i] = 0.9 * first[i] + 0.1 * g
        second[i] = 0.999 * second[i] + 0.001 * g * g
        let firstHat = first[i] / corrections.first
        let secondHat = second[i] / corrections.second
        return rate * firstHat / (secondHat.squareRoot() + 1e-8)
    }

    private static func power(_ base: Double, _ n: Int) -> Double {
        var result = 1.0
        for _ in 0..<n { result *= base }
        return result
    }
}
