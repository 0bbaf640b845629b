// Global correctness from batched forward passes: no solver, just many samples.

import Foundation
import Network

/// One misclassified sample of a class: noise `index` of the class (the noise `verify
/// robustness` checks and `verify sample --start` draws at that index), the class it went to
/// (for a tie: the lowest tied class other than the true one), and its float margin
/// `y_c - y_predicted` (`<= 0` up to rounding; nil when not finite), from the float32 batched
/// pass as a float32 runtime computes it (the float64 pass for classes whose float32 bound is
/// too wide to decide, see ``CorrectnessEvaluator/probeSize``).
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
/// bound (``Float32Forward``, prepared once per class), and by the float64 pass with its
/// bound (``Float64Forward``) and the exact pass where the bound does not separate the top
/// outputs (``NeuralNetwork/checkedClassification(_:)``). The noises are those of the robustness run
/// (same seed, class and index).
public enum CorrectnessEvaluator {
    /// Samples per forward-pass batch. `sgemm` may sum in another order for other row counts,
    /// which would move the reported float32 margins in their last bits; 512 rows run at the
    /// same speed on the MNIST examples.
    public static let batchSize = 2048

    /// Samples of each class that decide whether its float32 pass is worth running: when
    /// its bound separates the top output on fewer than half of them (deep, wide networks,
    /// where the worst-case bound grows with every layer), the class starts with the float64
    /// pass.
    public static let probeSize = 256

