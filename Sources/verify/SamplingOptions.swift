import Foundation
import Network
import Sampling
import Solver

/// Flags shared by `correctness` and `robustness`: every experiment field can be overridden.
enum SamplingOptions {
    static let experimentOptions: [OptionSpec] = [
        .value("--samples", "N", "samples per class (overrides samples_per_class)"),
        .value("--eps", "E", "L-infinity radius in noise space (overrides eps)"),
        .value("--delta", "D", "tolerated failure probability per class (overrides delta)"),
        .value("--confidence", "C", "confidence 1 - alpha of the whole claim (overrides confidence)"),
        .value("--seed", "S", "noise seed (overrides seed)"),
        .value("--bound", "B", "bound that decides the verdict: hoeffding or clopper-pearson (overrides bound)"),
        .value("--classifier", "FILE", "classifier network (overrides classifier)"),
        .value("--generator", "C=FILE", "generator of class C (repeatable; replaces the generators map)", repeatable: true),
        .value("--conditional-generator", "FILE", "one generator with a one-hot class input [noise, onehot] (replaces generators)"),
        .value("--adapter-scale", "S[,S...]", "adapter scale between generator and classifier (overrides adapter.scale)"),
        .value("--adapter-shift", "T[,T...]", "adapter shift (overrides adapter.shift)"),
        .value("--noises", "FILE", "CSV, one noise per line: line i is sample i of every class (replaces sampling)"),
    ]

    /// `--engine` of `robustness` and `table --robustness`: the experiment's engine for every
    /// sample. Sample records need no certificate, so every
    /// engine is allowed here; each sample's verdict depends only on counted budgets, so it is
    /// the same for any `--jobs`, shard or resume with either engine.
    static let engineOption = OptionSpec.value(
        "--engine", "ENGINE",
        "branch and bound per sample on the noise box (input), on ReLU phases (phase), or phase from \(PhaseSplitOptions().minimumInputDimension) input dimensions on (auto); overrides engine (default auto)")

    /// The parsed `--engine`; nil when absent.
    static func engine(_ arguments: ParsedArguments) throws -> PhaseSplitOptions.Engine? {
        try arguments.parsed("--engine", as: "input, phase or auto") { PhaseSplitOptions.Engine(rawValue: $0) }
    }

    /// Reads the experiment file and applies the flags.
    static func experiment(_ arguments: ParsedArguments) throws -> Experiment {
        let name = arguments.command.name
        var experiment = try Experiment.load(contentsOf: arguments.positionals[0])
        if let value = try arguments.int("--samples", minimum: 1) { experiment.samplesPerClass = value }
        if let value = try arguments.double("--eps") { experiment.eps = value }
        if let value = try arguments.double("--delta") { experiment.delta = value }
        if let value = try arguments.double("--confidence") { experiment.confidence = value }
        if let value = try arguments.parsed("--seed", as: "an integer in 0...2^64-1", { UInt64($0) }) { experiment.seed = value }
        if let value = try arguments.parsed("--bound", as: "hoeffding or clopper-pearson", { ConfidenceBoundMethod(rawValue: $0) }) {
            experiment.bound = value
        }
        if let path = arguments.value("--classifier") { experiment.classifier = path }
        let generatorFlags = arguments.allValues("--generator")
        if !generatorFlags.isEmpty {
            guard arguments.value("--conditional-generator") == nil else {
                throw UsageError(description: "verify \(name): give --generator C=FILE or --conditional-generator FILE, not both")
            }
            var map: [Int: String] = [:]
            for flag in generatorFlags {
                let parts = flag.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, let c = Int(parts[0]), c >= 0, !parts[1].isEmpty else {
                    throw UsageError(description: "verify \(name): --generator expects CLASS=FILE such as 3=generator_3.onnx, got '\(flag)'")
                }
                guard map[c] == nil else {
                    throw UsageError(description: "verify \(name): --generator gives class \(c) twice; give each class once")
                }
                map[c] = parts[1]
            }
            experiment.generators = .perClass(map)
        }
        if let path = arguments.value("--conditional-generator") {
            var count: Int?, position = Experiment.OneHotPosition.after, output = OutputActivation.file
            if case let .conditional(_, previousCount, previousPosition, previousOutput) = experiment.generators {
                count = previousCount
                position = previousPosition
                output = previousOutput
            }
            experiment.generators = .conditional(path: path, classCount: count, oneHot: position, output: output)
        }
        let scale = try arguments.value("--adapter-scale").map { try parseVector($0, place: "--adapter-scale") }
        let shift = try arguments.value("--adapter-shift").map { try parseVector($0, place: "--adapter-shift") }
        if scale != nil || shift != nil {
            experiment.adapter = Adapter(scale: scale ?? experiment.adapter?.scale ?? [1],
                                         shift: shift ?? experiment.adapter?.shift ?? [0])
        }
        return experiment
    }

    /// Loads the networks of the experiment with the flags applied.
    static func load(_ arguments: ParsedArguments, solverBase: QueryConfiguration = QueryConfiguration()) throws -> LoadedExperiment {
        let experiment = try experiment(arguments)
        let loaded = try LoadedExperiment(experiment, noisesFile: arguments.value("--noises"), solverBase: solverBase)
        if loaded.experiment.samplesPerClass < experiment.samplesPerClass {
            printError("note: \(arguments.value("--noises") ?? "noises file") has \(loaded.experiment.samplesPerClass) noises; using \(loaded.experiment.samplesPerClass) samples per class")
        }
        return loaded
    }

