// One line of a results file: the exact verdict of one sample, with how it was reached.

import Foundation
import Solver

/// The verdict of one sample's local robustness query, as written in results files.
///
/// Only `robust` counts as a success and only `notRobust` (a counterexample confirmed in
/// exact arithmetic, ``Counterexample/isConfirmed``) as a failure; `notRobustUnconfirmed` and `unknown` are both UNKNOWN
/// to the statistics (failure for lower bounds, success for upper bounds).
public enum SampleVerdict: String, Sendable, Hashable, Codable, CaseIterable {
    case robust
    case notRobust = "not_robust"
    case notRobustUnconfirmed = "not_robust_unconfirmed"
    case unknown

    /// How the statistics count this verdict.
    public var outcome: SampleOutcome {
        switch self {
        case .robust: return .robust
        case .notRobust: return .notRobust
        case .notRobustUnconfirmed, .unknown: return .unknown
        }
    }
}

/// One pipeline step of a sample's query.
public struct SampleStep: Sendable, Hashable, Codable {
    /// The step; its raw value is the text in the file.
    public var step: PipelineStep
    public var seconds: Double
    public var decided: Bool
}

/// The counterexample of a NOT ROBUST sample: a noise in the box, what exact arithmetic
/// says about it, and its float64 and float32 logits.
public struct SampleCounterexample: Sendable, Hashable, Codable {
    /// The noise `x'` with `||x' - x||_inf <= eps`.
    public var noise: [Double]
    /// `C(G(x'))` in the float64 forward pass.
    public var logits: [Double]
    /// `y_c - max_{j != c} y_j` at `x'` (float64; `<= 0` means misclassified there).
    public var margin: Double
    /// The class of `x'` in exact arithmetic; nil for a tie (then ``tiedClasses``) or when
    /// undecided (tanh/sigmoid networks within their error bound of a tie).
    public var predictedClass: Int?
    /// The classes tied for the top output at `x'` in exact arithmetic.
    public var tiedClasses: [Int]?
    /// Where the point came from (`center`, `attack` or `smt` in the file).
    public var source: CounterexampleSource
    /// The exact check confirms the violation (what NOT ROBUST rests on).
    public var confirmed: Bool?
    /// The float64 forward pass is unsafe at `x'` (a tie counts).
    public var confirmedInFloat: Bool
    /// `C(G(x'))` in the float32 forward pass (``NeuralNetwork/evaluateFloat32(_:)``), widened.
    public var float32Logits: [Double]?
    /// The float32 pass's class at `x'`; nil for a float32 tie.
    public var float32PredictedClass: Int?
    /// float32 and float64 disagree on the class or on misclassification at `x'`.
    public var float32Disagrees: Bool?
    /// Z3's exact rational noise (`p/q` strings) when the point came from a model.
    public var exactNoise: [String]?

    enum CodingKeys: String, CodingKey {
        case noise, logits, margin, source, confirmed
        case predictedClass = "predicted_class"
        case tiedClasses = "tied_classes"
        case confirmedInFloat = "confirmed_in_float"
        case float32Logits = "float32_logits"
        case float32PredictedClass = "float32_predicted_class"
        case float32Disagrees = "float32_disagrees"
        case exactNoise = "exact_noise"
    }
}

