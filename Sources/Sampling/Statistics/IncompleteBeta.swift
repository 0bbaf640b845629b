// The regularized incomplete beta function I_x(a, b) by its continued fraction, evaluated
// with the modified Lentz method.
//
// References: NIST DLMF §8.17(v), eq. 8.17.22 (continued fraction), §8.17.4 (symmetry),
// https://dlmf.nist.gov/8.17 ; W. J. Lentz, "Generating Bessel functions in Mie scattering
// calculations using continued fractions", Applied Optics 15(3), 1976, with the
// modification of I. J. Thompson and A. R. Barnett, J. Comput. Phys. 64, 1986.

import Foundation

/// The regularized incomplete beta function and its inverse (the Beta distribution's CDF and
/// quantile function), the exact machinery behind Clopper-Pearson intervals.
public enum RegularizedIncompleteBeta {
    /// `I_x(a, b) = (1 / B(a, b)) ∫_0^x t^(a-1) (1-t)^(b-1) dt` for `a, b > 0`.
    ///
    /// ```
    /// I_x(a, b) = K / (1 + d_1 / (1 + d_2 / (1 + d_3 / ...)))
    ///         K = x^a (1-x)^b / (a B(a, b))
    ///  d_{2m+1} = -(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1))     m = 0, 1, ...
    ///  d_{2m}   =  m (b - m) x / ((a + 2m - 1)(a + 2m))                m = 1, 2, ...
    /// ```
    ///
    /// The fraction converges fast for `x < (a + 1) / (a + b + 2)`; above that point the
    /// symmetry `I_x(a, b) = 1 - I_{1-x}(b, a)` is used. `K` is formed in log space
    /// (`a ln x + b ln1p(-x) - ln a - ln B(a, b)`), so large `a`, `b` do not overflow.
    ///
    /// Edge cases: `x <= 0` gives `0`; `x >= 1` gives `1`; NaN in gives NaN.
    ///
    /// Postconditions: the result lies in `[0, 1]` and is non-decreasing in `x`
    /// (up to rounding, ~1e-14 relative).
    public static func value(x: Double, a: Double, b: Double) -> Double {
        precondition(a > 0 && b > 0, "I_x(a, b) needs a > 0 and b > 0, got a = \(a), b = \(b)")
        return value(x: x, a: a, b: b, logBeta: logBeta(a, b))
    }

    /// `I_x(a, b)` with `ln B(a, b)` supplied (it is symmetric, so the switch reuses it).
    static func value(x: Double, a: Double, b: Double, logBeta lnB: Double) -> Double {
        if x.isNaN { return .nan }
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        if x < (a + 1) / (a + b + 2) {
            return min(1, max(0, direct(x: x, a: a, b: b, logBeta: lnB)))
        }
        return min(1, max(0, 1 - direct(x: 1 - x, a: b, b: a, logBeta: lnB)))
    }

    /// The Beta(a, b) density `x^(a-1) (1-x)^(b-1) / B(a, b)`, the derivative of `I_x(a, b)` in `x`.
    ///
    /// Edge cases: `0` outside `(0, 1)`; at the ends the limit (`+inf` when the exponent is negative).
    public static func density(x: Double, a: Double, b: Double) -> Double {
        precondition(a > 0 && b > 0, "the Beta density needs a > 0 and b > 0, got a = \(a), b = \(b)")
        return density(x: x, a: a, b: b, logBeta: logBeta(a, b))
    }

    /// The Beta density with `ln B(a, b)` supplied.
    static func density(x: Double, a: Double, b: Double, logBeta lnB: Double) -> Double {
        if x.isNaN { return .nan }
        if x < 0 || x > 1 { return 0 }
        // An exponent of exactly 0 contributes 0 (avoids 0 * -inf at the ends).
        let left = a == 1 ? 0 : (a - 1) * Foundation.log(x)
        let right = b == 1 ? 0 : (b - 1) * Foundation.log1p(-x)
        return Foundation.exp(left + right - lnB)
    }

    /// `K / (continued fraction)`, without the symmetry switch.
    private static func direct(x: Double, a: Double, b: Double, logBeta lnB: Double) -> Double {
        let logPrefactor = a * Foundation.log(x) + b * Foundation.log1p(-x) - Foundation.log(a) - lnB
        let prefactor = Foundation.exp(logPrefactor)
        if prefactor == 0 { return 0 }
        return prefactor / continuedFraction(x: x, a: a, b: b)
    }

    /// `1 + d_1 / (1 + d_2 / (1 + ...))` by the modified Lentz method:
    ///
    /// ```
    /// f_0 = 1, C_0 = 1, D_0 = 0
    /// D_j = 1 / (1 + d_j D_{j-1}),  C_j = 1 + d_j / C_{j-1},  f_j = f_{j-1} C_j D_j
    /// (a zero denominator is replaced by `tiny`), stop when |C_j D_j - 1| < epsilon.
    /// ```
    private static func continuedFraction(x: Double, a: Double, b: Double) -> Double {
        let tiny = 1e-300
        let epsilon = 2 * Double.ulpOfOne
        let maximumTerms = 100_000
        var value = 1.0
        var c = 1.0
        var d = 0.0
        for j in 1...maximumTerms {
            let m = Double(j / 2)
            let coefficient: Double
            if j % 2 == 1 {
                coefficient = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
            } else {
                coefficient = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
            }
            d = 1 + coefficient * d
            if abs(d) < tiny { d = tiny }
            d = 1 / d
            c = 1 + coefficient / c
            if abs(c) < tiny { c = tiny }
            let step = c * d
            value *= step
            if abs(step - 1) < epsilon { break }
        }
        return value
    }
}
