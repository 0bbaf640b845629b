// Global correctness from batched forward passes: no solver, just many samples.

import Foundation
import Network

/// One misclassified sample of a class: noise `index` of the class (the noise `verify
/// robustness` checks and `verify sample --start` draws at that index), the class it went to
/// (for a tie: the lowest tied class other than the true one), and its float margin
/// `y_c - y_predicted` (`<= 0` up to rounding; nil when not finite), from the float32 batched
/// pass as a float32 runtime computes it (the float64 pass for tanh, sigmoid and
/// enclosed-scale networks).
public struct MisclassifiedSample: Sendable, Hashable, Codable {
    public var index: Int
    public var predicted: Int
    public var margin: Double?

    public init(index: Int, predicted: Int, margin: Double?) {
        self.index = index
        self.predicted = predicted
        self.margin = margin
    }
}

/// The correctness counts of one class.
public struct ClassCorrectness: Sendable, Hashable, Codable {
    public var classIndex: Int
    public var samples: Int
    public var correct: Int
    /// `confusion[j]`: samples of this class whose prediction is `j` (the class itself for
    /// correct samples; a tie with the true class goes to the other tied class).
    public var confusion: [Int]
    /// Misclassified samples where the true class tied with the top class in exact
    /// arithmetic (counted as wrong).
    public var ties: Int
    /// Samples of a tanh/sigmoid network whose sound error bound could not decide between the
    /// true class and a tie (counted as UNKNOWN; nil when none). In neither ``correct`` nor
    /// ``confusion``.
    public var undecided: Int?
    /// Every misclassified sample, in index order (the correct ones are the other indices);
    /// nil where a summary leaves them out (the cells of `verify table`).
    public var misclassified: [MisclassifiedSample]?

    enum CodingKeys: String, CodingKey {
        case samples, correct, confusion, ties, misclassified, undecided
        case classIndex = "class"
    }
}

/// The result of a correctness run: counts, confusion and the statistical verdict.
public struct CorrectnessReport: Sendable, Codable {
    public var samplesPerClass: Int
    public var classes: [ClassCorrectness]
    /// `robust` = correctly classified, `notRobust` = misclassified (no unknowns).
    public var assessment: GlobalAssessment
    public var seconds: Double
}

/// Delta-correctness of `C ∘ G_c`: for every class, `P_x(argmax C(G_c(x)) = c) >= 1 - delta`.
///
/// A sample is correct when it is classified as `c` (``Classification``: `y_c > y_j` for every
/// `j != c` strictly, in exact arithmetic; a tie, or a NaN, counts as a misclassification, as
/// in the robustness property). Each sample is decided by the float32 pass with a sound error
/// bound, and by the float64 and exact passes where the bound does not separate the top outputs
/// (``NeuralNetwork/checkedClassification(_:)``). The noises are those of the robustness run
/// (same seed, class and index).
public enum CorrectnessEvaluator {
    /// Samples per forward-pass batch.
    public static let batchSize = 2048

    public static func run(_ experiment: LoadedExperiment) -> CorrectnessReport {
        let started = DispatchTime.now()
        let n = experiment.experiment.samplesPerClass
        let classes = experiment.classes
        let chunks = (n + batchSize - 1) / batchSize
        let tasks = classes.flatMap { c in (0..<chunks).map { (c, $0) } }
        let collected = Collected(count: tasks.count)
        DispatchQueue.concurrentPerform(iterations: tasks.count) { task in
            let (classIndex, chunk) = tasks[task]
            let range = (chunk * batchSize)..<min(n, (chunk + 1) * batchSize)
            collected.set(task, evaluate(experiment, classIndex: classIndex, samples: range))
        }
        var byClass: [Int: ClassCorrectness] = [:]
        for (task, part) in zip(tasks, collected.values) {
            let classIndex = task.0
            var entry = byClass[classIndex] ?? ClassCorrectness(
                classIndex: classIndex, samples: 0, correct: 0,
                confusion: [Int](repeating: 0, count: experiment.outputCount), ties: 0, undecided: nil, misclassified: [])
            entry.samples += part!.samples
            entry.correct += part!.correct
            entry.ties += part!.ties
            if let undecided = part!.undecided { entry.undecided = (entry.undecided ?? 0) + undecided }
            // The chunks of a class come in index order.
            entry.misclassified = (entry.misclassified ?? []) + (part!.misclassified ?? [])
            for j in entry.confusion.indices { entry.confusion[j] += part!.confusion[j] }
            byClass[classIndex] = entry
        }
        let entries = classes.map { byClass[$0]! }
        var counts: [Int: VerdictCounts] = [:]
        for entry in entries {
            let unknown = entry.undecided ?? 0
            counts[entry.classIndex] = VerdictCounts(robust: entry.correct, notRobust: entry.samples - entry.correct - unknown,
                                                     unknown: unknown)
        }
        let assessment = GlobalAssessment(counts: counts, configuration: experiment.experiment.statistics)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        return CorrectnessReport(samplesPerClass: n, classes: entries, assessment: assessment, seconds: seconds)
    }

