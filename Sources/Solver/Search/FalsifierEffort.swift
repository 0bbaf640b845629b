/// The work of the phase engine's falsifier (``PhaseSplitFalsifier``) on one query: counts,
/// for people and measurements (``QueryStatistics``); no verdict depends on them.
public struct FalsifierEffort: Sendable, Equatable {
    /// Points tried: every sub-problem's bound minimisers checked as counterexamples, and
    /// every start of a gradient descent (whole box and sub-problems).
    public var candidates = 0
    /// Gradient steps (one float forward and backward pass each) over all descents.
    public var steps = 0

    public init() {}

    /// Both counts summed.
    public static func + (a: FalsifierEffort, b: FalsifierEffort) -> FalsifierEffort {
        var sum = a
        sum.candidates += b.candidates
        sum.steps += b.steps
        return sum
    }
}
