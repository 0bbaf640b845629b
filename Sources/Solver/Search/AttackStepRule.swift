/// How one step of a ``GradientAttack`` descent moves the point `x` of the box, given the
/// gradient `g` of the active atom at `x`, the box widths `w` and the step's decay factor
/// `f_t` (1, or `1 - t / (steps + 1)` with ``AttackConfiguration/decay``). The point is
/// clamped to the box after every step.
public enum AttackStepRule: Sendable, Equatable {
    /// Sign steps (L-infinity projected gradient): `x_i <- x_i - f_t · step_i · sign(g_i)`,
    /// with `step_i` from ``AttackConfiguration/stepSize`` or `2.5 · w_i / steps`.
    case sign
    /// Adam on the gradient, with moments `0.9` and `0.999` that start at 0 for every start:
    ///
    /// ```
    /// m <- 0.9 m + 0.1 g,   v <- 0.999 v + 0.001 g²,   m̂ = m / (1 - 0.9^t),   v̂ = v / (1 - 0.999^t)
    /// x_i <- x_i - f_t · rate · w_i · m̂_i / (sqrt(v̂_i) + 1e-8)
    /// ```
    ///
    /// Its first step is a sign step of `rate · w_i`; later steps follow the averaged gradient
    /// rather than its signs, so a start settles into a narrow oblique valley of the score,
    /// which sign steps zig-zag across.
    case adam(rate: Double)

    /// `adam(rate: 0.1)`: a tenth of the box width per step at first.
    public static let adam = AttackStepRule.adam(rate: 0.1)

    /// `sign` or `adam(rate: R)`.
    var identityText: String {
        switch self {
        case .sign: return "sign"
        case .adam(let rate): return "adam(rate: \(String(reflecting: rate)))"
        }
    }
}
