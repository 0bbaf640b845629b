// What a global correctness / robustness experiment is: the networks, the claim and the budgets.
// The file format is documented in README.md (section "Experiment file").

import Foundation
import Network
import Solver

/// An experiment: a classifier `C`, a generator per class (or one conditional generator),
/// an optional adapter, the robustness radius, the statistical claim and the solver budgets.
///
/// The claim checked by `verify robustness` is, for every class `c` of the experiment,
///
/// ```
/// P_{x ~ N(0, I)}( for all x' with ||x' - x||_inf <= eps : argmax C(a(G_c(x'))) = c ) >= 1 - delta
/// ```
///
/// with confidence `confidence = 1 - alpha` (alpha split across the classes by a union bound).
/// `verify correctness` checks the same claim with `eps = 0`.
///
/// Paths are stored as given after resolution against the experiment file's directory.
public struct Experiment: Sendable, Equatable {
    /// Where the one-hot class input of a conditional generator sits in its input vector.
    public enum OneHotPosition: String, Sendable, Equatable, CaseIterable {
        /// Generator input `[noise, onehot]` (`torch.cat([z, onehot], 1)`), the default.
        case after
        /// Generator input `[onehot, noise]`.
        case before
    }

    /// The generators of the experiment.
    public enum Generators: Sendable, Equatable {
        /// One generator file per class (class index -> path).
        case perClass([Int: String])
        /// One generator taking `[noise, onehot(c)]`: the one-hot part is fixed per class and
        /// never perturbed. `classCount` nil means "as many classes as the classifier has outputs".
        /// `output` other than `.file` loads the file's twin output activation (tanh for its
        /// hard tanh or back, ``OutputActivation``), so one file serves both.
        case conditional(path: String, classCount: Int?, oneHot: OneHotPosition, output: OutputActivation = .file)
    }

    /// The experiment file the experiment was read from (for messages), if any.
    public var file: String?
    public var classifier: String
    public var generators: Generators
    /// Element-wise map between generator output and classifier input; nil = identity.
    public var adapter: Adapter?
    /// L-infinity radius of the box around each noise (robustness only).
    public var eps: Double
    /// Tolerated failure probability per class.
    public var delta: Double
    /// `1 - alpha`, the confidence of the whole claim.
    public var confidence: Double
    public var samplesPerClass: Int
    public var seed: UInt64
    /// Wall-clock safety net per query, seconds (the budgets that decide verdicts are counts).
    public var timeLimit: Double
    /// Z3 resource limit per leaf (`rlimit`); 0 = none.
    public var smtResourceLimit: UInt64
    /// Sub-box budget of the split search per query.
    public var maxNodes: Int
    /// The bound that decides verdicts (both are reported).
    public var bound: ConfidenceBoundMethod
    /// The branch and bound that decides a query the root bounds and the attack leave open
    /// (``PhaseSplitOptions/Engine``; file key `"engine"`). The default `.auto` splits the
    /// noise box below 16 dimensions and ReLU phases from 16 on (measured: input splitting
    /// wins on the 6- and 10-dimensional noises of the examples, phases on the paper's
    /// 100-dimensional GAN noise; Benchmarks/README.md, "Issue 13, ninth step"). The identity
    /// records the engine that runs (``LoadedExperiment/engineThatRuns(_:on:)``), so `auto`
    /// on a 10-dimensional noise has the identity of `input`.
    public var engine: Engine = .auto

    /// The noise dimension `p` the file states (`"noise_dimension"`), or nil. The dimension is
    /// always the generators' input size (minus the one-hot inputs of a conditional
    /// generator); a stated value is a check of it when the networks are loaded, and is not
    /// part of the experiment identity (it never changes a verdict).
    public var noiseDimension: Int? = nil

    /// The solver's engine choice (``PhaseSplitOptions/Engine``).
    public typealias Engine = PhaseSplitOptions.Engine
    // pictures: begin (optional "image" field; not hashed into the identity)
    /// How generator outputs are drawn (`"image"` field); nil = inferred. See Experiment+Image.swift.
    public var image: ImageSpec? = nil
    // pictures: end

