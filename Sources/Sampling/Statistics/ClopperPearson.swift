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
/// lower(k, n, alpha) = Beta^{-1}(alpha;     k,     n - k + 1)      (0 when k = 0)
/// upper(k, n, alpha) = Beta^{-1}(1 - alpha; k + 1, n - k)          (1 when k = n)
///                    = 1 - lower(n - k, n, alpha)                   (computed this way)
/// ```
///
/// `Beta^{-1}(q; a, b)` is `RegularizedIncompleteBeta.inverse(probability: q, a: a, b: b)`.
/// The coverage is at least `1 - alpha` for every `p` (exact, conservative).
public enum ClopperPearson {
    /// The one-sided lower bound at confidence `1 - alpha`.
    ///
    /// Edge cases: `k == 0` gives `0`; `n == 0` gives `0`; `k == n` gives `alpha^(1/n)`.
    public static func lowerBound(successes k: Int, trials n: Int, alpha: Double) -> Double {
        checkBoundArguments(successes: k, trials: n, alpha: alpha)
        if k == 0 { return 0 }
        return RegularizedIncompleteBeta.inverse(probability: alpha, a: Double(k), b: Double(n - k + 1))
    }

    /// The one-sided upper bound at confidence `1 - alpha`.
    ///
    /// Edge cases: `k == n` gives `1` (also for `n == 0`); `k == 0` gives `1 - alpha^(1/n)`.
    public static func upperBound(successes k: Int, trials n: Int, alpha: Double) -> Double {
        checkBoundArguments(successes: k, trials: n, alpha: alpha)
        if k == n { return 1 }
        return 1 - lowerBound(successes: n - k, trials: n, alpha: alpha)
    }

    /// The two-sided interval at confidence `1 - alpha` (each side at `alpha / 2`).
    public static func interval(successes k: Int, trials n: Int, alpha: Double) -> ProportionInterval {
        ProportionInterval(
            lower: lowerBound(successes: k, trials: n, alpha: alpha / 2),
            upper: upperBound(successes: k, trials: n, alpha: alpha / 2))
    }

    /// The lower bound for a real success count `k` in `(0, n]` (`Beta^{-1}(alpha; k, n - k + 1)`),
    /// used to plan sample sizes at an assumed rate; `0` for `k <= 0`.
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
