import Foundation
import Reporting

/// `verify report RESULTS... --html FILE`: one self-contained HTML report of a robustness run;
/// `verify report --html FILE --table T=FILE --picture T=FILE --text T=FILE --link T=HREF`: one
/// page for a whole reproduction (``ReproductionPage``).
enum ReportCommand: Subcommand {
    static let spec = CommandSpec(
        name: "report",
        summary: "Write a self-contained HTML report of a robustness results file.",
        positionals: [PositionalSpec(name: "RESULTS", help: "results files of one experiment (a run, its shards, or a merged file)", variadic: true, optional: true)],
        options: [
            .value("--html", "FILE", "the HTML file to write (required)"),
            .value("--experiment", "FILE", "experiment file for the pictures (default: the results header's experiment_file)"),
            .value("--gallery", "N", "at most N counterexample pairs in the gallery (default 12; 0: none)"),
            .value("--title", "T", "reproduction page: its heading (default: Reproduction)"),
            .value("--table", "TITLE=FILE", "reproduction page: a 'verify table --json' file as a section", repeatable: true),
            .value("--picture", "TITLE=FILE", "reproduction page: a PNG or GIF shown inline", repeatable: true),
            .value("--text", "TITLE=FILE", "reproduction page: a text file shown preformatted", repeatable: true),
            .value("--link", "TEXT=HREF", "reproduction page: a link (e.g. to the manual-score page beside it)", repeatable: true),
        ],
        discussion: """
        The report holds the experiment (files and SHA-256 digests, eps, delta, confidence, bound), \
        the statistics per class as 'verify summary' computes them, a chart of robust / not robust / \
        unknown per class, the counterexample pairs G(x) | G(x') with labels and margins, time per \
        pipeline step, and the unknown samples. CSS, SVG charts and PNG images are inline: the file \
        needs no network and runs no script. If the networks cannot be loaded or differ from the run's \
        digests, the report says why and shows no images. Without RESULTS, --table, --picture, --text \
        and --link make one page for a whole reproduction: tables with intervals, verdicts and \
        per-class correctness, inline pictures, texts, links (each option repeatable; tables, \
        pictures, texts, then links, each in the order given). \
        Exit codes: 0 written, 2 input error.
        """)

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        guard let output = arguments.value("--html") else {
            throw UsageError(description: "verify report: give the output file with --html FILE, e.g. --html report.html")
        }
        let reproduction = ["--table", "--picture", "--text", "--link"].contains { !arguments.allValues($0).isEmpty }
        if reproduction || arguments.positionals.isEmpty {
            guard arguments.positionals.isEmpty else {
                throw UsageError(description: "verify report: give RESULTS files (a run's report) or --table/--picture/--text/--link (a reproduction page), not both")
            }
            guard reproduction else {
                throw UsageError(description: "verify report: give RESULTS files, or --table/--picture/--text/--link for a reproduction page")
            }
            return try ReproductionReport.write(arguments, to: output)
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

/// The reproduction page from the options: the `--table` sections, then `--picture`, then
/// `--text`, each in the order given; `--link`s gather at the end.
enum ReproductionReport {
    static func write(_ arguments: ParsedArguments, to output: String) throws -> ExitCode {
        var sections: [ReproductionPage.Section] = []
        for option in ["--table", "--picture", "--text", "--link"] {
            for value in arguments.allValues(option) {
                let (title, file) = try split(value, option: option)
                sections.append(try section(option, title: title, file: file))
            }
        }
        let page = ReproductionPage(title: arguments.value("--title") ?? "Reproduction", sections: sections)
        try writeAtomically(page.render(), to: output)
        print("reproduction page with \(sections.count) sections written to \(output)")
        return .success
    }

    static func split(_ value: String, option: String) throws -> (String, String) {
        guard let equals = value.firstIndex(of: "="), equals != value.startIndex, value.index(after: equals) != value.endIndex else {
            throw UsageError(description: "verify report: option \(option) expects TITLE=FILE, got '\(value)'")
        }
        return (String(value[..<equals]), String(value[value.index(after: equals)...]))
    }

    static func section(_ option: String, title: String, file: String) throws -> ReproductionPage.Section {
        if option == "--link" { return .link(text: title, href: file) }
        if option == "--table" { return .table(title: title, table: try CorrectnessTable.load(contentsOf: file)) }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw UsageError(description: "verify report: \(option) \(title)=\(file): cannot read the file; check the path")
        }
        if option == "--text" { return .text(title: title, content: String(decoding: data, as: UTF8.self)) }
        guard let image = ReproductionPage.InlineImage(bytes: [UInt8](data)) else {
            throw UsageError(description: "verify report: --picture \(title)=\(file): not a PNG or GIF file; give a .png or .gif")
        }
        return .picture(title: title, image: image)
    }
}
