// Running the exact local robustness query on every sample, in parallel, resumable, sharded.

import Foundation
import Encoding
import Network
import Solver

/// How to run an experiment's robustness samples.
public struct RobustnessRunOptions: Sendable {
    /// The JSON-lines results file.
    public var resultsPath: String
    /// Worker threads, each with its own ``QuerySolver`` (Z3 context).
    public var jobs: Int
    public var shard: Shard
    /// Continue an existing results file (it must belong to the same experiment and shard, and
    /// request the statistical settings its header recorded: ``StatisticalSetting``).
    public var resume: Bool
    /// Stop each class at the first deciding look of this schedule; nil = fixed sample size.
    public var stopEarly: StopEarlySchedule?
    /// Seconds between progress callbacks while nothing finishes.
    public var progressTick: Double

    public init(resultsPath: String, jobs: Int = ProcessInfo.processInfo.activeProcessorCount, shard: Shard = .whole,
                resume: Bool = false, stopEarly: StopEarlySchedule? = nil, progressTick: Double = 0.25) {
        self.resultsPath = resultsPath
        self.jobs = jobs
        self.shard = shard
        self.resume = resume
        self.stopEarly = stopEarly
        self.progressTick = progressTick
    }
}

/// What a run did.
public struct RobustnessRunOutcome: Sendable {
    public var header: ResultsHeader
    /// Every record in the results file (resumed and new), sorted by index.
    public var records: [SampleRecord]
    public var newSamples: Int
    public var resumedSamples: Int
    /// A partially written last line was found in the resumed file and discarded.
    public var discardedPartialLine: Bool
    /// The run was cancelled before every planned sample finished.
    public var interrupted: Bool
    /// Wall time of this invocation.
    public var elapsed: Double
    public var assessment: ResultsAssessment
}

/// Runs the local robustness query of `C ∘ G_c` on the eps-box around each sample's noise,
/// with the property "the class stays c" (``OutputProperty/misclassification(outputCount:trueClass:)``).
///
/// Determinism: a sample's noise depends only on (seed, class, index), each worker owns its
/// own solver, and the verdict-deciding budgets are counts; so every sample gets the same
/// verdict for any number of workers, any shard and any resume (a wall-clock safety net that
/// fires is recorded as `limit: time`). Records are written in index order (a finished
/// sample waits for the samples before it), and after a cancellation every finished sample
/// is flushed.
///
/// With `--stop-early` class `c` stops at the first look of the sequential test that decides
/// it; the look depends only on the verdicts of samples `0 ..< n_k` of `c`, and samples of a
/// stopped class beyond `n_k` are never written, so the file is the same for any `jobs`.
public enum RobustnessRunner {
    public static func run(
        _ experiment: LoadedExperiment, options: RobustnessRunOptions,
        cancellation: RunCancellation = RunCancellation(),
        progress: (RunProgress) -> Void = { _ in }
    ) throws -> RobustnessRunOutcome {
        precondition(options.jobs >= 1, "jobs must be >= 1")
        let started = DispatchTime.now()
        func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9 }
        let header = ResultsHeader(experiment: experiment, stopEarly: options.stopEarly, shard: options.shard)
        let (existing, appender, discarded) = try openResults(options: options, header: header)
        defer { appender.close() }

        let schedule = SampleSchedule(classes: experiment.classes, samplesPerClass: experiment.experiment.samplesPerClass)
        let state = RunState(schedule: schedule, shard: options.shard, done: Set(existing.map(\.index)))
        let statistics = experiment.experiment.statistics
        let tracker = StopEarlyTracker(stopEarly: options.stopEarly, schedule: schedule, statistics: statistics,
                                       existing: existing, state: state)
        let planned = state.plannedCount()
        startWorkers(experiment, count: min(options.jobs, max(planned, 1)), state: state, cancellation: cancellation)

        // This thread collects: finished samples to the file in index order, progress.
        let collector = ResultsCollector(state: state, appender: appender, cancellation: cancellation, tracker: tracker,
                                         existing: existing, planned: planned, elapsed: elapsed)
        try collector.collect(progressTick: options.progressTick, progress: progress)
        let interrupted = cancellation.isCancelled
        progress(collector.snapshot(final: true))

