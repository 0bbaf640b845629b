// How many samples decide "p >= 1 - delta" at confidence 1 - alpha (`verify plan`).

import Foundation

/// A planned number of samples for one class.
public struct FurtherSamples: Sendable, Hashable, Codable {
    /// The verdict those samples would likely reach: `.holds` or `.fails`.
    public var target: StatisticalVerdict
    /// The total sample size at which it would be reached.
    public var totalSamples: Int
    /// `totalSamples` minus the samples already taken.
    public var additionalSamples: Int

    public init(target: StatisticalVerdict, totalSamples: Int, additionalSamples: Int) {
        self.target = target
        self.totalSamples = totalSamples
        self.additionalSamples = additionalSamples
    }
}

/// Sample-size planning for the claim `p >= 1 - delta` at level `alpha` (pass `alpha / m` for
/// a claim over `m` classes, see `UnionBound`).
public enum SampleSizePlanner {
    /// The default search limit of the exact (Clopper-Pearson) plans.
    public static let defaultMaximumSampleSize = 1_000_000_000

    /// The smallest `n >= minimumSampleSize` at which the lower bound certifies `p >= 1 - delta`
    /// if a fraction `f` of the samples fail.
    ///
    /// ```
    /// Hoeffding:        smallest n with (1 - f) - sqrt(ln(1/alpha) / (2n)) >= 1 - delta,
    ///                   i.e. n = ceil(ln(1/alpha) / (2 (delta - f)^2))
    /// Clopper-Pearson:  smallest n with lower((1 - f) n, n, alpha) >= 1 - delta
    /// ```
    ///
    /// The exact plan takes the assumed rate as exact: `(1 - f) n` successes, not rounded to an
    /// integer (`Beta^{-1}` is defined for real parameters). That makes the bound grow smoothly
    /// with `n`, so the plan is found by doubling and bisection; rounding would make it
    /// saw-toothed by about one sample's worth (and equals this for `f = 0`).
    ///
    /// With `f = 0`: Hoeffding `n = ceil(ln(1/alpha) / (2 delta^2))`, Clopper-Pearson
    /// `alpha^(1/n) >= 1 - delta`, i.e. `n = ceil(ln alpha / ln(1 - delta))` (delta = 0.01,
    /// alpha = 0.001: 34,539 and 688).
    ///
    /// Edge cases: nil when `f >= delta` (no sample size certifies) or when the plan exceeds
    /// `maximumSampleSize` (Clopper-Pearson only).
    public static func samplesToCertify(
        delta: Double, alpha: Double, assumedFailureRate f: Double = 0,
        method: ConfidenceBoundMethod, minimumSampleSize: Int = 1,
        maximumSampleSize: Int = defaultMaximumSampleSize
    ) -> Int? {
        checkPlanArguments(delta: delta, alpha: alpha, rate: f)
        guard f < delta else { return nil }
        let threshold = 1 - delta
        let start = max(1, minimumSampleSize)
        switch method {
        case .hoeffding:
            // (1 - f) - r(n) >= 1 - delta  <=>  r(n) <= delta - f
            let margin = delta - f
            let estimate = Foundation.log(1 / alpha) / (2 * margin * margin)
            return adjustedClosedForm(estimate: estimate, start: start) { n in
                Hoeffding.radius(trials: n, alpha: alpha) <= margin
            }
        case .clopperPearson:
            return smallestSampleSize(from: start, limit: maximumSampleSize) { n in
                let trials = Double(n)
                return ClopperPearson.lowerBound(successes: (1 - f) * trials, trials: trials, alpha: alpha) >= threshold
            }
        }
    }

