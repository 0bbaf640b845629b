import Foundation
import Reporting

/// `verify report RESULTS... --html FILE`: one self-contained HTML report of a robustness run.
enum ReportCommand: Subcommand {
    static let spec = CommandSpec(
        name: "report",
        summary: "Write a self-contained HTML report of a robustness results file.",
        positionals: [PositionalSpec(name: "RESULTS", help: "results files of one experiment (a run, its shards, or a merged file)", variadic: true)],
        options: [
            .value("--html", "FILE", "the HTML file to write (required)"),
            .value("--experiment", "FILE", "experiment file for the pictures (default: the results header's experiment_file)"),
            .value("--gallery", "N", "at most N counterexample pairs in the gallery (default 12; 0: none)"),
        ],
        discussion: """
        The report holds the experiment (files and SHA-256 digests, eps, delta, confidence, bound), \
        the statistics per class as 'verify summary' computes them, a chart of robust / not robust / \
        unknown per class, the counterexample pairs G(x) | G(x') with labels and margins, time per \
        pipeline step, and the unknown samples. CSS, SVG charts and PNG images are inline: the file \
        needs no network and runs no script. If the networks cannot be loaded or differ from the run's \
        digests, the report says why and shows no images. Exit codes: 0 written, 2 input error.
        """)

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        guard let output = arguments.value("--html") else {
            throw UsageError(description: "verify report: give the output file with --html FILE, e.g. --html report.html")
        }
        let gallery = try arguments.int("--gallery", minimum: 0) ?? 12
        let input = try ReportInput.load(resultsFiles: arguments.positionals, experimentFile: arguments.value("--experiment"),
                                         galleryLimit: gallery)
        for note in input.notes { printError("note: \(note)") }
        if case .unavailable(let reason) = input.networks { printError("note: no pictures: \(reason)") }
        try writeAtomically(HTMLReport.render(input), to: output)
        print("report of \(input.records.count) records (verdict \(input.assessment.verdict.rawValue)) written to \(output)")
        return .success
    }
}
