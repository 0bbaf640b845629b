// The statistical verdict on "for every class c, p_c >= 1 - delta" with confidence 1 - alpha.

/// Per-class and overall verdicts for a global property (correctness or robustness).
///
/// ```
/// m       = number of classes
/// alpha_c = alpha / m                      (union bound, see UnionBound)
/// class c : HOLDS / FAILS / INCONCLUSIVE   (see StatisticalVerdict)
/// overall : HOLDS if all hold, FAILS if any fails, INCONCLUSIVE otherwise
/// ```
///
/// With confidence `1 - alpha` every class's bounds contain its `p_c` simultaneously, so
/// every verdict reported here is right together.
public struct GlobalAssessment: Sendable, Hashable, Codable {
    public var configuration: StatisticsConfiguration
    /// `alpha / m`, exactly (JSON key `per_class_alpha`).
    public var perClassLevel: AlphaLevel
    /// One entry per class, sorted by class index.
    public var classes: [ClassAssessment]
    public var verdict: StatisticalVerdict

    /// Assesses the counts of every class in the claim (a class with no samples yet still
    /// counts toward `m` and is INCONCLUSIVE).
    public init(counts: [Int: VerdictCounts], configuration: StatisticsConfiguration) {
        precondition(!counts.isEmpty, "a global assessment needs at least one class")
        self.configuration = configuration
        let level = UnionBound.perClassLevel(overall: configuration.level, classCount: counts.count)
        perClassLevel = level
        classes = counts.sorted { $0.key < $1.key }.map { classIndex, classCounts in
            ClassAssessment(
                classIndex: classIndex, counts: classCounts, level: level,
                delta: configuration.delta, method: configuration.method)
        }
        verdict = StatisticalVerdict.conjunction(classes.map(\.verdict))
    }

    enum CodingKeys: String, CodingKey {
        case configuration, classes, verdict
        case perClassLevel = "perClassAlpha"
    }

    /// `alpha / m` rounded down: the level each class's bounds use.
    public var perClassAlpha: Double { perClassLevel.value }

    /// The counts of all classes together.
    public var totalCounts: VerdictCounts {
        classes.reduce(VerdictCounts()) { $0 + $1.counts }
    }
}