        let written = collector.written
        let all = (existing + written).sorted { $0.index < $1.index }
        let assessment = ResultsAssessment(records: all, classes: experiment.classes, samplesPerClass: schedule.samplesPerClass,
                                           configuration: statistics, stopEarly: options.stopEarly, shard: options.shard)
        return RobustnessRunOutcome(header: header, records: all, newSamples: written.count, resumedSamples: existing.count,
                                    discardedPartialLine: discarded, interrupted: interrupted, elapsed: elapsed(),
                                    assessment: assessment)
    }

    /// Starts `count` worker threads, each with its own solver (and its own `--smt2`
    /// subdirectory when there are several).
    private static func startWorkers(_ experiment: LoadedExperiment, count: Int, state: RunState, cancellation: RunCancellation) {
        state.alive = count
        for worker in 0..<count {
            var configuration = experiment.queryConfiguration
            if let directory = configuration.leaves.smt2Directory, count > 1 {
                let sub = (directory as NSString).appendingPathComponent("worker-\(worker)")
                try? FileManager.default.createDirectory(atPath: sub, withIntermediateDirectories: true)
                configuration.leaves.smt2Directory = sub
            }
            let thread = Thread { [configuration] in
                work(experiment: experiment, configuration: configuration, state: state, cancellation: cancellation)
            }
            thread.stackSize = 1 << 26
            thread.start()
        }
    }

    /// Creates or resumes the results file; returns its records, an appender, and whether a
    /// partial last line was discarded.
    ///
    /// - Throws: ``ExperimentError/statisticsChanged(file:change:)`` when resuming with other
    ///   statistical settings (delta, confidence, bound, samples per class, stop-early) than
    ///   the header recorded at the first run.
    static func openResults(options: RobustnessRunOptions, header: ResultsHeader) throws
        -> ([SampleRecord], ResultsAppender, Bool) {
        let lock = try ResultsLock.acquire(for: options.resultsPath)
        let (records, appender, discarded) = try openLockedResults(options: options, header: header)
        appender.lock = lock
        return (records, appender, discarded)
    }

    /// ``openResults(options:header:)`` once this process holds the file's ``ResultsLock``.
    private static func openLockedResults(options: RobustnessRunOptions, header: ResultsHeader) throws
        -> ([SampleRecord], ResultsAppender, Bool) {
        let path = options.resultsPath
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        guard let size, size > 0 else {
            return ([], try ResultsAppender.create(path: path, header: header), false)
        }
        guard options.resume else {
            throw ExperimentError.invalidResults(
                file: path, place: "file", problem: "already exists",
                fix: "add --resume to continue it, or choose another --results file (or delete it)")
        }
        let file = try ResultsFile.read(path)
        guard !file.isGzipped else {
            throw ExperimentError.invalidResults(
                file: path, place: "file", problem: "is gzip-compressed: it can be summarised, reported and merged, but not resumed",
                fix: "decompress it first (gunzip -c FILE > plain.jsonl) and resume that")
        }
        try checkBelongs(file, to: header)
        if file.header != header {
            // Same experiment and claim, other descriptive fields (e.g. the experiment file's
            // path): keep the samples, record the current header.
            try ResultsFile.write(path, header: header, records: file.records)
            return (file.records, try ResultsAppender(path: path, truncatingTo: nil), file.discardedPartialLine)
        }
        return (file.records, try ResultsAppender(path: path, truncatingTo: file.completeLength), file.discardedPartialLine)
    }

    /// The outcome of a finished results file, read as it is (gzip-compressed or plain) and
    /// never written: the committed results of an experiment, assessed without running it.
    ///
    /// - Throws: ``ExperimentError`` when the file belongs to another experiment, shard or
    ///   claim (as for a resume), or when a class has fewer samples than `experiment` plans.
    public static func finished(_ experiment: LoadedExperiment, resultsPath path: String) throws -> RobustnessRunOutcome {
        let header = ResultsHeader(experiment: experiment, stopEarly: nil, shard: .whole)
        let file = try ResultsFile.read(path)
        try checkBelongs(file, to: header)
        let assessment = ResultsAssessment(records: file.records, classes: experiment.classes,
                                           samplesPerClass: experiment.experiment.samplesPerClass,
                                           configuration: experiment.experiment.statistics, stopEarly: nil, shard: .whole)
        if let unfinished = assessment.unfinishedClasses.first {
            throw ExperimentError.invalidResults(
                file: path, place: "file",
                problem: "is unfinished (class \(unfinished.classIndex): \(unfinished.counts.n) of \(unfinished.planned) samples)",
                fix: file.isGzipped ? "run 'gunzip -k' on it and resume the plain copy" : "resume it")
        }
        return RobustnessRunOutcome(header: file.header, records: file.records, newSamples: 0, resumedSamples: file.records.count,
                                    discardedPartialLine: file.discardedPartialLine, interrupted: false, elapsed: 0,
                                    assessment: assessment)
    }

    /// Refuses `file` unless it was written for `header`'s experiment, shard and statistical
    /// claim (descriptive fields, such as the experiment file's path, may differ).
    private static func checkBelongs(_ file: ResultsFile, to header: ResultsHeader) throws {
        let path = file.path
        guard file.header.experiment == header.experiment else {
            throw ExperimentError.invalidResults(
                file: path, place: "header",
                problem: "was written for a different experiment (hash \(file.header.experiment.prefix(12)), this run \(header.experiment.prefix(12))): \(LoadedExperiment.identityDifference(file.header.identity, header.identity))",
                fix: "resume with the experiment and flags that wrote it, or use another --results file")
        }
        guard file.header.shard == header.shard else {
            throw ExperimentError.invalidResults(
                file: path, place: "header", problem: "holds shard \(file.header.shard ?? "all") but this run is shard \(header.shard ?? "all")",
                fix: "resume with --shard \(file.header.shard ?? "0/1")")
        }
        if let change = file.header.statisticalChanges(requested: header).first {
            throw ExperimentError.statisticsChanged(file: path, change: change)
        }
    }

    /// One worker: takes the next sample, solves it, hands the record over.
    static func work(experiment: LoadedExperiment, configuration: QueryConfiguration, state: RunState, cancellation: RunCancellation) {
        defer { state.workerExited() }
        let solver: QuerySolver
        do {
            solver = try QuerySolver(configuration: configuration)
        } catch {
            state.fail(error)
            cancellation.cancel()
            return
        }
        cancellation.register(solver.interruptHandle)
        while !cancellation.isCancelled, let g = state.next() {
            let (classIndex, sample) = state.schedule.sample(at: g)
            let network = experiment.networks[classIndex]!
            let noise = experiment.noise(classIndex: classIndex, sampleIndex: sample)
            do {
                let box = try Box.linf(center: noise, radius: experiment.experiment.eps)
                let query = SafetyQuery(network: network, box: box,
                                        property: .misclassification(outputCount: experiment.outputCount, trueClass: classIndex))
                let result = solver.solve(query)
                // A query cut short by the cancellation has no verdict: never record it.
                if cancellation.isCancelled { return }
                let record = SampleRecord(experiment: experiment.hash, index: g, classIndex: classIndex, sample: sample,
                                          noise: noise, centerLogits: network.evaluate(noise), result: result)
                state.deliver(record)
                cancellation.sampleFinished()
            } catch {
                state.fail(error)
                cancellation.cancel()
                return
            }
        }
    }
}