    /// Counts of class `classIndex` over the samples `samples`: one batched float32 forward pass
    /// with its sound error bound (``NeuralNetwork/enclosureFloat32(batch:count:)``), then for
    /// the samples whose bound does not separate the top outputs the float64 enclosure and the
    /// exact pass (``NeuralNetwork/checkedClassification(_:)``). Networks without a float32
    /// bound (tanh, sigmoid, enclosed scales) take the batched float64 enclosure
    /// (``NeuralNetwork/enclosure(batch:count:)``) and the exact pass. The margins of
    /// misclassified samples are those of the first pass (float32 where it exists).
    static func evaluate(_ experiment: LoadedExperiment, classIndex: Int, samples: Range<Int>) -> ClassCorrectness {
        let network = experiment.networks[classIndex]!
        let width = network.outputSize
        var batch: [Double] = []
        batch.reserveCapacity(samples.count * network.inputSize)
        for i in samples { batch += experiment.noise(classIndex: classIndex, sampleIndex: i) }
        let float32 = network.enclosureFloat32(batch: batch, count: samples.count)
        let (values, errors) = float32.map { ($0.values.map(Double.init), $0.errors.map(Double.init)) }
            ?? network.enclosure(batch: batch, count: samples.count)
        let checks = decide(network, batch: batch, values: values, errors: errors, float64Pending: float32 != nil)
        var result = ClassCorrectness(classIndex: classIndex, samples: samples.count, correct: 0,
                                      confusion: [Int](repeating: 0, count: width), ties: 0, undecided: nil, misclassified: nil)
        var misclassified: [MisclassifiedSample] = []
        for row in 0..<samples.count {
            let checked = checks[row]
            guard let classification = checked.classification else {
                result.undecided = (result.undecided ?? 0) + 1
                continue
            }
            let (predicted, tie) = prediction(classification, trueClass: classIndex)
            result.confusion[predicted] += 1
            if predicted == classIndex {
                result.correct += 1
            } else {
                let margin = values[row * width + classIndex] - values[row * width + predicted]
                misclassified.append(MisclassifiedSample(
                    index: samples.lowerBound + row, predicted: predicted, margin: margin.isFinite ? margin : nil))
            }
            if tie { result.ties += 1 }
        }
        result.misclassified = misclassified
        return result
    }

    /// The classification of every row of `batch` from its enclosure `values ± errors`, and
    /// where that bound does not separate the top outputs: with `float64Pending` (the first
    /// enclosure is float32) from one batched float64 enclosure of those rows, then the exact
    /// pass; otherwise from the exact pass directly.
    static func decide(_ network: NeuralNetwork, batch: [Double], values: [Double], errors: [Double],
                       float64Pending: Bool) -> [CheckedClassification] {
        let width = network.outputSize, p = network.inputSize
        let count = values.count / max(width, 1)
        func noise(_ row: Int) -> [Double] { Array(batch[(row * p)..<((row + 1) * p)]) }
        func enclosure(_ v: [Double], _ e: [Double], _ row: Int) -> PointEnclosure {
            PointEnclosure(values: Array(v[(row * width)..<((row + 1) * width)]), errors: Array(e[(row * width)..<((row + 1) * width)]))
        }
        var checks = (0..<count).map { row in
            CheckedClassification(enclosure: enclosure(values, errors, row), exact: { float64Pending ? nil : network.evaluateExactly(noise(row)) })
        }
        guard float64Pending else { return checks }
        let pending = checks.indices.filter { if case .undecided = checks[$0] { return true } else { return false } }
        guard !pending.isEmpty else { return checks }
        let (v64, e64) = network.enclosure(batch: pending.flatMap(noise), count: pending.count)
        for (k, row) in pending.enumerated() {
            checks[row] = CheckedClassification(enclosure: enclosure(v64, e64, k), exact: { network.evaluateExactly(noise(row)) })
        }
        return checks
    }

    /// The predicted class for the confusion counts and whether the true class tied: the
    /// class itself, or for a tie the lowest tied class other than `c` (a tie without `c`
    /// goes to its lowest class and is no tie of `c`).
    public static func prediction(_ classification: Classification, trueClass c: Int) -> (predicted: Int, tie: Bool) {
        switch classification {
        case .class(let j): return (j, false)
        case .tie(let classes):
            if classes.contains(c) { return (classes.first { $0 != c }!, true) }
            return (classes[0], false)
        }
    }

    /// ``prediction(_:trueClass:)`` of the float values `logits` (strict rule, no error bound).
    public static func prediction(_ logits: [Double], trueClass c: Int) -> (predicted: Int, tie: Bool) {
        prediction(Classification(scores: logits), trueClass: c)
    }

    /// Per-task results written from concurrent tasks.
    final class Collected: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var values: [ClassCorrectness?]
        init(count: Int) { values = Array(repeating: nil, count: count) }
        func set(_ index: Int, _ value: ClassCorrectness) { lock.lock(); values[index] = value; lock.unlock() }
    }
}
