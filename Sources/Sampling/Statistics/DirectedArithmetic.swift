// Directed rounding of single operations on doubles (sums, differences, quotients of
// integers, complements), by error-free transformations: the round-to-nearest result is
// stepped one ulp only when its exact error has the wrong sign.
//
// References: D. E. Knuth, TAOCP vol. 2, 4.2.2 (TwoSum); N. J. Higham, "Accuracy and
// Stability of Numerical Algorithms", 2nd ed., 2002, section 2.6 (FMA residuals).

/// Directed rounding of `1 - x` for a double `x` in `[0, 1]`.
enum Complement {
    /// `(RD(1 - x), RU(1 - x))`: the exact `1 - x` lies between them (equal when exact).
    ///
    /// ```
    /// t = fl(1 - x),  e = TwoSum error of 1 + (-x)   (exact)
    /// e < 0: t is above, RD = nextDown(t);  e > 0: t is below, RU = nextUp(t)
    /// ```
    static func bounds(of x: Double) -> (down: Double, up: Double) {
        precondition(x >= 0 && x <= 1, "the complement needs x in [0, 1], got \(x)")
        let t = 1 - x
        let error = DirectedArithmetic.sumError(1, -x, t)
        if error < 0 { return (t.nextDown, t) }
        if error > 0 { return (t, t.nextUp) }
        return (t, t)
    }
}

/// Directed rounding of single operations on doubles, by error-free transformations.
enum DirectedArithmetic {
    /// The exact error `e = (a + b) - fl(a + b)` (TwoSum; exact when the sum is finite).
    static func sumError(_ a: Double, _ b: Double, _ s: Double) -> Double {
        let bVirtual = s - a
        let aVirtual = s - bVirtual
        return (a - aVirtual) + (b - bVirtual)
    }

    /// `RU(a + b)`.
    static func addUp(_ a: Double, _ b: Double) -> Double {
        let s = a + b
        return sumError(a, b, s) > 0 ? s.nextUp : s
    }

    /// `RD(a - b)`.
    static func subtractDown(_ a: Double, _ b: Double) -> Double {
        let s = a - b
        return sumError(a, -b, s) < 0 ? s.nextDown : s
    }

    /// `(RD(k / n), RU(k / n))` for integers `0 <= k <= n < 2^53`, `n > 0`.
    ///
    /// ```
    /// q = fl(k / n),  r = fma(-q, n, k) = k - q n   (exact)
    /// r > 0: q below k/n;  r < 0: q above k/n;  r = 0: exact
    /// ```
    static func quotient(_ k: Int, _ n: Int) -> (down: Double, up: Double) {
        let numerator = Double(k), denominator = Double(n)
        let q = numerator / denominator
        let r = numerator.addingProduct(-q, denominator)
        if r > 0 { return (q, q.nextUp) }
        if r < 0 { return (q.nextDown, q) }
        return (q, q)
    }
}
