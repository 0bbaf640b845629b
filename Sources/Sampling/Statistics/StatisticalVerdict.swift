// The three-valued verdict on "p >= 1 - delta" and how bounds decide it.

/// The verdict on `p >= 1 - delta` for one class, or on "for every class" overall.
public enum StatisticalVerdict: String, Sendable, Hashable, Codable, CaseIterable {
    /// The lower confidence bound reaches `1 - delta`.
    case holds = "HOLDS"
    /// The upper confidence bound is below `1 - delta`.
    case fails = "FAILS"
    /// Neither: more samples (or fewer unknowns) are needed.
    case inconclusive = "INCONCLUSIVE"

    /// The verdict from a lower and an upper bound on `p`:
    ///
    /// ```
    /// HOLDS         if lower >= 1 - delta
    /// FAILS         if upper <  1 - delta
    /// INCONCLUSIVE  otherwise
    /// ```
    ///
    /// With one-sided bounds each at level `alpha`, the verdict is wrong with probability at
    /// most `alpha`: if `p >= 1 - delta` only FAILS is wrong, and that needs the upper bound to
    /// miss `p`; if `p < 1 - delta` only HOLDS is wrong, and that needs the lower bound to miss.
    ///
    /// Postconditions: HOLDS and FAILS never both apply when `lower <= upper`.
    public init(lower: Double, upper: Double, delta: Double) {
        let threshold = 1 - delta
        if lower >= threshold {
            self = .holds
        } else if upper < threshold {
            self = .fails
        } else {
            self = .inconclusive
        }
    }

    /// The overall verdict of a conjunction "for every class":
    /// HOLDS if all hold, FAILS if any fails, INCONCLUSIVE otherwise.
    ///
    /// Edge cases: an empty sequence gives HOLDS (the empty conjunction).
    public static func conjunction(_ verdicts: some Sequence<StatisticalVerdict>) -> StatisticalVerdict {
        var allHold = true
        for verdict in verdicts {
            switch verdict {
            case .fails: return .fails
            case .inconclusive: allHold = false
            case .holds: break
            }
        }
        return allHold ? .holds : .inconclusive
    }
}
