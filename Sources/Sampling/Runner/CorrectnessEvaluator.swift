// Global correctness from batched forward passes: no solver, just many samples.

import Foundation
import Network

/// One misclassified sample of a class: noise `index` of the class (the noise `verify
/// robustness` checks and `verify sample --start` draws at that index), the class it went to,
/// and its float margin `y_c - y_predicted` (`<= 0`; nil when not finite).
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
    /// Misclassified samples where the true class tied with the top class (counted as wrong).
    public var ties: Int
    /// Every misclassified sample, in index order (the correct ones are the other indices);
    /// nil where a summary leaves them out (the cells of `verify table`).
    public var misclassified: [MisclassifiedSample]?

    enum CodingKeys: String, CodingKey {
        case samples, correct, confusion, ties, misclassified
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
/// A sample is correct when `y_c > y_j` for every `j != c` (strictly: a tie, or a NaN,
/// counts as a misclassification, as in the robustness property). The noises are those of
/// the robustness run (same seed, class and index), evaluated in batches.
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
                confusion: [Int](repeating: 0, count: experiment.outputCount), ties: 0, misclassified: [])
            entry.samples += part!.samples
            entry.correct += part!.correct
            entry.ties += part!.ties
            // The chunks of a class come in index order.
            entry.misclassified = (entry.misclassified ?? []) + (part!.misclassified ?? [])
            for j in entry.confusion.indices { entry.confusion[j] += part!.confusion[j] }
            byClass[classIndex] = entry
        }
        let entries = classes.map { byClass[$0]! }
        var counts: [Int: VerdictCounts] = [:]
        for entry in entries {
            counts[entry.classIndex] = VerdictCounts(robust: entry.correct, notRobust: entry.samples - entry.correct)
        }
        let assessment = GlobalAssessment(counts: counts, configuration: experiment.experiment.statistics)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        return CorrectnessReport(samplesPerClass: n, classes: entries, assessment: assessment, seconds: seconds)
    }

    /// Counts of class `classIndex` over the samples `samples` (one batched forward pass).
    static func evaluate(_ experiment: LoadedExperiment, classIndex: Int, samples: Range<Int>) -> ClassCorrectness {
        let network = experiment.networks[classIndex]!
        var batch: [Double] = []
        batch.reserveCapacity(samples.count * network.inputSize)
        for i in samples { batch += experiment.noise(classIndex: classIndex, sampleIndex: i) }
        let outputs = network.evaluate(batch: batch, count: samples.count)
        let width = network.outputSize
        var result = ClassCorrectness(classIndex: classIndex, samples: samples.count, correct: 0,
                                      confusion: [Int](repeating: 0, count: width), ties: 0, misclassified: nil)
        var misclassified: [MisclassifiedSample] = []
        outputs.withUnsafeBufferPointer { y in
            for row in 0..<samples.count {
                let logits = Array(y[(row * width)..<((row + 1) * width)])
                let (predicted, tie) = prediction(logits, trueClass: classIndex)
                result.confusion[predicted] += 1
                if predicted == classIndex {
                    result.correct += 1
                } else {
                    let margin = logits[classIndex] - logits[predicted]
                    misclassified.append(MisclassifiedSample(
                        index: samples.lowerBound + row, predicted: predicted, margin: margin.isFinite ? margin : nil))
                }
                if tie { result.ties += 1 }
            }
        }
        result.misclassified = misclassified
        return result
    }

    /// The predicted class for the confusion counts and whether the true class tied:
    /// the true class if `y_c > y_j` for all `j != c`; otherwise the lowest-index class
    /// other than `c` with the largest logit.
    public static func prediction(_ logits: [Double], trueClass c: Int) -> (predicted: Int, tie: Bool) {
        var best = -1
        for j in logits.indices where j != c {
            if best < 0 || logits[j] > logits[best] || (logits[best].isNaN && !logits[j].isNaN) { best = j }
        }
        guard best >= 0 else { return (c, false) }
        if logits[c] > logits[best] { return (c, false) }
        return (best, logits[c] == logits[best])
    }

    /// Per-task results written from concurrent tasks.
    final class Collected: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var values: [ClassCorrectness?]
        init(count: Int) { values = Array(repeating: nil, count: count) }
        func set(_ index: Int, _ value: ClassCorrectness) { lock.lock(); values[index] = value; lock.unlock() }
    }
}
