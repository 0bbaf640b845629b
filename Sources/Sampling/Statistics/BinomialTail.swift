// Sound upper bounds on binomial tail probabilities, from IEEE-754 basic operations only.

/// Upper bounds on `P(Bin(n, x) >= k)` and `P(Bin(n, x) <= k)` that are proved, not
/// estimated: every operation rounds up (``RoundedUp``), and no library function (`exp`,
/// `log`, `pow`), whose rounding is not specified, is used. They certify Clopper-Pearson
/// bounds (see ``ClopperPearson``).
///
/// ```
/// t_j = C(n, j) x^j (1-x)^(n-j)                         (the Bin(n, x) probabilities)
/// upper tail: t_n = x^n,      t_{j-1} = t_j · j (1-x) / ((n - j + 1) x)
///             P(X >= k) = Σ_{j=k..n} t_j
/// lower tail: t_0 = (1-x)^n,  t_{j+1} = t_j · (n - j) x / ((j + 1) (1-x))
///             P(X <= k) = Σ_{j=0..k} t_j
/// ```
///
/// Each term is a product and quotient of non-negative factors, so rounding every operation
/// up, `1 - x` up where it multiplies and down where it divides, gives an upper bound of
/// each term, and the upward-rounded sum of upper bounds bounds the tail. Powers are
/// formed by repeated squaring. The relative excess is about `4 u` per operation
/// (`u = 2^-53`), i.e. about `1e-15 (n + 3 log2 n)` relative for the whole tail.
///
/// Cost: `O(n - k + log n)` for the upper tail, `O(k + log n)` for the lower tail.
enum BinomialTail {
    /// An upper bound of `P(Bin(n, x) >= k)`.
    ///
    /// Edge cases: `k <= 0` gives `1`; `k > n` gives `0`; `x == 0` gives `0` (for `k >= 1`);
    /// `x == 1` gives `1`.
    static func atLeastUpperBound(successes k: Int, trials n: Int, probability x: Double) -> RoundedUp {
        precondition(n >= 0 && x >= 0 && x <= 1, "needs n >= 0 and x in [0, 1], got n = \(n), x = \(x)")
        if k <= 0 || x == 1 { return RoundedUp(1) }
        if k > n || x == 0 { return .zero }
        let yUp = Complement.bounds(of: x).up
        let p = RoundedUp(x)
        var term = power(p, n)
        var sum = term
        var j = n
        while j > k {
            // t_{j-1} = t_j · j · (1 - x) / (n - j + 1) / x
            term = term.times(RoundedUp(Double(j))).times(RoundedUp(yUp))
                .dividedBy(RoundedUp(Double(n - j + 1))).dividedBy(p)
            sum = sum.plus(term)
            j -= 1
        }
        return sum
    }

    /// An upper bound of `P(Bin(n, x) <= k)`.
    ///
    /// Edge cases: `k >= n` gives `1`; `k < 0` gives `0`; `x == 0` gives `1`; `x == 1` gives
    /// `0` (for `k < n`).
    static func atMostUpperBound(successes k: Int, trials n: Int, probability x: Double) -> RoundedUp {
        precondition(n >= 0 && x >= 0 && x <= 1, "needs n >= 0 and x in [0, 1], got n = \(n), x = \(x)")
        if k >= n || x == 0 { return RoundedUp(1) }
        if k < 0 || x == 1 { return .zero }
        let (yDown, yUp) = Complement.bounds(of: x)
        let p = RoundedUp(x)
        var term = power(RoundedUp(yUp), n)
        var sum = term
        var j = 0
        while j < k {
            // t_{j+1} = t_j · (n - j) · x / (j + 1) / (1 - x)
            term = term.times(RoundedUp(Double(n - j))).times(p)
                .dividedBy(RoundedUp(Double(j + 1))).dividedBy(RoundedUp(yDown))
            sum = sum.plus(term)
            j += 1
        }
        return sum
    }

    /// `RU(b^n)` by repeated squaring (`2 log2 n` upward-rounded products at most).
    static func power(_ base: RoundedUp, _ n: Int) -> RoundedUp {
        var result = RoundedUp(1)
        var square = base
        var e = n
        while e > 0 {
            if e & 1 == 1 { result = result.times(square) }
            e >>= 1
            if e > 0 { square = square.times(square) }
        }
        return result
    }
}
