// Evaluating an experiment matrix: global correctness per cell, test accuracy per row.

import Foundation
import Network
import Sampling

/// A proportion `successes / trials` with its two-sided confidence interval.
public struct EstimatedProportion: Sendable, Hashable, Codable {
    public var successes: Int
    public var trials: Int
    public var estimate: Double
    /// Two-sided interval at the matrix's confidence, by its bound method.
    public var interval: ProportionInterval

    public init(successes: Int, trials: Int, alpha: Double, method: ConfidenceBoundMethod) {
        self.successes = successes
        self.trials = trials
        estimate = trials == 0 ? 0 : Double(successes) / Double(trials)
        interval = method.interval(successes: successes, trials: trials, alpha: alpha)
    }
}

/// One cell: classifier `row` against generator family `column`.
public struct CorrectnessCell: Sendable, Codable {
    public var classifier: String
    public var family: String
    /// Correct samples over all classes (the paper's "global correctness" number).
    public var pooled: EstimatedProportion
    /// Per-class counts and the delta-correctness verdict (union bound over classes).
    public var report: CorrectnessReport
    /// The class with the lowest correctness, and that correctness.
    public var worstClass: Int
    public var worstClassCorrectness: Double
    /// Optional: the (eps, delta)-robustness run of this cell (pooled robust fraction; unknown
    /// samples count as failures in `robustLower`).
    public var robustness: RobustnessCell?
}

/// The robustness summary of one cell.
public struct RobustnessCell: Sendable, Codable {
    public var resultsFile: String
    public var eps: Double
    public var counts: VerdictCounts
    /// Two-sided interval on the pooled robust fraction, unknowns counted as not robust (lower)
    /// and as robust (upper), each side from its own count.
    public var robust: ProportionInterval
    public var estimate: Double
    public var verdict: StatisticalVerdict
}

/// The evaluated matrix.
public struct CorrectnessTable: Sendable, Codable {
    public var file: String
    public var classifiers: [String]
    public var families: [String]
    public var confidence: Double
    public var bound: ConfidenceBoundMethod
    public var samplesPerClass: Int
    public var seed: UInt64
    /// `cells[row][column]`.
    public var cells: [[CorrectnessCell]]
    /// Test-set accuracy per classifier (row order); nil without a test set.
    public var testAccuracy: [EstimatedProportion]?
    public var testSet: String?
    public var seconds: Double
}

extension ExperimentMatrix {
    /// Evaluates every cell (batched forward passes, the noises of the cell's experiment) and
    /// the test accuracy of every classifier. `samplesPerClass` overrides the file's value.
    /// `robustness`, when given, runs the exact robustness query on every sample of every cell
    /// (resumable results files in that directory) — see ``RobustnessTableOptions``.
    ///
    /// `progress` gets one line per cell, `ROW x COLUMN: k/n correct`, before the cell's
    /// robustness run starts (and a note when a resumed results file ended in a partially
    /// written line, discarded and recomputed); `robustnessProgress` gets that run's
    /// snapshots with the cell's label `ROW x COLUMN`. When `cancellation` stops a robustness
    /// run before every sample finished, the evaluation ends with ``TableInterruption`` (the
    /// cell's finished samples are in its results file, and running the table again resumes
    /// it): no table is returned that would look complete.
    public func evaluate(samplesPerClass: Int? = nil, robustness: RobustnessTableOptions? = nil,
                         cancellation: RunCancellation = RunCancellation(),
                         progress: (String) -> Void = { _ in },
                         robustnessProgress: (_ cell: String, RunProgress) -> Void = { _, _ in }) throws -> CorrectnessTable {
        let started = DispatchTime.now()
        let first = cells[0][0]
        var testAccuracy: [EstimatedProportion]?
        if let testSet {
            let data = try LabelledDataset.load(images: testSet.images, labels: testSet.labels, pixelScale: testSet.pixelScale)
            testAccuracy = try classifiers.map { entry in
                let classifier = try NetworkFile.load(entry.path)
                return EstimatedProportion(successes: try data.correctCount(of: classifier), trials: data.count,
                                           alpha: first.alpha, method: first.bound)
            }
        }
        var table: [[CorrectnessCell]] = []
        for (row, line) in cells.enumerated() {
            var evaluated: [CorrectnessCell] = []
            for (column, var experiment) in line.enumerated() {
                if let samplesPerClass { experiment.samplesPerClass = samplesPerClass }
                let loaded = try LoadedExperiment(experiment)
                var report = CorrectnessEvaluator.run(loaded)
                // Per-sample lists stay out of the table (`verify correctness --json` on the
                // cell's experiment gives them): a weak cell would add thousands of entries.
                for i in report.classes.indices { report.classes[i].misclassified = nil }
                let correct = report.classes.reduce(0) { $0 + $1.correct }
                let total = report.classes.reduce(0) { $0 + $1.samples }
                let worst = report.classes.min { Double($0.correct) / Double($0.samples) < Double($1.correct) / Double($1.samples) }!
                var cell = CorrectnessCell(
                    classifier: classifiers[row].name, family: families[column].name,
                    pooled: EstimatedProportion(successes: correct, trials: total, alpha: experiment.alpha, method: experiment.bound),
                    report: report, worstClass: worst.classIndex,
                    worstClassCorrectness: Double(worst.correct) / Double(worst.samples), robustness: nil)
                let label = "\(classifiers[row].name) x \(families[column].name)"
                progress("\(label): \(correct)/\(total) correct")
                if let robustness {
                    cell.robustness = try robustness.run(loaded, name: "\(classifiers[row].name)__\(families[column].name)",
                                                         cancellation: cancellation, note: progress) { robustnessProgress(label, $0) }
                }
                evaluated.append(cell)
            }
            table.append(evaluated)
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        return CorrectnessTable(file: file, classifiers: classifiers.map(\.name), families: families.map(\.name),
                                confidence: first.confidence, bound: first.bound,
                                samplesPerClass: samplesPerClass ?? first.samplesPerClass, seed: first.seed,
                                cells: table, testAccuracy: testAccuracy, testSet: testSet?.images, seconds: seconds)
    }
}

/// Settings of the optional robustness column of each cell.
public struct RobustnessTableOptions: Sendable {
    /// Directory of the per-cell results files `ROW__COLUMN.jsonl` (created; resumed when
    /// present). A cell kept only as `ROW__COLUMN.jsonl.gz` is read as it is when it is
    /// finished (``RobustnessRunner/finished(_:resultsPath:)``) and refused when it is not.
    public var directory: String
    /// Samples per class of the robustness runs (usually far fewer than for correctness).
    public var samplesPerClass: Int
    /// Overrides the matrix's eps.
    public var eps: Double?
    /// Overrides the matrix's engine (``Experiment/engine``).
    public var engine: Experiment.Engine?
    public var jobs: Int
    /// Runs each Z3 leaf in a child process (``LeafSettings/leafProcessExecutable``);
    /// not part of the experiment identity, so existing cell files still resume.
    public var leafProcessExecutable: String?