    public init(
        file: String? = nil, classifier: String, generators: Generators, adapter: Adapter? = nil,
        eps: Double, delta: Double = Experiment.defaultDelta, confidence: Double = Experiment.defaultConfidence,
        samplesPerClass: Int = Experiment.defaultSamplesPerClass, seed: UInt64 = 0,
        timeLimit: Double = QueryConfiguration().limits.timeLimit,
        smtResourceLimit: UInt64 = QueryConfiguration().limits.smtResourceLimit,
        maxNodes: Int = QueryConfiguration().limits.maxNodes, bound: ConfidenceBoundMethod = .hoeffding
    ) {
        self.file = file
        self.classifier = classifier
        self.generators = generators
        self.adapter = adapter
        self.eps = eps
        self.delta = delta
        self.confidence = confidence
        self.samplesPerClass = samplesPerClass
        self.seed = seed
        self.timeLimit = timeLimit
        self.smtResourceLimit = smtResourceLimit
        self.maxNodes = maxNodes
        self.bound = bound
    }

    public static let defaultDelta = 0.01
    public static let defaultConfidence = 0.99
    public static let defaultSamplesPerClass = 100

    /// `alpha = 1 - confidence` exactly, with the confidence read as its decimal (0.99 -> 1/100).
    public var alphaLevel: AlphaLevel { AlphaLevel(confidence: confidence) }

    /// `alpha = 1 - confidence` rounded down to a Double (never above the exact value).
    public var alpha: Double { alphaLevel.value }

    /// The statistical claim of the experiment.
    public var statistics: StatisticsConfiguration {
        StatisticsConfiguration(delta: delta, level: alphaLevel, method: bound)
    }

    /// The solver configuration: `base` (ablation switches, thresholds) with this experiment's
    /// budgets.
    public func queryConfiguration(base: QueryConfiguration = QueryConfiguration()) -> QueryConfiguration {
        var configuration = base
        configuration.limits.timeLimit = timeLimit
        configuration.limits.smtResourceLimit = smtResourceLimit
        configuration.limits.maxNodes = maxNodes
        configuration.phaseSplit.engine = engine
        return configuration
    }

    /// Checks ranges of every field; throws the first problem, naming the field.
    public func validate() throws {
        let name = file ?? "experiment"
        func fail(_ field: String, _ problem: String, _ fix: String) -> ExperimentError {
            .invalidExperiment(file: name, place: "field \"\(field)\"", problem: problem, fix: fix)
        }
        guard eps.isFinite, eps >= 0 else { throw fail("eps", "must be a finite number >= 0, got \(eps)", "give e.g. 0.05") }
        guard delta > 0, delta < 1 else { throw fail("delta", "must lie in (0, 1), got \(delta)", "give e.g. 0.01") }
        guard confidence > 0, confidence < 1 else {
            throw fail("confidence", "must lie in (0, 1), got \(confidence)", "give e.g. 0.99 (alpha = 0.01)")
        }
        guard samplesPerClass >= 1 else { throw fail("samples_per_class", "must be >= 1, got \(samplesPerClass)", "give e.g. 100") }
        guard timeLimit.isFinite, timeLimit > 0 else { throw fail("time_limit", "must be a positive number of seconds, got \(timeLimit)", "give e.g. 60") }
        guard maxNodes >= 1 else { throw fail("max_nodes", "must be >= 1, got \(maxNodes)", "give e.g. 20000") }
        try image?.validate(file: name) // pictures
        switch generators {
        case .perClass(let map):
            guard !map.isEmpty else { throw fail("generators", "is empty", "map at least one class to a generator file") }
            if let bad = map.keys.first(where: { $0 < 0 }) {
                throw fail("generators", "class \(bad) is negative", "use class indices 0, 1, ...")
            }
        case .conditional(_, let classCount, _, _):
            if let classCount, classCount < 1 {
                throw fail("conditional_generator.classes", "must be >= 1, got \(classCount)", "give the number of classes of the one-hot input")
            }
        }
    }
}
