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
        EXPLORATORY, and exit with code 4 whatever the verdict. \
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
        let warning = exploratoryWarning(changes, files: arguments.positionals)
        if let warning { print(warning) }
        print(StatisticsTable.robustness(assessment, eps: header.eps))
        print("")
        print(RobustnessCommand.stepsLine(assessment))
        if let warning { printError(warning) }
        if let path = arguments.value("--json") {
            try SamplingOptions.writeJSON(RobustnessCommand.Summary(resultsFiles: arguments.positionals, header: header, assessment: assessment,
                                                                    interrupted: false, exploratory: changes.isEmpty ? nil : changes), to: path)
        }
        return changes.isEmpty ? SamplingOptions.exitCode(assessment.verdict) : .exploratory
    }

    /// The line that says the verdicts carry no guarantee; nil when nothing was changed.
    static func exploratoryWarning(_ changes: [StatisticalSettingChange], files: [String]) -> String? {
        guard !changes.isEmpty else { return nil }
        let list = changes.map { "\($0.setting) \($0.requested) instead of the recorded \($0.recorded)" }.joined(separator: ", ")
        return "EXPLORATORY: \(list) (\(files.joined(separator: ", "))): settings chosen after seeing the samples; "
            + "these verdicts do NOT carry the stated statistical guarantee (exit code 4)"
    }
}
