// The two confidence bounds on a binomial proportion the package reports, and the bound pair
// a verdict is decided from.

/// Which confidence bound decides a verdict (both are always reported).
public enum ConfidenceBoundMethod: String, Sendable, Hashable, Codable, CaseIterable {
    /// Hoeffding's inequality: distribution-free, simple, loose when failures are rare.
    case hoeffding
    /// The exact binomial (Clopper-Pearson) bound: much tighter when failures are rare.
    case clopperPearson = "clopper-pearson"

    /// The one-sided lower confidence bound at level `alpha` for `successes` out of `trials`.
    public func lowerBound(successes: Int, trials: Int, alpha: Double) -> Double {
        switch self {
        case .hoeffding: Hoeffding.lowerBound(successes: successes, trials: trials, alpha: alpha)
        case .clopperPearson: ClopperPearson.lowerBound(successes: successes, trials: trials, alpha: alpha)
        }
    }

    /// The one-sided upper confidence bound at level `alpha` for `successes` out of `trials`.
    public func upperBound(successes: Int, trials: Int, alpha: Double) -> Double {
        switch self {
        case .hoeffding: Hoeffding.upperBound(successes: successes, trials: trials, alpha: alpha)
        case .clopperPearson: ClopperPearson.upperBound(successes: successes, trials: trials, alpha: alpha)
        }
    }

    /// The two-sided interval at confidence `1 - alpha`.
    public func interval(successes: Int, trials: Int, alpha: Double) -> ProportionInterval {
        switch self {
        case .hoeffding: Hoeffding.interval(successes: successes, trials: trials, alpha: alpha)
        case .clopperPearson: ClopperPearson.interval(successes: successes, trials: trials, alpha: alpha)
        }
    }
}

/// A pair of bounds on a proportion `p`, `0 <= lower <= upper <= 1`.
///
/// Either a two-sided interval at confidence `1 - alpha`, or (in a `ClassAssessment`) two
/// one-sided bounds each at level `alpha` computed from different success counts.
public struct ProportionInterval: Sendable, Hashable, Codable {
    public var lower: Double
    public var upper: Double

    public init(lower: Double, upper: Double) {
        self.lower = lower
        self.upper = upper
    }

    /// Whether `p` lies in `[lower, upper]`.
    public func contains(_ p: Double) -> Bool {
        lower <= p && p <= upper
    }
}

/// Checks the arguments shared by every bound.
func checkBoundArguments(successes: Int, trials: Int, alpha: Double) {
    precondition(trials >= 0, "the number of trials must be non-negative, got \(trials)")
    precondition(
        successes >= 0 && successes <= trials,
        "the number of successes must lie in 0...\(trials), got \(successes)")
    precondition(alpha > 0 && alpha < 1, "alpha must lie in (0, 1), got \(alpha)")
}
