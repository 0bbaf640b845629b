import Foundation
import Network
import Sampling

/// `verify correctness EXPERIMENT`: delta-correctness from batched forward passes.
enum CorrectnessCommand: Subcommand {
    static let spec = CommandSpec(
        name: "correctness",
        summary: "Global delta-correctness of C∘G_c per class from batched forward passes, with confusion counts.",
        positionals: [PositionalSpec(name: "EXPERIMENT", help: "experiment file (JSON)")],
        options: SamplingOptions.experimentOptions + [
            .value("--json", "FILE", "write the summary (counts, confusion, bounds, verdicts, every misclassified sample) as JSON"),
            .value("--jobs", "N", "worker threads (default: number of cores); the counts do not depend on it"),
        ],
        discussion: """
        A sample is correct when the true class's logit is strictly the largest (a tie counts as \
        a misclassification). The noises are those of 'verify robustness' (same seed, class, index). \
        Exit codes: 0 HOLDS, 1 FAILS, 3 INCONCLUSIVE, 2 input error.
        """)

    /// Misclassified sample indices printed per class (`--json` lists them all).
    static let listedSamples = 8

    struct Summary: Encodable {
        var command = "correctness"
        var experimentFile: String?
        var experiment: String
        var report: CorrectnessReport

        enum CodingKeys: String, CodingKey {
            case command, experiment, report
            case experimentFile = "experiment_file"
        }
    }

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let loaded = try SamplingOptions.load(arguments)
        let jobs = try arguments.int("--jobs", minimum: 1) ?? ProcessInfo.processInfo.activeProcessorCount
        let report = CorrectnessEvaluator.run(loaded, workers: jobs)
        let assessment = report.assessment
        var lines = StatisticsTable.header(
            what: "correctness", configuration: assessment.configuration,
            classCount: assessment.classes.count, perClassLevel: assessment.perClassLevel)
        lines.append("the \(assessment.configuration.method.rawValue) bound decides; \(report.samplesPerClass) samples per class in \(format(report.seconds, digits: 3)) s")
        lines.append("")
        var rows: [[String]] = []
        for (entry, classAssessment) in zip(report.classes, assessment.classes) {
            let n = entry.samples
            let wrong = n - entry.correct
            rows.append(["\(entry.classIndex)", "\(n)", "\(entry.correct)", "\(wrong)",
                         StatisticsTable.number(Double(entry.correct) / Double(max(n, 1))),
                         StatisticsTable.number(classAssessment.hoeffding.lower),
                         StatisticsTable.interval(classAssessment.clopperPearson),
                         StatisticsTable.verdictText(classAssessment.verdict, further: classAssessment.furtherSamples)])
        }
        let total = assessment.totalCounts
        rows.append(["all", "\(total.n)", "\(total.robust)", "\(total.notRobust)",
                     StatisticsTable.number(Double(total.robust) / Double(max(total.n, 1))), "", "", assessment.verdict.rawValue])
        lines += StatisticsTable.table(["class", "n", "correct", "wrong", "p-hat", "Hoeffding lower", "Clopper-Pearson", "verdict"], rows)
        lines.append("")
        lines.append("confusion (misclassified samples by predicted class):")
        var anyWrong = false
        for entry in report.classes where entry.correct < entry.samples {
            anyWrong = true
            let targets = entry.confusion.enumerated()
                .filter { $0.offset != entry.classIndex && $0.element > 0 }
                .map { "\($0.offset): \($0.element)" }
            var line = "  class \(entry.classIndex) -> " + targets.joined(separator: ", ")
            if entry.ties > 0 { line += " (\(entry.ties) ties with the true class)" }
            let misclassified = entry.misclassified ?? []
            let shown = misclassified.prefix(Self.listedSamples).map { "\($0.index)" }
            let more = misclassified.count > shown.count ? ", ..." : ""
            line += "; samples \(shown.joined(separator: ", "))\(more)"
            lines.append(line)
        }
        if !anyWrong { lines.append("  none") }
        print(lines.joined(separator: "\n"))
        if let path = arguments.value("--json") {
            try SamplingOptions.writeJSON(Summary(experimentFile: loaded.experiment.file, experiment: loaded.hash, report: report), to: path)
        }
        return SamplingOptions.exitCode(assessment.verdict)
    }
}