    /// The smallest `n >= minimumSampleSize` at which the upper bound refutes `p >= 1 - delta`
    /// if a fraction `s` of the samples succeed (or are unknown).
    ///
    /// ```
    /// Hoeffding:        smallest n with s + sqrt(ln(1/alpha) / (2n)) < 1 - delta
    /// Clopper-Pearson:  smallest n with upper(s n, n, alpha) < 1 - delta   (s n not rounded)
    /// ```
    ///
    /// Edge cases: nil when `s >= 1 - delta` or when the plan exceeds `maximumSampleSize`
    /// (Clopper-Pearson only).
    public static func samplesToRefute(
        delta: Double, alpha: Double, assumedSuccessRate s: Double,
        method: ConfidenceBoundMethod, minimumSampleSize: Int = 1,
        maximumSampleSize: Int = defaultMaximumSampleSize
    ) -> Int? {
        checkPlanArguments(delta: delta, alpha: alpha, rate: s)
        let threshold = 1 - delta
        guard s < threshold else { return nil }
        let start = max(1, minimumSampleSize)
        switch method {
        case .hoeffding:
            // s + r(n) < 1 - delta  <=>  r(n) < 1 - delta - s
            let margin = threshold - s
            let estimate = Foundation.log(1 / alpha) / (2 * margin * margin)
            return adjustedClosedForm(estimate: estimate, start: start) { n in
                Hoeffding.radius(trials: n, alpha: alpha) < margin
            }
        case .clopperPearson:
            return smallestSampleSize(from: start, limit: maximumSampleSize) { n in
                let trials = Double(n)
                return ClopperPearson.upperBound(successes: s * trials, trials: trials, alpha: alpha) < threshold
            }
        }
    }

    /// How many more samples would likely decide a class, assuming the observed rates continue.
    ///
    /// ```
    /// f = (notRobust + unknown) / n   if f < delta:          certify with failure rate f
    /// s = (robust + unknown) / n      if s < 1 - delta:      refute with success rate s
    /// ```
    ///
    /// Unknowns count against the verdict they could spoil, as in the bounds. At most one of the
    /// two cases applies; the plan is the smallest total `N > n` at which that bound decides.
    ///
    /// Edge cases: nil when `n == 0`, when neither case applies (the unknowns alone straddle
    /// `1 - delta`: only resolving them can decide), or beyond `maximumSampleSize`.
    public static func furtherSamples(
        counts: VerdictCounts, delta: Double, alpha: Double, method: ConfidenceBoundMethod,
        maximumSampleSize: Int = defaultMaximumSampleSize
    ) -> FurtherSamples? {
        let n = counts.n
        guard n > 0 else { return nil }
        let failureRate = Double(n - counts.pessimisticSuccesses) / Double(n)
        let successRate = Double(counts.optimisticSuccesses) / Double(n)
        if failureRate < delta,
            let total = samplesToCertify(
                delta: delta, alpha: alpha, assumedFailureRate: failureRate, method: method,
                minimumSampleSize: n + 1, maximumSampleSize: maximumSampleSize)
        {
            return FurtherSamples(target: .holds, totalSamples: total, additionalSamples: total - n)
        }
        if successRate < 1 - delta,
            let total = samplesToRefute(
                delta: delta, alpha: alpha, assumedSuccessRate: successRate, method: method,
                minimumSampleSize: n + 1, maximumSampleSize: maximumSampleSize)
        {
            return FurtherSamples(target: .fails, totalSamples: total, additionalSamples: total - n)
        }
        return nil
    }

    // MARK: - Searches

    private static func checkPlanArguments(delta: Double, alpha: Double, rate: Double) {
        precondition(delta > 0 && delta < 1, "delta must lie in (0, 1), got \(delta)")
        precondition(alpha > 0 && alpha < 1, "alpha must lie in (0, 1), got \(alpha)")
        precondition(rate >= 0 && rate <= 1, "an assumed rate must lie in [0, 1], got \(rate)")
    }

    /// The smallest `n >= start` satisfying a predicate monotone in `n`, near a closed-form
    /// `estimate` (corrected by direct evaluation so rounding in the estimate cannot be off by one).
    private static func adjustedClosedForm(estimate: Double, start: Int, _ holds: (Int) -> Bool) -> Int {
        var n = max(start, Int(min(estimate.rounded(.up), Double(Int.max / 2))))
        while n > start && holds(n - 1) { n -= 1 }
        while !holds(n) { n += 1 }
        return n
    }

    /// The smallest `n` in `start...limit` with `holds(n)`, for a predicate non-decreasing in
    /// `n`: doubling until it holds, then bisection. Nil if it fails at `limit`.
    static func smallestSampleSize(from start: Int, limit: Int, _ holds: (Int) -> Bool) -> Int? {
        guard start <= limit else { return nil }
        if holds(start) { return start }
        var lo = start  // invariant: holds(lo) is false, holds(hi) is true
        var hi = start
        repeat {
            lo = hi
            hi = hi > limit / 2 ? limit : 2 * hi
            if holds(hi) { break }
            if hi == limit { return nil }
        } while true
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2
            if holds(mid) { hi = mid } else { lo = mid }
        }
        return hi
    }
}