/// One sample's record (one JSON line of a results file).
public struct SampleRecord: Sendable, Hashable, Codable {
    public var kind = "sample"
    /// The experiment hash (``LoadedExperiment/hash``).
    public var experiment: String
    /// Global sample index (see ``SampleSchedule``).
    public var index: Int
    public var classIndex: Int
    /// Index of the sample within its class (the noise counter).
    public var sample: Int
    /// The noise `x` at the centre of the box. An archive's record leaves it out (empty while
    /// decoded; ``ResultsFile/read(_:)`` puts the generated noise back, ``OmittedNoises``).
    public var noise: [Double]
    public var verdict: SampleVerdict
    /// ROBUST: how it was proved; NOT ROBUST: the counterexample's source.
    public var method: SampleMethod?
    /// UNKNOWN: why (``UnknownReason/description`` of the solver's reason).
    public var reason: String?
    /// UNKNOWN: which limit ended the query (an ``UnknownLimit`` raw value: `nodes`, `rlimit`,
    /// `time`, `disabled`, `inexact`, `interrupted`, `other`).
    public var limit: String?
    /// The pipeline step that decided (nil for UNKNOWN).
    public var decidedBy: PipelineStep?
    /// Wall time of the query.
    public var seconds: Double
    public var steps: [SampleStep]
    /// `C(G(x))` at the centre.
    public var centerLogits: [Double]
    /// `y_c - max_{j != c} y_j` at the centre (float).
    public var centerMargin: Double
    /// A sound lower bound of the margin over the whole box from the root bounds (nil when no
    /// bound step ran); positive means the bounds alone prove robustness.
    public var marginLowerBound: Double?
    public var nodes: Int
    public var smtLeaves: Int
    /// False when the network has tanh/sigmoid layers (sound, but no exactness claim).
    public var exact: Bool
    public var counterexample: SampleCounterexample?

    enum CodingKeys: String, CodingKey {
        case kind, experiment, index, sample, noise, verdict, method, reason, limit, seconds, steps, nodes, exact, counterexample
        case classIndex = "class"
        case decidedBy = "decided_by"
        case centerLogits = "center_logits"
        case centerMargin = "center_margin"
        case marginLowerBound = "margin_lower_bound"
        case smtLeaves = "smt_leaves"
    }

    /// The record without anything that depends on timing: what must be identical for any
    /// number of workers, any sharding and any resume.
    public var deterministicPart: String {
        let cx = counterexample.map {
            "\($0.noise) \($0.logits) \($0.source.rawValue) \($0.confirmedInFloat) \($0.confirmed.map(String.init) ?? "-") \($0.predictedClass.map(String.init) ?? "-") \($0.float32Logits.map { "\($0)" } ?? "-")"
        } ?? "-"
        return "\(index) \(classIndex) \(sample) \(noise) \(verdict.rawValue) \(method?.rawValue ?? "-") \(limit ?? "-") \(cx)"
    }
}

extension SampleRecord {
    /// `y_c - max_{j != c} y_j`; `-inf` for a single-output network... never used: classes >= 2.
    static func margin(_ logits: [Double], trueClass: Int) -> Double {
        var best = -Double.infinity
        for (j, y) in logits.enumerated() where j != trueClass { best = max(best, y) }
        return logits[trueClass] - best
    }

    /// The record of sample `sample` of class `classIndex` from its query result.
    init(experiment: String, index: Int, classIndex: Int, sample: Int, noise: [Double],
         centerLogits: [Double], result: QueryResult) {
        self.experiment = experiment
        self.index = index
        self.classIndex = classIndex
        self.sample = sample
        self.noise = noise
        self.seconds = result.seconds
        self.steps = result.steps.map { SampleStep(step: $0.name, seconds: $0.seconds, decided: $0.decided) }
        self.decidedBy = result.steps.last(where: \.decided)?.name
        self.centerLogits = centerLogits
        self.centerMargin = Self.margin(centerLogits, trueClass: classIndex)
        // Every atom of misclassification(c) is y_c - y_j; the margin is their minimum.
        let bound = result.rootAtomLowerBounds.min()
        self.marginLowerBound = bound.flatMap { $0.isFinite ? $0 : nil }
        self.nodes = result.statistics.nodes
        self.smtLeaves = result.statistics.smtLeaves
        self.exact = result.exact
        switch result.verdict {
        case .holds(let proof):
            verdict = .robust
            method = SampleMethod(proof)
        case .violated(let counterexample), .violatedUnconfirmed(let counterexample):
            if case .violated = result.verdict { verdict = .notRobust } else { verdict = .notRobustUnconfirmed }
            method = SampleMethod(counterexample.source)
            let exactClass = counterexample.classification.classification
            var tied: [Int]?
            if case .tie(let classes) = exactClass { tied = classes }
            self.counterexample = SampleCounterexample(
                noise: counterexample.input, logits: counterexample.outputs,
                margin: Self.margin(counterexample.outputs, trueClass: classIndex),
                predictedClass: exactClass?.classIndex, tiedClasses: tied, source: counterexample.source,
                confirmed: counterexample.isConfirmed, confirmedInFloat: counterexample.isConfirmedInFloat,
                float32Logits: counterexample.float32Outputs,
                float32PredictedClass: counterexample.float32Classification.classIndex,
                float32Disagrees: counterexample.precisionsDisagree, exactNoise: counterexample.exactInput)
        case .unknown(let why):
            verdict = .unknown
            reason = why.description
            limit = UnknownLimit(why).rawValue
        }
    }

