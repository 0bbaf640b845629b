/// The tolerances of the floating-point heuristics that choose what to try next (the dual
/// search for conjunction exclusions, the split choice, which points get the exact
/// counterexample check), in one place. No verdict rests on
/// them: an exclusion is proved only by the sound re-check of its certificate
/// (``ConjunctionExclusion``) or by Z3's exact LP, and a split is sound whatever its width;
/// a tolerance that is off costs time, never soundness.
public enum HeuristicTolerances {
    /// Relative margin, times the rows' magnitude `max_r (|c_r| + Σ_i |Λ_ri| (u_i - l_i))`,
    /// under which a plain floating-point value of the dual `g(λ)` or of a box vertex counts
    /// as zero. The float sums carry a relative error of about `n · 2^-53` (around 1e-14 for
    /// the widths met here), so `1e-9` separates a value that is clearly negative or
    /// positive from rounding noise with a wide margin, while a real optimum this close to
    /// zero is handed to the exact LP. Also the positive value the dual's Polyak steps aim at.
    public static let dualMargin = 1e-9
    /// A weight of a solved vertex system that is at least `-1e-12` counts as non-negative
    /// (and is clamped to 0): Gaussian elimination leaves rounding of this order on weights
    /// that are 0 exactly. The vertex's value is recomputed from the clamped weights.
    public static let vertexWeightSlack = 1e-12
    /// Gaussian elimination treats a pivot smaller than `1e-12` times its row's largest entry
    /// as zero (a nearly singular system has no vertex worth trying).
    public static let relativePivot = 1e-12
    /// Floor of a magnitude that scales a relative tolerance, so that an all-zero scale still
    /// gives a positive threshold (a normal Double, above the smallest normal 2.2e-308).
    public static let scaleFloor = 1e-300
    /// The split search does not split an input dimension narrower than `2^-20` of its width
    /// in the root box: below that the bounds no longer tighten measurably (they are limited
    /// by the relaxation of the other dimensions and by outward rounding), and a sub-box
    /// whose every dimension is that narrow goes to Z3 instead.
    public static let minimumSplitWidth = 0x1p-20
    /// A candidate point whose float violation score is above `1e-6` times `1 + max |y_i|`
    /// (its outputs' magnitude) skips the exact counterexample check: the float forward pass
    /// of these networks errs by about `n · 2^-53` relative (1e-13 for the widths met here),
    /// so such a point is safe by far more than rounding can bridge.
    public static let candidateMargin = 1e-6
}
