import Foundation
import Sampling

/// `verify summary RESULTS...`: the statistics recomputed from results files.
enum SummaryCommand: Subcommand {
    static let spec = CommandSpec(
        name: "summary",
        summary: "Recompute the robustness statistics from results files (one run, shards, or a merged file).",
        positionals: [PositionalSpec(name: "RESULTS", help: "results files of one experiment", variadic: true)],
        options: [
            .value("--delta", "D", "recompute with another delta (exploratory: exit code 4 if it differs from the recorded one)"),
            .value("--confidence", "C", "recompute with another confidence (exploratory: exit code 4 if it differs)"),
            .value("--bound", "B", "recompute with another deciding bound, hoeffding or clopper-pearson (exploratory: exit code 4 if it differs)"),
            .value("--samples", "N", "recompute with another samples per class (exploratory: exit code 4 if it differs)"),
            .value("--json", "FILE", "write the summary as JSON"),
        ],
        discussion: """
        Files must share the experiment hash and the statistical settings, and not overlap. Per \
        class, the samples 0, 1, 2, ... up to the first missing one are counted (an unfinished \
        run is not biased toward easy samples). A file written with --stop-early is assessed \
        with the same sequential test. The verdicts carry the confidence guarantee only with the \
        settings recorded in the results header at the first run: --delta, --confidence, \
        --bound or --samples with another value recompute them for exploration, print \
        EXPLORATORY, and exit with code 4 whatever the verdict; so does an unfinished \
        fixed-size run (a class with fewer counted samples than planned), whose verdicts hold \
        only once every planned sample is in (--stop-early runs are valid at every look). \
        Exit codes: 0 HOLDS, 1 FAILS, 3 INCONCLUSIVE, 4 exploratory (settings changed after the \
        samples were recorded: no guarantee), 2 input error.
        """)

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let (header, records, partial) = try ResultsMerge.join(arguments.positionals)
        for path in partial { printError("note: \(path) ends in a partially written line; it is not counted") }
        var requested = header
        if let value = try arguments.double("--delta") {
            guard value > 0, value < 1 else { throw UsageError(description: "verify summary: --delta must lie in (0, 1), got \(value)") }
            requested.delta = value
        }
        if let value = try arguments.double("--confidence") {
            guard value > 0, value < 1 else { throw UsageError(description: "verify summary: --confidence must lie in (0, 1), got \(value)") }
            requested.confidence = value
        }
        if let value = try arguments.parsed("--bound", as: "hoeffding or clopper-pearson", { ConfidenceBoundMethod(rawValue: $0) }) {
            requested.bound = value
        }
        if let value = try arguments.int("--samples", minimum: 1) { requested.samplesPerClass = value }
        let changes = header.statisticalChanges(requested: requested)
        let shard = header.shard.flatMap { Shard(parsing: $0) } ?? .whole
        let assessment = ResultsAssessment(records: records, classes: header.classes, samplesPerClass: requested.samplesPerClass,
                                           configuration: requested.statistics, stopEarly: header.stopEarly, shard: shard)
        print("experiment \(header.experiment.prefix(12)) (\(header.experimentFile ?? "?")), \(records.count) records from \(arguments.positionals.count) file\(arguments.positionals.count == 1 ? "" : "s")")
        let warnings = [exploratoryWarning(changes, files: arguments.positionals), unfinishedWarning(assessment)].compactMap { $0 }
        for warning in warnings { print(warning) }
        print(StatisticsTable.robustness(assessment, eps: header.eps))
        print("")
        print(RobustnessCommand.stepsLine(assessment))
        for warning in warnings { printError(warning) }
        if let path = arguments.value("--json") {
            try SamplingOptions.writeJSON(RobustnessCommand.Summary(resultsFiles: arguments.positionals, header: header, assessment: assessment,
                                                                    interrupted: false, exploratory: changes.isEmpty ? nil : changes), to: path)
        }
        return warnings.isEmpty ? SamplingOptions.exitCode(assessment.verdict) : .exploratory
    }

    /// The line that says an unfinished fixed-size run carries no guarantee yet; nil when
    /// every class has its planned samples (or the run stops early by a sequential test).
    static func unfinishedWarning(_ assessment: ResultsAssessment) -> String? {
        let unfinished = assessment.unfinishedClasses
        guard !unfinished.isEmpty else { return nil }
        let list = unfinished.map { "class \($0.classIndex) \($0.counts.n) of \($0.planned)" }.joined(separator: ", ")
        return "EXPLORATORY: unfinished run (\(list) planned samples counted): a verdict before the planned sample size "
            + "does NOT carry the stated statistical guarantee (stopping when a look is favourable is optional stopping); "
            + "finish the run with --resume, or run with --stop-early (exit code 4)"
    }

    /// The line that says the verdicts carry no guarantee; nil when nothing was changed.
    static func exploratoryWarning(_ changes: [StatisticalSettingChange], files: [String]) -> String? {
        guard !changes.isEmpty else { return nil }
        let list = changes.map { "\($0.setting) \($0.requested) instead of the recorded \($0.recorded)" }.joined(separator: ", ")
        return "EXPLORATORY: \(list) (\(files.joined(separator: ", "))): settings chosen after seeing the samples; "
            + "these verdicts do NOT carry the stated statistical guarantee (exit code 4)"
    }
}