    /// ``limit`` as its enum; nil when absent or a word no build writes.
    public var unknownLimit: UnknownLimit? { limit.flatMap(UnknownLimit.init(rawValue:)) }
}

/// Coding by hand for one reason: an archive's record has no `noise` key.
extension SampleRecord {
    /// Set in an encoder's `userInfo` to `true`, records are written without their noise
    /// (archives, ``OmittedNoises``).
    static let omitsNoise = CodingUserInfoKey(rawValue: "omitsNoise")!

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try c.decode(String.self, forKey: .kind)
        experiment = try c.decode(String.self, forKey: .experiment)
        index = try c.decode(Int.self, forKey: .index)
        classIndex = try c.decode(Int.self, forKey: .classIndex)
        sample = try c.decode(Int.self, forKey: .sample)
        noise = try c.decodeIfPresent([Double].self, forKey: .noise) ?? []
        verdict = try c.decode(SampleVerdict.self, forKey: .verdict)
        method = try c.decodeIfPresent(SampleMethod.self, forKey: .method)
        reason = try c.decodeIfPresent(String.self, forKey: .reason)
        limit = try c.decodeIfPresent(String.self, forKey: .limit)
        decidedBy = try c.decodeIfPresent(PipelineStep.self, forKey: .decidedBy)
        seconds = try c.decode(Double.self, forKey: .seconds)
        steps = try c.decode([SampleStep].self, forKey: .steps)
        centerLogits = try c.decode([Double].self, forKey: .centerLogits)
        centerMargin = try c.decode(Double.self, forKey: .centerMargin)
        marginLowerBound = try c.decodeIfPresent(Double.self, forKey: .marginLowerBound)
        nodes = try c.decode(Int.self, forKey: .nodes)
        smtLeaves = try c.decode(Int.self, forKey: .smtLeaves)
        exact = try c.decode(Bool.self, forKey: .exact)
        counterexample = try c.decodeIfPresent(SampleCounterexample.self, forKey: .counterexample)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encode(experiment, forKey: .experiment)
        try c.encode(index, forKey: .index)
        try c.encode(classIndex, forKey: .classIndex)
        try c.encode(sample, forKey: .sample)
        if encoder.userInfo[Self.omitsNoise] as? Bool != true { try c.encode(noise, forKey: .noise) }
        try c.encode(verdict, forKey: .verdict)
        try c.encodeIfPresent(method, forKey: .method)
        try c.encodeIfPresent(reason, forKey: .reason)
        try c.encodeIfPresent(limit, forKey: .limit)
        try c.encodeIfPresent(decidedBy, forKey: .decidedBy)
        try c.encode(seconds, forKey: .seconds)
        try c.encode(steps, forKey: .steps)
        try c.encode(centerLogits, forKey: .centerLogits)
        try c.encode(centerMargin, forKey: .centerMargin)
        try c.encodeIfPresent(marginLowerBound, forKey: .marginLowerBound)
        try c.encode(nodes, forKey: .nodes)
        try c.encode(smtLeaves, forKey: .smtLeaves)
        try c.encode(exact, forKey: .exact)
        try c.encodeIfPresent(counterexample, forKey: .counterexample)
    }
}
