// The statistics of a set of sample records: which samples count, and the verdicts.

import Foundation

/// The statistical report of one class.
public struct ClassReport: Sendable, Hashable, Codable {
    public var classIndex: Int
    /// Records of this class present (all of them, counted or not).
    public var recorded: Int
    /// Samples of this class the run plans (`samples_per_class`, or this shard's part of them).
    public var planned: Int
    /// Records left out of the statistics: after the first missing sample (an unfinished
    /// run), beyond `samples_per_class`, or after an early stop.
    public var excluded: Int
    /// Counted NOT ROBUST (unconfirmed in float) samples: part of `counts.unknown`.
    public var unconfirmed: Int
    /// Fixed-sample-size assessment of the counted samples at level `alpha / m`.
    public var assessment: ClassAssessment
    /// With `--stop-early`: the last look evaluated (its bounds are at `alpha_k`); nil otherwise.
    public var sequentialLook: SequentialTest.Look?
    /// The verdict: the sequential look's with `--stop-early`, else the fixed-size one.
    public var verdict: StatisticalVerdict

    public var counts: VerdictCounts { assessment.counts }

    enum CodingKeys: String, CodingKey {
        case recorded, planned, excluded, unconfirmed, assessment, verdict
        case classIndex = "class"
        case sequentialLook = "sequential_look"
    }
}

/// Per-class and overall statistics of a results set, plus how the samples were decided.
///
/// Which samples count: for each class, the samples `0, 1, 2, ...` (of the shard, if the
/// records are one shard) up to the first one missing, at most `samples_per_class`. An
/// interrupted run finishes easy samples before hard ones, so counting every finished sample
/// would bias the estimate toward ROBUST; the unbroken prefix is a sample size fixed
/// independently of the outcomes. The fixed-size guarantee holds once the prefix reaches the
/// planned size (``unfinishedClasses`` lists the classes that have not). With `--stop-early`
/// the sequential test replays its looks over the same prefix and stops at the first
/// deciding look.
public struct ResultsAssessment: Sendable, Codable {
    public var configuration: StatisticsConfiguration
    public var samplesPerClass: Int
    /// `alpha / m` exactly, the level of each class (union bound over `m` classes).
    public var perClassLevel: AlphaLevel
    public var classes: [ClassReport]
    public var verdict: StatisticalVerdict
    public var stopEarly: StopEarlySchedule?
    /// How many counted samples each pipeline step decided (`undecided` for UNKNOWN).
    public var decidedBy: [String: Int]
    /// How many counted UNKNOWN samples each limit ended.
    public var unknownLimits: [String: Int]
    /// Sum of the query wall times of the counted samples.
    public var querySeconds: Double

    enum CodingKeys: String, CodingKey {
        case configuration, classes, verdict
        case samplesPerClass = "samples_per_class"
        case perClassLevel = "per_class_alpha"
        case stopEarly = "stop_early"
        case decidedBy = "decided_by"
        case unknownLimits = "unknown_limits"
        case querySeconds = "query_seconds"
    }

    /// `alpha / m` rounded down: the level each class's bounds use.
    public var perClassAlpha: Double { perClassLevel.value }

    /// All classes together.
    public var totalCounts: VerdictCounts { classes.reduce(VerdictCounts()) { $0 + $1.counts } }

