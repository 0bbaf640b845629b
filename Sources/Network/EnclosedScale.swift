/// An element-wise scaling `y_i = s_i x_i` whose true factors `s_i` are the file's constants
/// and have no exact `Double`: ONNX `Div` by `c` (`s = 1/c`), `BatchNormalization`
/// (`s = gamma / sqrt(var + epsilon)`), `.nnet` input normalisation (`s = 1/range`).
///
/// The network a verdict is about is the file's weights in exact real arithmetic, so the
/// layer carries, per unit, a certified enclosure and the `Double` nearest to it:
///
/// ```
/// lower_i <= s_i <= upper_i          (checked exactly with ExactDyadic at load)
/// lower_i <= nearest_i <= upper_i    (the weight of the float forward pass, a heuristic)
/// divisors_i = c_i  when s_i = 1/c_i exactly (a rational an exact encoding can use)
/// ```
///
/// Every analysis treats it as what it is: the float passes use `nearest` (their results are
/// re-checked), bounds use the enclosure (sound for every `s` in it), the exact encoding uses
/// `c_i y_i = x_i` where `divisors` is known and the enclosure otherwise, and the exact
/// counterexample check evaluates with the enclosure (a value whose sign it cannot decide is
/// undecided, never confirmed). Merges never fold it: it is not an ``AffineLayer``.
public struct EnclosedScale: Sendable, Equatable {
    public let nearest: [Double]
    public let lower: [Double]
    public let upper: [Double]
    /// `c_i` with `s_i = 1 / c_i` exactly, when every factor is such a reciprocal.
    public let divisors: [Double]?

    /// - Precondition: equal counts, `lower_i <= nearest_i <= upper_i`, finite entries.
    public init(nearest: [Double], lower: [Double], upper: [Double], divisors: [Double]?) {
        precondition(nearest.count == lower.count && nearest.count == upper.count && !nearest.isEmpty)
        precondition(divisors.map { $0.count == nearest.count } ?? true)
        precondition(nearest.indices.allSatisfy { lower[$0] <= nearest[$0] && nearest[$0] <= upper[$0] && lower[$0].isFinite && upper[$0].isFinite },
                     "enclosure must contain the nearest weight")
        self.nearest = nearest
        self.lower = lower
        self.upper = upper
        self.divisors = divisors
    }

    public var count: Int { nearest.count }

    /// `1 / c_i` for every `i`, or `nil` when some `1/c_i` is zero, subnormal or not finite
    /// (no certified enclosure in normal `Double`s).
    public static func reciprocals(_ c: [Double]) -> EnclosedScale? {
        var cache: [Double: (Double, Double, Double)] = [:]
        var nearest: [Double] = [], lower: [Double] = [], upper: [Double] = []
        for value in c {
            if cache[value] == nil {
                guard value.isFinite, value != 0 else { return nil }
                // |1/c|^2 = 1 / c^2: numerator 1, denominator c^2.
                guard let enclosure = enclose(numeratorSquared: ExactDyadic(1.0), denominator: ExactDyadic(value) * ExactDyadic(value),
                                              sign: value.sign, guess: 1 / value) else { return nil }
                cache[value] = enclosure
            }
            let (n, l, u) = cache[value]!
            nearest.append(n); lower.append(l); upper.append(u)
        }
        return EnclosedScale(nearest: nearest, lower: lower, upper: upper, divisors: c)
    }

    /// `gamma_i / sqrt(variance_i + epsilon)` for every `i`, or `nil` when `variance + epsilon`
    /// is not positive or a factor has no normal `Double` enclosure.
    public static func batchNormalization(gamma: [Double], variance: [Double], epsilon: Double) -> EnclosedScale? {
        precondition(gamma.count == variance.count)
        var nearest: [Double] = [], lower: [Double] = [], upper: [Double] = []
        for (g, v) in zip(gamma, variance) {
            let denominator = ExactDyadic(v) + ExactDyadic(epsilon)
            guard denominator.signum > 0, g.isFinite else { return nil }
            let guess = g / (v + epsilon).squareRoot()
            if g == 0 {
                nearest.append(0); lower.append(0); upper.append(0)
                continue
            }
            guard let (n, l, u) = enclose(numeratorSquared: ExactDyadic(g) * ExactDyadic(g), denominator: denominator,
                                          sign: g.sign, guess: guess) else { return nil }
            nearest.append(n); lower.append(l); upper.append(u)
        }
        return EnclosedScale(nearest: nearest, lower: lower, upper: upper, divisors: nil)
    }

    /// Encloses `s = ±sqrt(a / d)` (`a = numeratorSquared > 0`, `d > 0`, sign `sign`) by
    /// normal Doubles, starting from `guess`:
    ///
    /// ```
    /// q >= 0:  q <= |s|  <=>  q^2 d <= a        q >= |s|  <=>  q^2 d >= a
    /// ```
    ///
    /// both decided in exact dyadic arithmetic. `low` steps down and `high` up from `|guess|`
    /// until each inequality holds (a few steps: the guess is within a few ulps). Returns
    /// `(nearest, lower, upper)` with `nearest` the guess clamped into the enclosure.
    static func enclose(numeratorSquared a: ExactDyadic, denominator d: ExactDyadic, sign: FloatingPointSign,
                        guess: Double) -> (Double, Double, Double)? {
        let start = guess.magnitude
        guard start.isNormal, start.isFinite else { return nil }
        func squaredTimesD(_ q: Double) -> ExactDyadic { ExactDyadic(q) * ExactDyadic(q) * d }
        var low = start, high = start
        var steps = 0
        while a < squaredTimesD(low) {
            low = low.nextDown
            steps += 1
            guard steps < 64, low.isNormal else { return nil }
        }
        steps = 0
        while squaredTimesD(high) < a {
            high = high.nextUp
            steps += 1
            guard steps < 64, high.isFinite else { return nil }
        }
        let nearest = Swift.min(Swift.max(start, low), high)
        return sign == .minus ? (-nearest, -high, -low) : (nearest, low, high)
    }

    /// Whether every factor is known exactly as a `Double` (`lower == upper`).
    public var isExact: Bool { lower == upper }

    /// `max_i (upper_i - lower_i)` relative to `|nearest_i|`: the width shown by `verify info`.
    public var largestRelativeWidth: Double {
        nearest.indices.map { i in nearest[i] == 0 ? 0 : (upper[i] - lower[i]) / nearest[i].magnitude }.max() ?? 0
    }
}
