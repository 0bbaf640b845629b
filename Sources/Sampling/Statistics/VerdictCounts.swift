// Per-class tallies of sample verdicts, and the rule that keeps UNKNOWN from ever counting
// as a proof (design.md, soundness rule 5).

/// The outcome of checking one sample, as the statistics see it.
///
/// For global correctness `robust` means "classified correctly" and `notRobust` "misclassified".
public enum SampleOutcome: String, Sendable, Hashable, Codable, CaseIterable {
    case robust
    case notRobust = "not-robust"
    case unknown
}

/// How many samples of one class ended in each outcome.
///
/// UNKNOWN is counted as a failure for lower bounds and as a success for upper bounds:
///
/// ```
/// lower bound from k = robust                (pessimisticSuccesses)
/// upper bound from k = robust + unknown      (optimisticSuccesses)
/// ```
///
/// Both bounds stay valid whatever the unknown samples really were: each is computed from a
/// count that is on the safe side of the true number of successes. So an unknown can never
/// turn a verdict into HOLDS, nor into FAILS.
public struct VerdictCounts: Sendable, Hashable, Codable {
    public var robust: Int
    public var notRobust: Int
    public var unknown: Int

    public init(robust: Int = 0, notRobust: Int = 0, unknown: Int = 0) {
        precondition(robust >= 0 && notRobust >= 0 && unknown >= 0, "verdict counts must be non-negative")
        self.robust = robust
        self.notRobust = notRobust
        self.unknown = unknown
    }

    /// The number of samples `n = robust + notRobust + unknown`.
    public var n: Int { robust + notRobust + unknown }

    /// The success count for lower bounds: unknowns count as failures.
    public var pessimisticSuccesses: Int { robust }

    /// The success count for upper bounds: unknowns count as successes.
    public var optimisticSuccesses: Int { robust + unknown }

    /// `robust / n`, or nil before any sample.
    public var observedRobustRate: Double? {
        n == 0 ? nil : Double(robust) / Double(n)
    }

    /// Counts one more sample.
    public mutating func record(_ outcome: SampleOutcome) {
        switch outcome {
        case .robust: robust += 1
        case .notRobust: notRobust += 1
        case .unknown: unknown += 1
        }
    }

    /// The counts of two disjoint sets of samples (for merging shards).
    public static func + (lhs: VerdictCounts, rhs: VerdictCounts) -> VerdictCounts {
        VerdictCounts(
            robust: lhs.robust + rhs.robust,
            notRobust: lhs.notRobust + rhs.notRobust,
            unknown: lhs.unknown + rhs.unknown)
    }
}
