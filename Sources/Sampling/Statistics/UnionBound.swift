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
    /// `alpha / classCount`, the level each of `classCount` classes uses.
    public static func perClassAlpha(overall alpha: Double, classCount: Int) -> Double {
        precondition(alpha > 0 && alpha < 1, "alpha must lie in (0, 1), got \(alpha)")
        precondition(classCount >= 1, "the union bound needs at least one class, got \(classCount)")
        return alpha / Double(classCount)
    }
}
