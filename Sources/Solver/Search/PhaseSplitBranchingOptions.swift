/// How the phase engine chooses the unit to split (``PhaseSplitPreparation/branch(_:phases:slopes:open:best:)``).
/// Every choice is sound: a split's two children cover the parent whichever unit is split.
public struct BranchingOptions: Sendable, Equatable, CustomStringConvertible {
    /// What filtered smart branching maximises over its candidates: a function of the worse
    /// child's specification lower bounds, restricted to the node's open disjuncts (a
    /// disjunct's value is its best atom's lower bound; an empty child counts as `+inf`).
    public enum Objective: String, Sendable, Equatable, CaseIterable {
        /// The lowest open disjunct's value (the child's distance from closing).
        case lowest
        /// The sum over open disjuncts of `min(value, 0)` (the negative mass left to close).
        case negativeSum
    }

    /// How a candidate's child is bounded.
    public enum Estimate: String, Sendable, Equatable, CaseIterable {
        /// The node's layer bounds kept, the specification rows back-substituted once
        /// (``PhaseSplitBounds/bounds(of:over:phases:specification:enclosing:lowerSlopes:multipliers:intermediates:)`` with ``PhaseNodeIntermediates/fixed``).
        case fixedIntermediates
        /// The child's own split-aware bounds (``PhaseSplitBounds/bounds(of:over:phases:specification:enclosing:lowerSlopes:)``):
        /// what the search will compute for it, at the cost of a whole node per child.
        case full
    }

    /// Units scored by their children's bounds: the top `candidates` by the BaBSR score
    /// (``PhaseSplitNodeBounds/branchingScores(rows:specification:)``). 1 (the default): the
    /// BaBSR choice alone. Measured on `mnistfc` 256x2 (sub-problems to prove, release,
    /// `--threads 1`): prop_5_0.03 237 with BaBSR; 285, 1,085, 527 with 2, 4, 8 candidates
    /// (`lowest`), 331 and 309 with 4 and 8 (`negativeSum`); on four quick instances
    /// (prop_0/9/13_0.03, prop_6_0.05) no setting beat BaBSR consistently (Benchmarks/results/
    /// mnistfc_branching_tuning.txt). Without split constraints in the bounds (beta-CROWN)
    /// a child's bound only gains the split unit's exact relaxation, which BaBSR's score
    /// already estimates; re-measure once the bounds carry the splits.
    public var candidates = 1
    public var objective = Objective.lowest
    public var estimate = Estimate.fixedIntermediates

    public init() {}

    /// The choice before filtered smart branching (BaBSR alone).
    public static let babsr: BranchingOptions = { var options = BranchingOptions(); options.candidates = 1; return options }()

    public var description: String { "BranchingOptions(candidates: \(candidates), objective: \(objective.rawValue), estimate: \(estimate.rawValue))" }
}