    /// Assesses `records` of the classes `classes`.
    /// - Parameters:
    ///   - shard: the shard the records come from (only its indices are expected).
    ///   - stopEarly: replay this sequential schedule instead of a fixed sample size.
    public init(records: [SampleRecord], classes: [Int], samplesPerClass: Int,
                configuration: StatisticsConfiguration, stopEarly: StopEarlySchedule? = nil,
                shard: Shard = .whole) {
        self.configuration = configuration
        self.samplesPerClass = samplesPerClass
        self.stopEarly = stopEarly
        let alpha = UnionBound.perClassLevel(overall: configuration.level, classCount: classes.count)
        perClassLevel = alpha
        let schedule = SampleSchedule(classes: classes, samplesPerClass: samplesPerClass)
        var byClass: [Int: [Int: SampleRecord]] = [:]
        for record in records { byClass[record.classIndex, default: [:]][record.sample] = record }
        var decided: [String: Int] = [:], limits: [String: Int] = [:], seconds = 0.0
        var reports: [ClassReport] = []
        for classIndex in classes {
            let samples = byClass[classIndex] ?? [:]
            // The unbroken prefix of expected samples.
            var prefix: [SampleRecord] = []
            var planned = 0
            var broken = false
            for i in 0..<samplesPerClass {
                guard let g = schedule.globalIndex(classIndex: classIndex, sample: i), shard.contains(g) else { continue }
                planned += 1
                guard !broken, let record = samples[i] else { broken = true; continue }
                prefix.append(record)
            }
            var counted = prefix
            var look: SequentialTest.Look?
            if let stopEarly, !prefix.isEmpty || samplesPerClass > 0 {
                let test = SequentialTest(
                    delta: configuration.delta, level: alpha,
                    initialSampleSize: min(stopEarly.initialSampleSize, max(samplesPerClass, 1)),
                    growthFactor: stopEarly.growthFactor, maximumSampleSize: max(samplesPerClass, 1),
                    spending: stopEarly.spending, method: configuration.method)
                var running = VerdictCounts()
                var used = 0
                for (k, size) in test.looks.enumerated() where size <= prefix.count {
                    while running.n < size { running.record(prefix[running.n].verdict.outcome) }
                    used = size
                    let decision = test.decision(atLook: k + 1, counts: running)
                    look = decision
                    if decision.verdict != .inconclusive { break }
                }
                // Without a deciding look the counted samples are those of the last look reached.
                counted = Array(prefix.prefix(look.map { _ in used } ?? prefix.count))
            }
            var counts = VerdictCounts()
            var unconfirmed = 0
            for record in counted {
                counts.record(record.verdict.outcome)
                if record.verdict == .notRobustUnconfirmed { unconfirmed += 1 }
                decided[record.decidedBy?.rawValue ?? "undecided", default: 0] += 1
                if let limit = record.limit { limits[limit, default: 0] += 1 }
                seconds += record.seconds
            }
            let assessment = ClassAssessment(classIndex: classIndex, counts: counts, level: alpha,
                                             delta: configuration.delta, method: configuration.method)
            let verdict: StatisticalVerdict = stopEarly == nil ? assessment.verdict : (look?.verdict ?? .inconclusive)
            reports.append(ClassReport(classIndex: classIndex, recorded: samples.count, planned: planned, excluded: samples.count - counted.count,
                                       unconfirmed: unconfirmed, assessment: assessment, sequentialLook: look, verdict: verdict))
        }
        self.classes = reports
        verdict = StatisticalVerdict.conjunction(reports.map(\.verdict))
        decidedBy = decided
        unknownLimits = limits
        querySeconds = seconds
    }

    /// Classes of a fixed-sample-size assessment that count fewer samples than planned (an
    /// unfinished run). Their bounds are computed at the counted size, but that size was not
    /// fixed in advance: stopping a run when an intermediate look is favourable is optional
    /// stopping, and the fixed-size guarantee holds only at the planned size. Empty with
    /// `--stop-early`, whose sequential test is valid at every look.
    public var unfinishedClasses: [ClassReport] {
        stopEarly == nil ? classes.filter { $0.counts.n < $0.planned } : []
    }

    /// With `--stop-early`: the sample size per class at which class `c` stopped, or nil if
    /// it has not stopped (no deciding look yet).
    public func stoppedSampleSize(of classIndex: Int) -> Int? {
        guard let report = classes.first(where: { $0.classIndex == classIndex }),
              let look = report.sequentialLook, look.verdict != .inconclusive else { return nil }
        return look.counts.n
    }
}
