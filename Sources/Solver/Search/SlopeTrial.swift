/// One slope optimisation on a node (``SplitNodePreparation/trySlopes(box:plain:open:)``).
///
/// When to try: what optimised slopes gain shrinks with the box, so a node whose deficit (how far
/// its best plain atom bound is below 0, ``SplitNodePreparation/deficit(_:open:)``) exceeds
/// ``reach`` times the gain of its nearest ancestor's failed trial is unlikely to close,
/// and is split without a trial; a node without such an ancestor always tries. Measured
/// with a trial at every open node, on ACAS Xu 4_2 prop_2 (6,025 trials) and on MNIST C∘G
/// (large × simple, class 5 #165, 1,670 trials): 43-45 % closed, but of the quarter with the
/// largest deficits only 0-6 %. With `reach` 1 instead of a trial everywhere, that C∘G query
/// took 19.2 s instead of 26.4 s (plain bounds alone: 20.6 s), ACAS Xu 4_2 / 3_3 prop_2 and
/// 1_9 prop_7 together 35.1 s instead of 36.6 s; `reach` 0.5 lost 4_2 prop_2 (12.1 s).
struct SlopeTrial: Sendable {
    var slopes: [Int: [Double]]
    var closes: Bool
    /// The deficit's decrease on the disjuncts still open (0 when it closes).
    var gain: Double

    static let reach = 1.0

    /// Whether a node with `deficit` tries, after its nearest ancestor's failed trial
    /// `failed` (nil: none).
    static func isWorthTrying(deficit: Double, after failed: SlopeTrial?) -> Bool {
        guard let failed else { return true }
        return deficit <= reach * failed.gain
    }
}
