// The first line of a results file: which experiment the samples belong to.

import Foundation
import Solver

/// The look schedule of `--stop-early` (see ``SequentialTest``): looks at
/// `ceil(initial * growth^(k-1))` samples per class, alpha spent by `spending`.
public struct StopEarlySchedule: Sendable, Hashable, Codable {
    public var initialSampleSize: Int
    public var growthFactor: Double
    public var spending: SequentialTest.AlphaSpending

    public init(initialSampleSize: Int = 20, growthFactor: Double = 1.5, spending: SequentialTest.AlphaSpending = .basel) {
        self.initialSampleSize = initialSampleSize
        self.growthFactor = growthFactor
        self.spending = spending
    }

    enum CodingKeys: String, CodingKey {
        case spending
        case initialSampleSize = "initial_sample_size"
        case growthFactor = "growth_factor"
    }
}

/// The header line of a results file.
///
/// `experiment` (the hash) decides whether samples belong together: resume and merge refuse a
/// file whose hash differs. The statistical settings (delta, confidence, bound, samples per
/// class, stop-early) are not part of the hash (they do not change any sample's verdict) but
/// are fixed at the first run: resume and merge refuse other values, and `verify summary`
/// marks verdicts recomputed with other values as exploratory (``StatisticalSetting``).
public struct ResultsHeader: Sendable, Hashable, Codable {
    public var kind = "header"
    /// The build that wrote the header (``ToolVersion/current``); nil in files written before
    /// it was recorded.
    public var tool: ToolVersion? = ToolVersion.current
    public var format: String
    /// ``LoadedExperiment/hash``.
    public var experiment: String
    /// The hashed identity text (network digests, eps, noises, solver budgets).
    public var identity: String
    public var experimentFile: String?
    public var classes: [Int]
    public var samplesPerClass: Int
    public var eps: Double
    public var delta: Double
    public var confidence: Double
    public var bound: ConfidenceBoundMethod
    public var noiseDimension: Int
    public var digests: [String: String]
    /// The schedule when the run stops each class early; nil for fixed sample sizes.
    public var stopEarly: StopEarlySchedule?
    /// `"i/k"` when the file holds one shard; nil for a whole run or a merged file.
    public var shard: String?
    /// Set in an archive (`verify archive`): the records leave out their generated noises,
    /// which reading puts back (``OmittedNoises``); nil in the files runs write.
    public var omittedNoises: OmittedNoises?

    enum CodingKeys: String, CodingKey {
        case tool
        case kind, format, experiment, identity, classes, eps, delta, confidence, bound, digests, shard
        case experimentFile = "experiment_file"
        case samplesPerClass = "samples_per_class"
        case noiseDimension = "noise_dimension"
        case stopEarly = "stop_early"
        case omittedNoises = "omitted_noises"
    }

    public init(experiment loaded: LoadedExperiment, stopEarly: StopEarlySchedule?, shard: Shard?) {
        format = LoadedExperiment.resultsFormat
        experiment = loaded.hash
        identity = loaded.identity
        experimentFile = loaded.experiment.file
        classes = loaded.classes
        samplesPerClass = loaded.experiment.samplesPerClass
        eps = loaded.experiment.eps
        delta = loaded.experiment.delta
        confidence = loaded.experiment.confidence
        bound = loaded.experiment.bound
        noiseDimension = loaded.noiseDimension
        digests = loaded.digests
        self.stopEarly = stopEarly
        self.shard = (shard?.count ?? 1) > 1 ? shard?.description : nil
    }

    /// The statistical claim of the header's settings.
    public var statistics: StatisticsConfiguration {
        StatisticsConfiguration(delta: delta, level: AlphaLevel(confidence: confidence), method: bound)
    }
}

/// `--shard i/k`: the samples whose global index is congruent to `i` modulo `k`.
public struct Shard: Sendable, Hashable, CustomStringConvertible {
    public var index: Int
    public var count: Int

    public init(index: Int, count: Int) {
        precondition(count >= 1 && index >= 0 && index < count, "shard \(index)/\(count) is invalid")
        self.index = index
        self.count = count
    }

    public static let whole = Shard(index: 0, count: 1)

    /// Parses `i/k` with `0 <= i < k`; nil otherwise.
    public init?(parsing text: String) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let i = Int(parts[0]), let k = Int(parts[1]), k >= 1, i >= 0, i < k else { return nil }
        self.init(index: i, count: k)
    }

    public func contains(_ globalIndex: Int) -> Bool { globalIndex % count == index }

    public var description: String { "\(index)/\(count)" }
}