/// The state shared by the workers and the collector, under one condition lock.
final class RunState: @unchecked Sendable {
    let schedule: SampleSchedule
    let shard: Shard
    private let done: Set<Int>
    private let condition = NSCondition()
    private var cursor = 0
    private var issuedIndices: [Int] = []
    private var results: [SampleRecord] = []
    private var stops: [Int: Int] = [:]
    private var firstError: Error?
    var alive = 0
    /// Position in `issuedIndices` of the next record to write (collector thread only).
    var writePointer = 0

    init(schedule: SampleSchedule, shard: Shard, done: Set<Int>) {
        self.schedule = schedule
        self.shard = shard
        self.done = done
    }

    private func wanted(_ g: Int) -> Bool {
        guard shard.contains(g), !done.contains(g) else { return false }
        let (classIndex, sample) = schedule.sample(at: g)
        return stops[classIndex].map { sample < $0 } ?? true
    }

    /// The next sample to run, in increasing index order; nil when none is left.
    func next() -> Int? {
        condition.lock(); defer { condition.unlock() }
        while cursor < schedule.count {
            let g = cursor
            cursor += 1
            if wanted(g) { issuedIndices.append(g); return g }
        }
        return nil
    }

    /// Samples this run would run if nothing stops early.
    func plannedCount() -> Int {
        condition.lock(); defer { condition.unlock() }
        return (0..<schedule.count).reduce(0) { $0 + (wanted($1) ? 1 : 0) }
    }

    func issued(at position: Int) -> Int? {
        condition.lock(); defer { condition.unlock() }
        return position < issuedIndices.count ? issuedIndices[position] : nil
    }

    var stopAt: [Int: Int] {
        condition.lock(); defer { condition.unlock() }
        return stops
    }

    func stop(_ classIndex: Int, at size: Int) {
        condition.lock(); stops[classIndex] = size; condition.unlock()
    }

    func deliver(_ record: SampleRecord) {
        condition.lock()
        results.append(record)
        condition.signal()
        condition.unlock()
    }

    func fail(_ error: Error) {
        condition.lock()
        if firstError == nil { firstError = error }
        condition.unlock()
    }

    var error: Error? {
        condition.lock(); defer { condition.unlock() }
        return firstError
    }

    func workerExited() {
        condition.lock()
        alive -= 1
        condition.signal()
        condition.unlock()
    }

    /// Waits up to `timeout` for finished records; returns them and whether workers still run.
    func waitForResults(timeout: Double) -> ([SampleRecord], Bool) {
        condition.lock(); defer { condition.unlock() }
        if results.isEmpty && alive > 0 {
            _ = condition.wait(until: Date().addingTimeInterval(timeout))
        }
        let batch = results
        results.removeAll()
        return (batch, alive > 0)
    }
}
