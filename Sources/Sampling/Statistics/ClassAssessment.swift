// The statistical verdict for one class.

/// Bounds and verdict for one class at the per-class level `alpha_c` (after the union bound).
///
/// Each `ProportionInterval` here holds two one-sided bounds at level `alpha_c`:
///
/// ```
/// lower = lowerBound(k = robust,           n, alpha_c)    unknown counted as failure
/// upper = upperBound(k = robust + unknown, n, alpha_c)    unknown counted as success
/// ```
public struct ClassAssessment: Sendable, Hashable, Codable {
    public var classIndex: Int
    public var counts: VerdictCounts
    /// The level of this class (`alpha / m` under the union bound), exactly; JSON key `alpha`.
    public var level: AlphaLevel
    public var delta: Double
    /// The method that decided `verdict`.
    public var method: ConfidenceBoundMethod
    public var hoeffding: ProportionInterval
    public var clopperPearson: ProportionInterval
    public var verdict: StatisticalVerdict
    /// For an inconclusive class: how many samples would likely decide it; nil otherwise, and
    /// nil when no sample size can (unknowns on both sides of `1 - delta`, or no samples yet).
    public var furtherSamples: FurtherSamples?

    enum CodingKeys: String, CodingKey {
        case classIndex, counts, delta, method, hoeffding, clopperPearson, verdict, furtherSamples
        case level = "alpha"
    }

    /// Assesses `counts` of class `classIndex` at level `alpha` (a Double read as its shortest
    /// decimal, already split across classes).
    public init(
        classIndex: Int, counts: VerdictCounts, alpha: Double, delta: Double,
        method: ConfidenceBoundMethod
    ) {
        self.init(classIndex: classIndex, counts: counts, level: AlphaLevel(decimalOf: alpha), delta: delta, method: method)
    }

    /// Assesses `counts` of class `classIndex` at `level` (already split across classes); the
    /// bounds use `level.value`, the exact level rounded down.
    public init(
        classIndex: Int, counts: VerdictCounts, level: AlphaLevel, delta: Double,
        method: ConfidenceBoundMethod
    ) {
        precondition(delta > 0 && delta < 1, "delta must lie in (0, 1), got \(delta)")
        let alpha = level.value
        self.classIndex = classIndex
        self.counts = counts
        self.level = level
        self.delta = delta
        self.method = method
        hoeffding = Self.bounds(counts, alpha: alpha, method: .hoeffding)
        clopperPearson = Self.bounds(counts, alpha: alpha, method: .clopperPearson)
        let decisive = method == .hoeffding ? hoeffding : clopperPearson
        verdict = StatisticalVerdict(lower: decisive.lower, upper: decisive.upper, delta: delta)
        furtherSamples =
            verdict == .inconclusive
            ? SampleSizePlanner.furtherSamples(counts: counts, delta: delta, alpha: alpha, method: method)
            : nil
    }

    /// The level each bound of this class uses: ``level`` rounded down to a Double.
    public var alpha: Double { level.value }

    /// The bounds of the deciding method.
    public var bounds: ProportionInterval {
        method == .hoeffding ? hoeffding : clopperPearson
    }

    /// Lower bound from `robust`, upper bound from `robust + unknown`, each one-sided at `alpha`.
    static func bounds(_ counts: VerdictCounts, alpha: Double, method: ConfidenceBoundMethod) -> ProportionInterval {
        ProportionInterval(
            lower: method.lowerBound(successes: counts.pessimisticSuccesses, trials: counts.n, alpha: alpha),
            upper: method.upperBound(successes: counts.optimisticSuccesses, trials: counts.n, alpha: alpha))
    }
}
