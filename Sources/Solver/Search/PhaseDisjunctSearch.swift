/// How the ReLU-phase search (``PhaseSplitSearch``) treats a property whose unsafe set is a
/// disjunction `D_1 or ... or D_k` (a classification margin: one disjunct per other class).
public enum PhaseDisjunctSearch: String, Sendable, CaseIterable {
    /// One tree for all disjuncts: a leaf closes when every disjunct is excluded on it, so
    /// the leaves refine every disjunct's own partition at once (their common refinement:
    /// up to the product of the per-disjunct trees' sizes).
    case joint
    /// The first node with a unit to split and more than one open disjunct forks into one
    /// child per open disjunct (the same sub-problem, one disjunct to exclude each), so each
    /// disjunct gets its own tree with its own splits: the work is the sum of the
    /// per-disjunct trees. Measured on `mnistfc` 256x2 prop_3_0.03: joint, no decision in
    /// 120 s; alone, eight of the nine disjuncts take 87-345 sub-problems and the ninth 507
    /// (with split multipliers, ``PhaseSplitOptions/splitMultipliers``).
    case separate
}
