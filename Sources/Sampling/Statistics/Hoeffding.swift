// Confidence bounds on a binomial proportion from Hoeffding's inequality.
//
// Reference: W. Hoeffding, "Probability inequalities for sums of bounded random variables",
// J. Amer. Statist. Assoc. 58(301), 1963, Theorem 1 (eq. 2.3 for variables in [0, 1]).

import Foundation

/// Hoeffding bounds: for `n` independent samples in `[0, 1]` with mean `p` and `k` successes,
///
/// ```
/// P(k/n - p >= t) <= exp(-2 n t^2)
/// ```
///
/// Setting the right-hand side to `alpha` gives `t = sqrt(ln(1/alpha) / (2n))`.
public enum Hoeffding {
    /// The one-sided deviation `t = sqrt(ln(1/alpha) / (2n))`, rounded up.
    ///
    /// Rounding: `ln(1/alpha)` is computed as `-log(alpha)` (the C library's `log`, assumed
    /// within 1 ulp, i.e. `2u` relative with `u = 2^-53`; glibc documents less), then one
    /// correctly rounded division and square root: the computed `t` is within `2.5u` (plus
    /// second-order terms) of the exact one, and four `nextUp` steps (each at least `u`
    /// relative) put it above.
    ///
    /// Edge cases: `n == 0` gives `+inf`.
    public static func radius(trials n: Int, alpha: Double) -> Double {
        precondition(n >= 0, "the number of trials must be non-negative, got \(n)")
        precondition(alpha > 0 && alpha < 1, "alpha must lie in (0, 1), got \(alpha)")
        if n == 0 { return .infinity }
        var t = (-Foundation.log(alpha) / (2 * Double(n))).squareRoot()
        for _ in 0..<4 { t = t.nextUp }
        return t
    }

    /// The one-sided lower bound at confidence `1 - alpha`, rounded down:
    ///
    /// ```
    /// p >= max(0, RD(RD(k/n) - RU(t)))      t = sqrt(ln(1/alpha) / (2n))
    /// ```
    ///
    /// Edge cases: `n == 0` gives `0`.
    public static func lowerBound(successes k: Int, trials n: Int, alpha: Double) -> Double {
        checkBoundArguments(successes: k, trials: n, alpha: alpha)
        if n == 0 { return 0 }
        return max(0, DirectedArithmetic.subtractDown(DirectedArithmetic.quotient(k, n).down, radius(trials: n, alpha: alpha)))
    }

    /// The one-sided upper bound at confidence `1 - alpha`, rounded up:
    ///
    /// ```
    /// p <= min(1, RU(RU(k/n) + RU(t)))
    /// ```
    ///
    /// Edge cases: `n == 0` gives `1`.
    public static func upperBound(successes k: Int, trials n: Int, alpha: Double) -> Double {
        checkBoundArguments(successes: k, trials: n, alpha: alpha)
        if n == 0 { return 1 }
        return min(1, DirectedArithmetic.addUp(DirectedArithmetic.quotient(k, n).up, radius(trials: n, alpha: alpha)))
    }

    /// The two-sided interval at confidence `1 - alpha` (each side at `alpha / 2`):
    ///
    /// ```
    /// k/n ± sqrt(ln(2/alpha) / (2n)), clamped to [0, 1]
    /// ```
    public static func interval(successes k: Int, trials n: Int, alpha: Double) -> ProportionInterval {
        ProportionInterval(
            lower: lowerBound(successes: k, trials: n, alpha: alpha / 2),
            upper: upperBound(successes: k, trials: n, alpha: alpha / 2))
    }
}
