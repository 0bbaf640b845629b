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
    /// The loose units of the activation layers *after* the layer of the node's own split
    /// constraint are back-substituted; the layers up to and including it keep their interval
    /// bounds intersected with the enclosing (parent's) bounds, clipped by the phases. The new
    /// constraint `z_j >= b` or `z_j <= b` at layer `s` does not change the relaxation of any
    /// layer before `s`, so re-deriving layers `<= s` could only gain from different slopes;
    /// their cost is saved. A node without a split of its own (a fork's child) refines none.
    case afterSplit = "after-split"
}
