import Foundation
import Sampling
import Solver

/// `verify robustness EXPERIMENT --results FILE`: (eps, delta)-global robustness, one exact
/// local robustness query per sample, in parallel, resumable and shardable.
enum RobustnessCommand: Subcommand {
    static let spec = CommandSpec(
        name: "robustness",
        summary: "Global (eps, delta)-robustness: an exact local robustness verdict per sample, then the statistics.",
        positionals: [PositionalSpec(name: "EXPERIMENT", help: "experiment file (JSON)")],
        options: [
            .value("--results", "FILE", "JSON-lines results file, one line per sample (required)"),
            .value("--jobs", "N", "worker threads, one Z3 context each (default: number of cores)"),
            .value("--shard", "I/K", "run only the samples whose global index is I mod K (0 <= I < K)"),
            .flag("--resume", "continue FILE: skip finished samples (same experiment, and the delta, confidence, bound, samples and stop-early its header recorded)"),
            .flag("--quiet", "no progress on stderr"),
            .value("--json", "FILE", "write the summary (every number of the table, step shares, timing) as JSON"),
            .flag("--stop-early", "stop each class at the first deciding look of a sequential test (valid under repeated looks)"),
            SamplingOptions.engineOption,
        ] + SamplingOptions.experimentOptions + SolverOptions.options.filter { $0.name != "--json" }
            + SolverOptions.phaseTuningOptions,
        discussion: """
        Verdicts per sample: robust (proved), not_robust (counterexample confirmed by the float \
        forward pass), not_robust_unconfirmed and unknown (both count as UNKNOWN: a failure for \
        lower bounds, a success for upper bounds). Verdicts are the same for any --jobs, any \
        --shard and after --resume. Ctrl-C or SIGTERM stops the run, keeps every finished sample \
        and prints the command that resumes it. --timeout, --rlimit and --max-nodes override the \
        experiment's time_limit, rlimit and max_nodes, --engine its engine; --input-slopes \
        turns on slope optimisation in the input engine and the --phase-* options tune the phase \
        engine (for ablations); like every solver setting they enter the results identity, so a \
        file resumes only with the same ones. \
        The first run records delta, confidence, bound, samples per class and --stop-early in \
        the header of FILE; --resume with another value is refused (exit code 2): those settings \
        are the claim, and choosing them after seeing samples voids its guarantee. \
        Exit codes: 0 HOLDS, 1 FAILS, 3 INCONCLUSIVE or interrupted, 2 input error.
        """)

    struct Summary: Encodable {
        var command = "robustness"
        var resultsFiles: [String]
        var header: ResultsHeader
        var assessment: ResultsAssessment
        var newSamples: Int?
        var resumedSamples: Int?
        var wallSeconds: Double?
        var samplesPerSecond: Double?
        var jobs: Int?
        var interrupted: Bool
        /// `verify summary` with settings other than the recorded ones: the verdicts carry no
        /// guarantee. Nil (absent) otherwise.
        var exploratory: [StatisticalSettingChange]? = nil

        enum CodingKeys: String, CodingKey {
            case command, header, assessment, jobs, interrupted, exploratory
            case resultsFiles = "results_files"
            case newSamples = "new_samples"
            case resumedSamples = "resumed_samples"
            case wallSeconds = "wall_seconds"
            case samplesPerSecond = "samples_per_second"
        }
    }

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        guard let resultsPath = arguments.value("--results") else {
            throw UsageError(description: "verify robustness: give the results file with --results FILE (JSON lines; --resume continues it)")
        }
        let jobs = try arguments.int("--jobs", minimum: 1) ?? ProcessInfo.processInfo.activeProcessorCount
        var shard = Shard.whole
        if let text = arguments.value("--shard") {
            guard let parsed = Shard(parsing: text) else {
                throw UsageError(description: "verify robustness: --shard expects I/K with 0 <= I < K, such as 0/4, got '\(text)'")
            }
            shard = parsed
        }
        let stopEarly = arguments.flag("--stop-early") ? StopEarlySchedule() : nil
        if stopEarly != nil && shard.count > 1 {
            throw UsageError(description: "verify robustness: --stop-early needs every sample of a class in one run; drop --shard (or drop --stop-early and merge the shards)")
        }
        var solverBase = try SolverOptions.configuration(arguments)
        try SolverOptions.phaseTuning(arguments, &solverBase)
        var experiment = try SamplingOptions.experiment(arguments)
        if arguments.value("--timeout") != nil { experiment.timeLimit = solverBase.limits.timeLimit }
        if arguments.value("--rlimit") != nil { experiment.smtResourceLimit = solverBase.limits.smtResourceLimit }
        if arguments.value("--max-nodes") != nil { experiment.maxNodes = solverBase.limits.maxNodes }
        if let engine = try SamplingOptions.engine(arguments) { experiment.engine = engine }
        solverBase.limits.timeLimit = experiment.timeLimit
        let loaded = try LoadedExperiment(experiment, noisesFile: arguments.value("--noises"), solverBase: solverBase)

