// Splitting the error probability across classes (Bonferroni / Boole's inequality).

/// The union bound over classes.
///
/// The claim "for every class c, p_c >= 1 - delta" is a conjunction of `m` claims. If each
/// class's bounds are computed at level `alpha / m`, Boole's inequality gives
///
/// ```
/// P(some class's bound misses its p_c) <= Σ_c alpha/m = alpha
/// ```
///
/// so all `m` bounds hold simultaneously, and the per-class verdicts and the overall verdict
/// are all right together, with confidence `1 - alpha`.
public enum UnionBound {
    /// `alpha / classCount` rounded down, the level each of `classCount` classes uses (so
    /// that the `m` levels sum to at most `alpha` exactly).
    ///
    /// ```
    /// q = fl(alpha / m),  r = fma(-q, m, alpha) = alpha - q m   (exact)
    /// r < 0 means q > alpha / m: return nextDown(q)
    /// ```
    public static func perClassAlpha(overall alpha: Double, classCount: Int) -> Double {
        precondition(alpha > 0 && alpha < 1, "alpha must lie in (0, 1), got \(alpha)")
        precondition(classCount >= 1, "the union bound needs at least one class, got \(classCount)")
        let m = Double(classCount)
        let q = alpha / m
        return alpha.addingProduct(-q, m) < 0 ? q.nextDown : q
    }

    /// The exact `alpha / classCount`, whose `value` is rounded down: the `m` levels used sum
    /// to at most the exact `alpha`, and each prints as its own decimal (`0.01 / 10 = 0.001`).
    public static func perClassLevel(overall alpha: AlphaLevel, classCount: Int) -> AlphaLevel {
        precondition(classCount >= 1, "the union bound needs at least one class, got \(classCount)")
        return alpha.divided(by: classCount)
    }
}