    /// 0 HOLDS, 1 FAILS, 3 INCONCLUSIVE.
    static func exitCode(_ verdict: StatisticalVerdict) -> ExitCode {
        switch verdict {
        case .holds: return .success
        case .fails: return .negative
        case .inconclusive: return .unknown
        }
    }

    /// Encodes a summary object as pretty JSON with snake_case keys (the convention of every
    /// JSON file the tool writes) and writes it atomically.
    static func writeJSON<T: Encodable>(_ value: T, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        try writeAtomically(try encoder.encode(value), to: path)
    }
}

/// Human-readable statistics tables.
enum StatisticsTable {
    static func number(_ value: Double) -> String { String(format: "%.4f", value) }

    static func interval(_ interval: ProportionInterval) -> String {
        "[\(number(interval.lower)), \(number(interval.upper))]"
    }

    static func header(what: String, configuration: StatisticsConfiguration, classCount: Int, perClassLevel: AlphaLevel) -> [String] {
        [
            "\(what): claim p_c >= 1 - delta = \(format(configuration.threshold)) for every class, confidence \(configuration.level.confidenceDecimal) (alpha \(configuration.level.decimal))",
            "alpha is split across the \(classCount) classes by a union bound: each class's bounds are one-sided at alpha_c = alpha / \(classCount) = \(perClassLevel.decimal)",
        ]
    }

    static func verdictText(_ verdict: StatisticalVerdict, further: FurtherSamples?) -> String {
        guard verdict == .inconclusive, let further else { return verdict.rawValue }
        return "\(verdict.rawValue) (~\(further.additionalSamples) more samples would likely make it \(further.target.rawValue))"
    }

    /// The robustness table of an assessment.
    static func robustness(_ assessment: ResultsAssessment, eps: Double) -> String {
        var lines = header(what: "robustness at eps \(format(eps)) (L-inf ball in noise space)",
                           configuration: assessment.configuration, classCount: assessment.classes.count,
                           perClassLevel: assessment.perClassLevel)
        lines.append("lower bounds count UNKNOWN (and not-robust-unconfirmed) as failures, upper bounds as successes; the \(assessment.configuration.method.rawValue) bound decides")
        if let stop = assessment.stopEarly {
            lines.append("--stop-early: sequential test, looks at \(stop.initialSampleSize) * \(format(stop.growthFactor))^(k-1) samples, alpha_c spent over looks (\(stop.spending.rawValue): sum <= alpha_c); verdicts from the last look")
            lines.append("the \(assessment.configuration.method.rawValue) column shows that look's bounds at alpha_k; the other bound column is the fixed-n bound at alpha_c, for information only")
        }
        lines.append("")
        let head = ["class", "n", "robust", "not rob.", "unknown", "p-hat", "Hoeffding lower", "Clopper-Pearson", "verdict"]
        var rows: [[String]] = []
        for report in assessment.classes {
            let counts = report.counts
            let pHat = counts.n > 0 ? number(Double(counts.robust) / Double(counts.n)) : "-"
            var hoeffding = number(report.assessment.hoeffding.lower)
            var clopper = interval(report.assessment.clopperPearson)
            if let look = report.sequentialLook {
                // Sequential verdicts use the look's bounds (at alpha_k), with the configured method.
                let bounds = interval(look.bounds)
                if assessment.configuration.method == .hoeffding { hoeffding = number(look.bounds.lower) } else { clopper = bounds }
            }
            var unknown = "\(counts.unknown)"
            if report.unconfirmed > 0 { unknown += " (\(report.unconfirmed) uc)" }
            var verdict = verdictText(report.verdict, further: report.sequentialLook == nil ? report.assessment.furtherSamples : nil)
            if let look = report.sequentialLook { verdict += " (look \(look.index), alpha_k \(format(look.alpha, digits: 3)))" }
            if report.excluded > 0 { verdict += " [\(report.excluded) records not counted]" }
            rows.append(["\(report.classIndex)", "\(counts.n)", "\(counts.robust)", "\(counts.notRobust)", unknown, pHat,
                         hoeffding, clopper, verdict])
        }
        let total = assessment.totalCounts
        rows.append(["all", "\(total.n)", "\(total.robust)", "\(total.notRobust)", "\(total.unknown)",
                     total.n > 0 ? number(Double(total.robust) / Double(total.n)) : "-", "", "", assessment.verdict.rawValue])
        lines += table(head, rows)
        return lines.joined(separator: "\n")
    }

    /// Left-aligned first column, right-aligned numbers, left-aligned last column.
    static func table(_ head: [String], _ rows: [[String]]) -> [String] {
        let all = [head] + rows
        let widths = head.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.indices.map { column -> String in
                let cell = row[column]
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                if column == 0 || column >= head.count - 1 { return cell + (column == head.count - 1 ? "" : pad) }
                if column >= head.count - 3 { return cell + pad }
                return pad + cell
            }.joined(separator: "  ")
        }
    }
}
