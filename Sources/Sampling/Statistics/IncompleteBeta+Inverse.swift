// The inverse of the regularized incomplete beta function in x (the Beta quantile), by
// Newton's method safeguarded with bisection.

import Foundation

extension RegularizedIncompleteBeta {
    /// The `x` in `[0, 1]` with `I_x(a, b) = p` (the `p`-quantile of Beta(a, b)).
    ///
    /// ```
    /// keep a bracket [lo, hi] with I_lo <= p <= I_hi, start at x = a / (a + b)
    /// x' = x - (I_x(a, b) - p) / density(x)     (Newton; the density is dI/dx)
    /// if x' leaves (lo, hi) or the bracket stops shrinking: x' = (lo + hi) / 2
    /// stop when |x' - x| <= 4 ulp(x) or hi - lo <= 4 ulp(hi)
    /// ```
    ///
    /// `I_x` is strictly increasing in `x`, so the root is unique and the bracket always
    /// contains it; bisection alone would take at most ~1100 halvings to reach an ulp anywhere
    /// in `[0, 1]`, Newton typically ends in under ten steps.
    ///
    /// Edge cases: `p <= 0` gives `0`; `p >= 1` gives `1`; NaN gives NaN.
    ///
    /// Postconditions: `value(x: inverse(p, a, b), a, b) ≈ p`; the result is non-decreasing in `p`.
    public static func inverse(probability p: Double, a: Double, b: Double) -> Double {
        precondition(a > 0 && b > 0, "the inverse of I_x(a, b) needs a > 0 and b > 0, got a = \(a), b = \(b)")
        if p.isNaN { return .nan }
        if p <= 0 { return 0 }
        if p >= 1 { return 1 }
        let lnB = logBeta(a, b)
        var lo = 0.0
        var hi = 1.0
        var x = a / (a + b)
        var widthTwoStepsAgo = 1.0
        var widthOneStepAgo = 1.0
        for _ in 0..<2000 {
            let residual = value(x: x, a: a, b: b, logBeta: lnB) - p
            if residual == 0 { return x }
            if residual < 0 { lo = x } else { hi = x }
            if hi - lo <= 4 * hi.ulp { break }
            let slope = density(x: x, a: a, b: b, logBeta: lnB)
            var next = x - residual / slope
            let width = hi - lo
            let shrinking = width <= 0.5 * widthTwoStepsAgo
            let usable = slope.isFinite && slope > 0 && next > lo && next < hi
            if !usable || (!shrinking && abs(next - x) > 0.25 * width) {
                next = lo + 0.5 * (hi - lo)
            }
            widthTwoStepsAgo = widthOneStepAgo
            widthOneStepAgo = width
            if abs(next - x) <= 4 * max(x.ulp, next.ulp) {
                return next
            }
            x = next
        }
        return lo + 0.5 * (hi - lo)
    }
}