    public init(directory: String, samplesPerClass: Int, eps: Double? = nil, jobs: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.directory = directory
        self.samplesPerClass = samplesPerClass
        self.eps = eps
        self.jobs = jobs
    }

    /// Runs (or resumes, or reads) one cell's robustness results file `name.jsonl`; throws
    /// ``TableInterruption`` when `cancellation` stopped the run early. `note` gets a line when
    /// the resumed file's partially written last line was discarded.
    func run(_ loaded: LoadedExperiment, name: String, cancellation: RunCancellation, note: (String) -> Void,
             progress: (RunProgress) -> Void) throws -> RobustnessCell {
        var experiment = loaded.experiment
        experiment.samplesPerClass = samplesPerClass
        if let eps { experiment.eps = eps }
        if let engine { experiment.engine = engine }
        var solverBase = loaded.queryConfiguration
        solverBase.leaves.leafProcessExecutable = leafProcessExecutable  // leaf isolation
        let cellExperiment = try LoadedExperiment(experiment, solverBase: solverBase)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = (directory as NSString).appendingPathComponent(name + ".jsonl")
        let resume = FileManager.default.fileExists(atPath: path)
        // A cell kept gzipped (as committed results are) is read as it is when finished;
        // an unfinished one is refused rather than started over.
        let compressed = path + ".gz"
        let readsCompressed = !resume && FileManager.default.fileExists(atPath: compressed)
        let outcome = readsCompressed
            ? try RobustnessRunner.finished(cellExperiment, resultsPath: compressed)
            : try RobustnessRunner.run(cellExperiment, options: RobustnessRunOptions(resultsPath: path, jobs: jobs, resume: resume),
                                       cancellation: cancellation, progress: progress)
        if outcome.discardedPartialLine {
            note("note: \(path) ended in a partially written line; it was discarded and its sample recomputed")
        }
        if outcome.interrupted {
            throw TableInterruption(cell: name, resultsFile: path, finishedSamples: outcome.records.count,
                                    plannedSamples: experiment.samplesPerClass * cellExperiment.classes.count)
        }
        let counts = outcome.assessment.totalCounts
        let total = counts.robust + counts.notRobust + counts.unknown
        let alpha = experiment.alpha
        let method = experiment.bound
        let lower = method.lowerBound(successes: counts.robust, trials: total, alpha: alpha / 2)
        let upper = method.upperBound(successes: counts.robust + counts.unknown, trials: total, alpha: alpha / 2)
        return RobustnessCell(resultsFile: readsCompressed ? compressed : path, eps: experiment.eps, counts: counts,
                              robust: ProportionInterval(lower: lower, upper: upper),
                              estimate: total == 0 ? 0 : Double(counts.robust) / Double(total),
                              verdict: outcome.assessment.verdict)
    }
}

/// A table evaluation stopped in the robustness run of one cell (``RunCancellation``, e.g. on
/// SIGINT): the cells before it are finished, this cell's finished samples are in
/// `resultsFile`, and the same `verify table` command resumes it.
public struct TableInterruption: Error, Sendable, Equatable, CustomStringConvertible {
    /// The cell's results file name without extension, `ROW__COLUMN`.
    public var cell: String
    public var resultsFile: String
    public var finishedSamples: Int
    public var plannedSamples: Int

    public var description: String {
        "interrupted in cell \(cell): \(finishedSamples) of \(plannedSamples) samples finished in \(resultsFile); "
            + "no table was written; run the same command again to resume"
    }
}
