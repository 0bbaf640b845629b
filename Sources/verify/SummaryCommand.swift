import Foundation
import Sampling

/// `verify summary RESULTS...`: the statistics recomputed from results files.
enum SummaryCommand: Subcommand {
    static let spec = CommandSpec(
        name: "summary",
        summary: "Recompute the robustness statistics from results files (one run, shards, or a merged file).",
        positionals: [PositionalSpec(name: "RESULTS", help: "results files of one experiment", variadic: true)],
        options: [
            .value("--delta", "D", "override the delta of the results header"),
            .value("--confidence", "C", "override the confidence of the results header"),
            .value("--bound", "B", "override the deciding bound: hoeffding or clopper-pearson"),
            .value("--samples", "N", "override samples per class (the sample size the claim is about)"),
            .value("--json", "FILE", "write the summary as JSON"),
        ],
        discussion: """
        Files must share the experiment hash and not overlap. Per class, the samples 0, 1, 2, ... \
        up to the first missing one are counted (an unfinished run is not biased toward easy \
        samples). A file written with --stop-early is assessed with the same sequential test. \
        Exit codes: 0 HOLDS, 1 FAILS, 3 INCONCLUSIVE, 2 input error.
        """)

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let (header, records, partial) = try ResultsMerge.join(arguments.positionals)
        for path in partial { printError("note: \(path) ends in a partially written line; it is not counted") }
        var configuration = header.statistics
        if let value = try arguments.double("--delta") {
            guard value > 0, value < 1 else { throw UsageError(description: "verify summary: --delta must lie in (0, 1), got \(value)") }
            configuration.delta = value
        }
        if let value = try arguments.double("--confidence") {
            guard value > 0, value < 1 else { throw UsageError(description: "verify summary: --confidence must lie in (0, 1), got \(value)") }
            configuration.alpha = 1 - value
        }
        if let value = try arguments.parsed("--bound", as: "hoeffding or clopper-pearson", { ConfidenceBoundMethod(rawValue: $0) }) {
            configuration.method = value
        }
        let samples = try arguments.int("--samples", minimum: 1) ?? header.samplesPerClass
        let shard = header.shard.flatMap { Shard(parsing: $0) } ?? .whole
        let assessment = ResultsAssessment(records: records, classes: header.classes, samplesPerClass: samples,
                                           configuration: configuration, stopEarly: header.stopEarly, shard: shard)
        print("experiment \(header.experiment.prefix(12)) (\(header.experimentFile ?? "?")), \(records.count) records from \(arguments.positionals.count) file\(arguments.positionals.count == 1 ? "" : "s")")
        print(StatisticsTable.robustness(assessment, eps: header.eps))
        print("")
        print(RobustnessCommand.stepsLine(assessment))
        if let path = arguments.value("--json") {
            try SamplingOptions.writeJSON(RobustnessCommand.Summary(resultsFiles: arguments.positionals, header: header, assessment: assessment,
                                                                    interrupted: false), to: path)
        }
        return SamplingOptions.exitCode(assessment.verdict)
    }
}