        let options = RobustnessRunOptions(resultsPath: resultsPath, jobs: jobs, shard: shard,
                                           resume: arguments.flag("--resume"), stopEarly: stopEarly)
        let cancellation = RunCancellation()
        let reporter = ProgressReporter.standardError()
        let quiet = arguments.flag("--quiet")
        let signals = installSignalHandlers(cancellation)
        defer { signals.forEach { $0.cancel() } }

        let outcome = try RobustnessRunner.run(loaded, options: options, cancellation: cancellation) { progress in
            if !quiet { reporter.update(progress) }
        }
        reporter.endLine()
        if outcome.discardedPartialLine {
            printError("note: \(resultsPath) ended in a partially written line; it was discarded and its sample recomputed")
        }
        let rate = outcome.elapsed > 0 ? Double(outcome.newSamples) / outcome.elapsed : 0
        print(StatisticsTable.robustness(outcome.assessment, eps: loaded.experiment.eps))
        print("")
        print(stepsLine(outcome.assessment))
        print("run: \(outcome.newSamples) new samples (\(outcome.resumedSamples) resumed) in \(format(outcome.elapsed, digits: 4)) s with \(jobs) job\(jobs == 1 ? "" : "s"), \(format(rate, digits: 4)) samples/s; results in \(resultsPath)")
        if let path = arguments.value("--json") {
            try SamplingOptions.writeJSON(Summary(resultsFiles: [resultsPath], header: outcome.header, assessment: outcome.assessment,
                                                  newSamples: outcome.newSamples, resumedSamples: outcome.resumedSamples,
                                                  wallSeconds: outcome.elapsed, samplesPerSecond: rate, jobs: jobs,
                                                  interrupted: outcome.interrupted), to: path)
        }
        if outcome.interrupted {
            printError("interrupted: \(outcome.records.count) finished samples are in \(resultsPath); the statistics above cover the finished part and carry no guarantee until every planned sample is in")
            printError("resume with: \(resumeCommand())")
            return .unknown
        }
        if shard.count > 1 {
            print("note: this is shard \(shard) only; join the shards with 'verify merge OUT SHARD...' for the claim over all samples")
        }
        return SamplingOptions.exitCode(outcome.assessment.verdict)
    }

    /// `decided by: linear 950, split 40, ...; unknown limits: ...`.
    static func stepsLine(_ assessment: ResultsAssessment) -> String {
        let total = max(assessment.decidedBy.values.reduce(0, +), 1)
        let order = ["center", "attack", "interval", "linear", "split", "smt", "undecided"]
        let keys = assessment.decidedBy.keys.sorted { (order.firstIndex(of: $0) ?? 99, $0) < (order.firstIndex(of: $1) ?? 99, $1) }
        var text = "decided by: " + keys.map { key in
            let count = assessment.decidedBy[key]!
            return "\(key) \(count) (\(format(100 * Double(count) / Double(total), digits: 3))%)"
        }.joined(separator: ", ")
        if !assessment.unknownLimits.isEmpty {
            text += "; unknown ended by: " + assessment.unknownLimits.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        }
        text += "; query time \(format(assessment.querySeconds, digits: 4)) s"
        return text
    }

    /// The command line that continues this run.
    static func resumeCommand() -> String {
        var words = CommandLine.arguments
        if !words.contains("--resume") { words.append("--resume") }
        return words.map { word in
            word.allSatisfy({ $0.isLetter || $0.isNumber || "-_./=,:".contains($0) }) ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }.joined(separator: " ")
    }

    /// SIGINT / SIGTERM: the first one cancels the run gracefully; a second one exits at once.
    static func installSignalHandlers(_ cancellation: RunCancellation) -> [DispatchSourceSignal] {
        [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                if cancellation.isCancelled { exit(130) }
                printError("\n\(number == SIGINT ? "SIGINT" : "SIGTERM"): stopping; finished samples are kept (signal again to quit at once)")
                cancellation.cancel()
            }
            source.resume()
            return source
        }
    }
}
