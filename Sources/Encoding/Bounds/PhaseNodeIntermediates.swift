/// How a ReLU branch-and-bound sub-problem's intermediate layer bounds are obtained
/// (``PhaseSplitBounds/bounds(of:over:phases:specification:enclosing:lowerSlopes:multipliers:intermediates:)``).
public enum PhaseNodeIntermediates: String, Sendable, Codable, CaseIterable {
    /// Every loose unit of every activation layer is back-substituted (one row per unit),
    /// inside the enclosing bounds: tightest, one back-substitution per unstable unit.
    case refined
    /// No unit is back-substituted: each layer keeps its interval bound intersected with the
    /// enclosing (parent's) bounds and clipped by the phases; only the specification rows
    /// are back-substituted. Looser intermediates, about one pass of the specification rows.
    case fixed
}
