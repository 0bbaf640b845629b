// The exact (Clopper-Pearson) confidence bounds on a binomial proportion.
//
// Reference: C. J. Clopper, E. S. Pearson, "The use of confidence or fiducial limits
// illustrated in the case of the binomial", Biometrika 26(4), 1934. The Beta form below
// follows from P(Bin(n, p) >= k) = I_p(k, n - k + 1).

/// Clopper-Pearson bounds: the lower bound is the `p` at which seeing `k` or more successes
/// has probability exactly `alpha`, the upper bound the `p` at which seeing `k` or fewer has
/// probability exactly `alpha`:
///
/// ```
/// lower*(k, n, alpha) = Beta^{-1}(alpha;     k,     n - k + 1)      (0 when k = 0)
/// upper*(k, n, alpha) = Beta^{-1}(1 - alpha; k + 1, n - k)          (1 when k = n)
/// ```
///
/// `Beta^{-1}(q; a, b)` is `RegularizedIncompleteBeta.inverse(probability: q, a: a, b: b)`.
/// The coverage is at least `1 - alpha` for every `p` (exact, conservative) for any
/// `lower <= lower*` and `upper >= upper*`.
///
/// Rounding: the inverse is computed in floating point (continued fraction, `exp`, `log`,
/// Newton steps) and may land on either side of the exact quantile. The returned bounds are
/// therefore certified: a candidate is returned only after a sound evaluation of the binomial
/// tail at that very double (``BinomialTail``, every operation rounded up, no library
/// function) shows it lies on the safe side,
///
/// ```
/// lower:  P(Bin(n, lower) >= k) <= alpha    (the tail increases in p, so lower <= lower*)
/// upper:  P(Bin(n, upper) <= k) <= alpha    (the tail decreases in p, so upper >= upper*)
/// ```
///
/// and otherwise moved outward by `2^-50` of its scale (`x` for the lower bound, `1 - x` for
/// the upper), doubling the step until the check passes (`0` and `1` always pass). The
/// returned bound is typically within `1e-14` relative of the exact one. The check costs
/// `O(n)` operations.
public enum ClopperPearson {
    /// The one-sided lower bound at confidence `1 - alpha`, certified `<= lower*`.
    ///
    /// Edge cases: `k == 0` gives `0`; `n == 0` gives `0`; `k == n` gives about `alpha^(1/n)`.
    public static func lowerBound(successes k: Int, trials n: Int, alpha: Double) -> Double {
        checkBoundArguments(successes: k, trials: n, alpha: alpha)
        if k == 0 { return 0 }
        let estimate = RegularizedIncompleteBeta.inverse(probability: alpha, a: Double(k), b: Double(n - k + 1))
        let level = RoundedUp(alpha)
        return certified(estimate, outward: .down) { x in
            BinomialTail.atLeastUpperBound(successes: k, trials: n, probability: x) <= level
        }
    }

    /// The one-sided upper bound at confidence `1 - alpha`, certified `>= upper*`.
    ///
    /// Edge cases: `k == n` gives `1` (also for `n == 0`); `k == 0` gives about `1 - alpha^(1/n)`.
    public static func upperBound(successes k: Int, trials n: Int, alpha: Double) -> Double {
        checkBoundArguments(successes: k, trials: n, alpha: alpha)
        if k == n { return 1 }
        // upper*(k, n) = 1 - lower*(n - k, n), estimated in floating point.
        let estimate = 1 - RegularizedIncompleteBeta.inverse(probability: alpha, a: Double(n - k), b: Double(k + 1))
        let level = RoundedUp(alpha)
        return certified(estimate, outward: .up) { x in
            BinomialTail.atMostUpperBound(successes: k, trials: n, probability: x) <= level
        }
    }

    /// The direction a candidate bound moves until it is certified.
    enum Outward { case down, up }

    /// The first of `estimate`, `estimate ∓ s`, `estimate ∓ 3s`, `estimate ∓ 7s`, ... (`s` =
    /// `2^-50` of the distance to the safe end, at least one ulp) that `isSafe` accepts; the
    /// safe end itself (`0` or `1`) when none does.
    static func certified(_ estimate: Double, outward: Outward, isSafe: (Double) -> Bool) -> Double {
        let end: Double = outward == .down ? 0 : 1
        guard estimate.isFinite, estimate > 0, estimate < 1 else { return end }
        var x = estimate
        var step = max(abs(x - end) * 0x1p-50, x.ulp)
        for _ in 0..<80 {
            if isSafe(x) { return x }
            x = outward == .down ? x - step : x + step
            if outward == .down ? x <= 0 : x >= 1 { return end }
            step *= 2
        }
        return end
    }

    /// The two-sided interval at confidence `1 - alpha` (each side at `alpha / 2`).
    public static func interval(successes k: Int, trials n: Int, alpha: Double) -> ProportionInterval {
        ProportionInterval(
            lower: lowerBound(successes: k, trials: n, alpha: alpha / 2),
            upper: upperBound(successes: k, trials: n, alpha: alpha / 2))
    }

    /// The lower bound for a real success count `k` in `(0, n]` (`Beta^{-1}(alpha; k, n - k + 1)`),
    /// used to plan sample sizes at an assumed rate; `0` for `k <= 0`. A floating-point
    /// estimate, not certified: plans are advice, verdicts use the certified bounds above.
    static func lowerBound(successes k: Double, trials n: Double, alpha: Double) -> Double {
        precondition(alpha > 0 && alpha < 1, "alpha must lie in (0, 1), got \(alpha)")
        if k <= 0 { return 0 }
        return RegularizedIncompleteBeta.inverse(probability: alpha, a: k, b: n - k + 1)
    }

    /// The upper bound for a real success count `k` in `[0, n)`; `1` for `k >= n`.
    static func upperBound(successes k: Double, trials n: Double, alpha: Double) -> Double {
        1 - lowerBound(successes: n - k, trials: n, alpha: alpha)
    }
}