    /// Runs every class on `workers` threads (one batch of ``batchSize`` samples per task);
    /// the report, except its time, is the same for any number of workers.
    public static func run(_ experiment: LoadedExperiment,
                           workers: Int = ProcessInfo.processInfo.activeProcessorCount) -> CorrectnessReport {
        let started = DispatchTime.now()
        let n = experiment.experiment.samplesPerClass
        let classes = experiment.classes
        // Each class's passes are prepared once (rounded weights, composed bounds, probe), the
        // classes in parallel.
        let prepared = Collected<Programs>(count: classes.count)
        DispatchQueue.concurrentPerform(iterations: min(max(workers, 1), max(classes.count, 1))) { _ in
            while let task = prepared.nextTask() {
                prepared.set(task, Programs(experiment, classIndex: classes[task], probe: min(n, probeSize)))
            }
        }
        let programs = Dictionary(uniqueKeysWithValues: zip(classes, prepared.values.map { $0! }))
        let chunks = (n + batchSize - 1) / batchSize
        let tasks = classes.flatMap { c in (0..<chunks).map { (c, $0) } }
        let collected = Collected<ClassCorrectness>(count: tasks.count)
        DispatchQueue.concurrentPerform(iterations: min(max(workers, 1), max(tasks.count, 1))) { _ in
            let workspaces = Workspaces()
            while let task = collected.nextTask() {
                let (classIndex, chunk) = tasks[task]
                let range = (chunk * batchSize)..<min(n, (chunk + 1) * batchSize)
                collected.set(task, evaluate(experiment, programs: programs[classIndex]!, classIndex: classIndex,
                                             samples: range, workspaces: workspaces))
            }
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

    /// The prepared passes of one class: float64 always, float32 when its bound separates the
    /// top output on at least half of the first `probe` samples.
    struct Programs: Sendable {
        let float32: Float32Forward?
        let float64: Float64Forward

        init(_ experiment: LoadedExperiment, classIndex: Int, probe: Int) {
            let network = experiment.networks[classIndex]!
            float64 = Float64Forward(network)
            let candidate = Float32Forward(network)
            let batch = (0..<probe).flatMap { experiment.noise(classIndex: classIndex, sampleIndex: $0) }
            let workspace = Float32Forward.Workspace()
            candidate.evaluate(batch: batch, count: probe, workspace: workspace)
            let decided = CorrectnessEvaluator.separated(workspace.values, workspace.errors, rows: Array(0..<probe),
                                                         width: network.outputSize).compactMap { $0 }.count
            float32 = 2 * decided >= probe ? candidate : nil
        }
    }

    /// The buffers of one worker.
    final class Workspaces {
        let float32 = Float32Forward.Workspace()
        let float64 = Float64Forward.Workspace()
    }

    /// For each of `rows`, the class that the enclosure `values ± errors` proves (nil where it
    /// does not separate the top output; ``PointEnclosure/separatedClass(values:errors:)``).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func separated<Scalar: ForwardScalar>(_ values: UnsafeBufferPointer<Scalar>, _ errors: UnsafeBufferPointer<Scalar>,
                                                 rows: [Int], width: Int) -> [Int?] {
        rows.indices.map { k in
            let range = (k * width)..<((k + 1) * width)
            return PointEnclosure.separatedClass(values: UnsafeBufferPointer(rebasing: values[range]),
                                                 errors: UnsafeBufferPointer(rebasing: errors[range]))
        }
    }

    /// Counts of class `classIndex` over the samples `samples`, each sample decided by the
    /// first of these that decides it: the batched float32 pass with its sound error bound
    /// (when the class has one, ``Programs``), the batched float64 pass with its bound on the
    /// rest, and ``CheckedClassification/init(enclosure:exact:)`` (the exact pass) on what is
    /// left. The margins of misclassified samples are those of the first pass (float32 where
    /// the class runs it).
    static func evaluate(_ experiment: LoadedExperiment, programs: Programs, classIndex: Int, samples: Range<Int>,
                         workspaces: Workspaces) -> ClassCorrectness {
        let network = experiment.networks[classIndex]!
        let width = network.outputSize, p = network.inputSize
        var batch: [Double] = []
        batch.reserveCapacity(samples.count * p)
        for i in samples { batch += experiment.noise(classIndex: classIndex, sampleIndex: i) }
        func noise(_ row: Int) -> [Double] { Array(batch[(row * p)..<((row + 1) * p)]) }
        var classifications = [Classification?](repeating: nil, count: samples.count)
        var margins: [Double] = []
        var pending = Array(0..<samples.count)
        if let float32 = programs.float32 {
            float32.evaluate(batch: batch, count: samples.count, workspace: workspaces.float32)
            let values = workspaces.float32.values
            margins = values.map(Double.init)
            for (row, c) in zip(pending, separated(values, workspaces.float32.errors, rows: pending, width: width)) {
                if let c { classifications[row] = .class(c) }
            }
            pending = pending.filter { classifications[$0] == nil }
        }
        if !pending.isEmpty {
            programs.float64.evaluate(batch: pending.count == samples.count ? batch : pending.flatMap(noise), count: pending.count,
                                      workspace: workspaces.float64)
            let values = workspaces.float64.values, errors = workspaces.float64.errors
            if margins.isEmpty { margins = Array(values) }
            for (k, row) in pending.enumerated() {
                let range = (k * width)..<((k + 1) * width)
                let enclosure = PointEnclosure(values: Array(values[range]), errors: Array(errors[range]))
                classifications[row] = CheckedClassification(enclosure: enclosure, exact: { network.evaluateExactly(noise(row)) })
                    .classification
            }
        }
        var result = ClassCorrectness(classIndex: classIndex, samples: samples.count, correct: 0,
                                      confusion: [Int](repeating: 0, count: width), ties: 0, undecided: nil, misclassified: nil)
        var misclassified: [MisclassifiedSample] = []
        for row in 0..<samples.count {
            guard let classification = classifications[row] else {
                result.undecided = (result.undecided ?? 0) + 1
                continue
            }
            let (predicted, tie) = prediction(classification, trueClass: classIndex)
            result.confusion[predicted] += 1
            if predicted == classIndex {
                result.correct += 1
            } else {
                let margin = margins[row * width + classIndex] - margins[row * width + predicted]
                misclassified.append(MisclassifiedSample(
                    index: samples.lowerBound + row, predicted: predicted, margin: margin.isFinite ? margin : nil))
            }
            if tie { result.ties += 1 }
        }
        result.misclassified = misclassified
        return result
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

    /// Per-task results written from concurrent workers, and the next task to take (also
    /// the queue of `forward-bench`).
    package final class Collected<Value>: @unchecked Sendable {
        private let lock = NSLock()
        package private(set) var values: [Value?]
        private var taken = 0
        package init(count: Int) { values = Array(repeating: nil, count: count) }
        package func set(_ index: Int, _ value: Value) { lock.lock(); values[index] = value; lock.unlock() }
        /// The next task index, nil when every task is taken.
        package func nextTask() -> Int? {
            lock.lock()
            defer { lock.unlock() }
            guard taken < values.count else { return nil }
            taken += 1
            return taken - 1
        }
    }
}
