import Foundation
import Network
import Reporting
import Sampling

/// `verify table MATRIX`: the paper's classifier × generator-family table of global correctness.
enum TableCommand: Subcommand {
    static let spec = CommandSpec(
        name: "table",
        summary: "Global correctness (and robustness) of several classifiers against several generator families, as a table.",
        positionals: [PositionalSpec(name: "MATRIX", help: "matrix file (JSON): classifiers, generator_families, optional test_set, shared experiment fields")],
        options: [
            .value("--samples", "N", "samples per class for correctness (default: the file's samples_per_class)"),
            .value("--row", "NAME", "only this classifier (repeatable; default: every row)", repeatable: true),
            .value("--column", "NAME", "only this generator family (repeatable; default: every column)", repeatable: true),
            .value("--format", "F", "what to print: text (default), csv or json"),
            .value("--csv", "FILE", "also write the table as CSV (one line per cell)"),
            .value("--json", "FILE", "also write everything (per-class counts, intervals, verdicts) as JSON"),
            .value("--robustness", "DIR", "also run exact (eps, delta)-robustness per cell; results files ROW__COLUMN.jsonl in DIR (resumed; a finished cell kept only as ROW__COLUMN.jsonl.gz is read as it is, an unfinished one refused)"),
            .value("--robust-samples", "N", "samples per class of the robustness runs (default 100)"),
            .value("--eps", "E", "eps of the robustness runs (default: the file's eps)"),
            .value("--jobs", "N", "worker threads of the robustness runs (default: all cores)"),
            .flag("--quiet", "no robustness progress on stderr (the per-cell correctness lines stay)"),
            SamplingOptions.engineOption,
            LeafProcessOption.option,
        ],
        discussion: """
        Rows are classifiers, columns generator families, in the order of the file. A cell is the \
        fraction of generated samples (all classes pooled, the noises of 'verify correctness' with \
        the file's seed) that the classifier assigns to the generator's class, with its two-sided \
        interval at the file's confidence by its bound; ties count as errors. The delta-correctness \
        verdict per cell uses the union bound over classes like 'verify correctness'. With a test \
        set (IDX images + labels, or CSV label,pixels; values divided by pixel_scale, default 255) \
        a test-accuracy column is added. --row and --column keep some cells (the table of those \
        rows and columns; each cell's results file is the one the whole table uses, so cells run \
        apart, e.g. one per machine, come together in one --robustness directory). With \
        --robustness each cell's run shows its progress on stderr (a bar on a terminal, a line \
        every 5 s in a log), and SIGINT or SIGTERM stops it with its finished samples kept: no \
        table is printed or written then, and the same command resumes. Exit codes: 0 done, \
        2 input error, 3 interrupted.
        """)

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let path = arguments.positionals[0]
        let format = arguments.value("--format") ?? "text"
        guard ["text", "csv", "json"].contains(format) else {
            throw UsageError(description: "verify table: --format must be text, csv or json, got '\(format)'")
        }
        let matrix = try ExperimentMatrix.load(contentsOf: path)
            .selecting(rows: arguments.allValues("--row"), columns: arguments.allValues("--column"))
        let samples = try arguments.int("--samples", minimum: 1)
        var robustness: RobustnessTableOptions?
        if let directory = arguments.value("--robustness") {
            let eps = try arguments.double("--eps")
            if let eps, !(eps.isFinite && eps >= 0) { throw UsageError(description: "verify table: --eps must be a finite number >= 0, got \(eps)") }
            robustness = RobustnessTableOptions(
                directory: directory, samplesPerClass: try arguments.int("--robust-samples", minimum: 1) ?? 100, eps: eps,
                jobs: try arguments.int("--jobs", minimum: 1) ?? ProcessInfo.processInfo.activeProcessorCount)
            robustness?.engine = try SamplingOptions.engine(arguments)
            robustness?.leafProcessExecutable = try LeafProcessOption.executable(arguments)
        } else if arguments.value("--robust-samples") != nil || arguments.value("--eps") != nil || arguments.value("--engine") != nil {
            throw UsageError(description: "verify table: --robust-samples, --eps and --engine need --robustness DIR")
        }
        let cancellation = RunCancellation()
        let signals = robustness == nil ? [] : RobustnessCommand.installSignalHandlers(cancellation)
        defer { signals.forEach { $0.cancel() } }
        let quiet = arguments.flag("--quiet")
        var reporter: (cell: String, reporter: ProgressReporter)?
        let table: CorrectnessTable
        do {
            table = try matrix.evaluate(
                samplesPerClass: samples, robustness: robustness, cancellation: cancellation,
                progress: { printError("table: \($0)") },
                robustnessProgress: { cell, progress in
                    guard !quiet else { return }
                    if reporter?.cell != cell { reporter = (cell, ProgressReporter.standardError(label: "table: \(cell) robustness")) }
                    reporter!.reporter.update(progress)
                })
        } catch let interruption as TableInterruption {
            reporter?.reporter.endLine()
            printError("table: \(interruption)")
            return .unknown
        }
        let csv = csvText(table)
        let json = try jsonData(table)
        if let file = arguments.value("--csv") { try writeAtomically(csv, to: file) }
        if let file = arguments.value("--json") { try writeAtomically(json, to: file) }
        switch format {
        case "csv": print(csv, terminator: "")
        case "json": print(String(decoding: json, as: UTF8.self))
        default: print(text(table).joined(separator: "\n"))
        }
        return .success
    }

    static func percent(_ value: Double) -> String { String(format: "%.1f", 100 * value) }

    static func cellText(_ p: EstimatedProportion) -> String {
        "\(percent(p.estimate)) [\(percent(p.interval.lower)), \(percent(p.interval.upper))]"
    }

    /// The human-readable table: correctness block, delta-correctness verdicts, robustness.
    static func text(_ table: CorrectnessTable) -> [String] {
        let confidence = String(format: "%g", 100 * table.confidence)
        var lines = ["global correctness in % (all classes pooled; \(table.samplesPerClass) samples per class, seed \(table.seed));",
                     "[lower, upper] = two-sided \(confidence)% \(table.bound.rawValue) interval; ties count as errors", ""]
        var head = ["classifier"]
        if table.testAccuracy != nil { head.append("test accuracy") }
        head += table.families
        var rows: [[String]] = []
        for (row, name) in table.classifiers.enumerated() {
            var line = [name]
            if let accuracy = table.testAccuracy?[row] { line.append(cellText(accuracy)) }
            line += table.cells[row].map { cellText($0.pooled) }
            rows.append(line)
        }
        lines += StatisticsTable.table(head, rows)
        if let testSet = table.testSet, let first = table.testAccuracy?.first {
            lines.append("test accuracy on \(first.trials) images of \(testSet)")
        }
        lines += ["", "delta-correctness per cell (every class, union bound), worst class and its correctness:"]
        rows = table.classifiers.enumerated().map { row, name in
            [name] + table.cells[row].map { cell in
                "\(cell.report.assessment.verdict.rawValue) (class \(cell.worstClass): \(percent(cell.worstClassCorrectness)))"
            }
        }
        lines += StatisticsTable.table(["classifier"] + table.families, rows)
        if table.cells.first?.first?.robustness != nil {
            let eps = table.cells[0][0].robustness!.eps
            lines += ["", "exact (eps = \(eps))-robustness in % (pooled; interval counts unknown samples as failures below, successes above):"]
            rows = table.classifiers.enumerated().map { row, name in
                [name] + table.cells[row].map { cell in
                    guard let r = cell.robustness else { return "-" }
                    let unknown = r.counts.unknown > 0 ? ", \(r.counts.unknown) unknown" : ""
                    return "\(percent(r.estimate)) [\(percent(r.robust.lower)), \(percent(r.robust.upper))]\(unknown)"
                }
            }
            lines += StatisticsTable.table(["classifier"] + table.families, rows)
        }
        lines.append("")
        lines.append("\(table.classifiers.count) x \(table.families.count) cells in \(String(format: "%.1f", table.seconds)) s")
        return lines
    }

    /// One line per cell; numbers as fractions with full precision.
    static func csvText(_ table: CorrectnessTable) -> String {
        var lines = ["classifier,family,samples,correct,correctness,lower,upper,delta_correct,worst_class,worst_class_correctness,"
                     + "test_images,test_correct,test_accuracy,test_lower,test_upper,robust_eps,robust,not_robust,unknown,robust_lower,robust_upper"]
        func quoted(_ text: String) -> String {
            text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
        for (row, name) in table.classifiers.enumerated() {
            for cell in table.cells[row] {
                var fields = [quoted(name), quoted(cell.family), "\(cell.pooled.trials)", "\(cell.pooled.successes)",
                              "\(cell.pooled.estimate)", "\(cell.pooled.interval.lower)", "\(cell.pooled.interval.upper)",
                              cell.report.assessment.verdict.rawValue, "\(cell.worstClass)", "\(cell.worstClassCorrectness)"]
                if let accuracy = table.testAccuracy?[row] {
                    fields += ["\(accuracy.trials)", "\(accuracy.successes)", "\(accuracy.estimate)", "\(accuracy.interval.lower)", "\(accuracy.interval.upper)"]
                } else {
                    fields += ["", "", "", "", ""]
                }
                if let r = cell.robustness {
                    fields += ["\(r.eps)", "\(r.counts.robust)", "\(r.counts.notRobust)", "\(r.counts.unknown)", "\(r.robust.lower)", "\(r.robust.upper)"]
                } else {
                    fields += ["", "", "", "", "", ""]
                }
                lines.append(fields.joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func jsonData(_ table: CorrectnessTable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return try encoder.encode(table)
    }
}
