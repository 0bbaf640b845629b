import Foundation
import Reporting
import Sampling
import Support

/// `verify manual-score-page EXPERIMENT --out FILE [--count N] [--seed S] [--class C]`: the HTML
/// page on which people label generated images.
enum ManualScorePageCommand: Subcommand {
    static let spec = CommandSpec(
        name: "manual-score-page",
        summary: "Write an offline HTML page on which people label generated images (the manual score).",
        positionals: [PositionalSpec(name: "EXPERIMENT", help: "experiment file (JSON)")],
        options: [
            .value("--out", "FILE", "the HTML page to write (required)"),
            .value("--count", "N", "number of images (default 100)"),
            .value("--seed", "S", "noise seed (overrides the experiment's seed)"),
            .value("--class", "C", "draw every image from class C (default: the classes in turn)"),
        ],
        discussion: """
        Each image G_c(x_i) is shown with four categories (clearly a digit; a digit, badly drawn; \
        ambiguous: could be two digits; not a digit) and a digit menu; the intended class is not \
        shown. Save downloads labels.json with the experiment hash, the seed, and each image's \
        sample index and intended class; 'verify manual-score labels.json' scores it. Images, \
        style and script are inline: the page needs no network.
        Example: verify manual-score-page examples/digits/experiment.json --out page.html --count 100
        """)

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        guard let out = arguments.value("--out") else {
            throw UsageError(description: "verify manual-score-page: missing --out FILE; give the HTML page to write")
        }
        let count = try arguments.int("--count", minimum: 1) ?? 100
        guard count <= 10_000 else {
            throw UsageError(description: "verify manual-score-page: --count \(count) is too many for one page; give 1...10000")
        }
        var experiment = try Experiment.load(contentsOf: arguments.positionals[0])
        if let value = try arguments.parsed("--seed", as: "an integer in 0...2^53", { UInt64($0).flatMap { $0 < 1 << 53 ? $0 : nil } }) {
            experiment.seed = value
        }
        let loaded = try LoadedExperiment(experiment)
        var classes = loaded.classes
        if let text = arguments.value("--class") {
            guard let c = Int(text), classes.contains(c) else {
                throw UsageError(description: "verify manual-score-page: --class \(text) is not a class of \(arguments.positionals[0]); give one of \(classes.map(String.init).joined(separator: ", "))")
            }
            classes = [c]
        }
        let items = ManualScorePage.items(classes: classes, count: count)
        if let largest = items.map(\.sample).max(), largest >= loaded.noises.capacity {
            throw UsageError(description: "verify manual-score-page: the noise source has \(loaded.noises.capacity) samples per class but the page needs \(largest + 1); give a smaller --count")
        }
        let digits = Array(0...max(9, loaded.classes.max() ?? 9))
        guard let html = ManualScorePage.html(loaded, items: items, digits: digits) else {
            throw UsageError(description: "verify manual-score-page: the generators' outputs of \(arguments.positionals[0]) cannot be drawn as images; give the experiment an \"image\" layout")
        }
        try writeAtomically(html, to: out)
        print("wrote \(out): \(count) images of class\(classes.count == 1 ? "" : "es") \(classes.map(String.init).joined(separator: ", ")), seed \(experiment.seed)")
        return .success
    }
}

/// `verify manual-score LABELS [--confidence C] [--json FILE]`: the manual score's figures.
enum ManualScoreCommand: Subcommand {
    static let spec = CommandSpec(
        name: "manual-score",
        summary: "Score a labels file of the manual score page: identified share, categories, implied delta.",
        positionals: [PositionalSpec(name: "LABELS", help: "labels file saved by the page of 'verify manual-score-page'")],
        options: [
            .value("--confidence", "C", "confidence of the two-sided Clopper-Pearson interval (default 0.95)"),
            .value("--json", "FILE", "also write the figures as JSON (snake_case keys)"),
        ],
        discussion: """
        identified = images whose labelled digit is the intended class; share = identified / n; \
        the implied delta = 1 - share (the generator is delta-correct for the people who \
        labelled). The interval is the two-sided Clopper-Pearson interval of the share at the \
        confidence, and the delta interval is [1 - upper, 1 - lower].
        Example: verify manual-score labels.json --confidence 0.95
        """)

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let confidence = try arguments.double("--confidence") ?? 0.95
        guard confidence > 0, confidence < 1 else {
            throw UsageError(description: "verify manual-score: --confidence must lie in (0, 1), got \(confidence); e.g. 0.95")
        }
        let labels = try ManualLabels.read(arguments.positionals[0])
        let score = ManualScore(labels, confidence: confidence)
        print(text(score, labels: labels))
        if let path = arguments.value("--json") {
            try writeAtomically(JSONText.encode(score.jsonObject, pretty: true) + "\n", to: path)
        }
        return .success
    }

    static func text(_ score: ManualScore, labels: ManualLabels) -> String {
        var lines = ["manual score of \(score.labelled) images (experiment \(labels.experimentFile ?? labels.experiment), seed \(labels.seed))"]
        for category in ManualCategory.allCases {
            let name = category.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)
            lines.append("  \(name) \(score.counts[category] ?? 0) images, \(score.identifiedByCategory[category] ?? 0) read as the intended class")
        }
        lines.append("identified: \(score.identified) of \(score.labelled) = \(format(score.identifiedShare, digits: 4)), "
                     + "\(score.level.confidenceDecimal) Clopper-Pearson interval [\(format(score.share.lower, digits: 4)), \(format(score.share.upper, digits: 4))]")
        lines.append("implied delta: \(format(1 - score.identifiedShare, digits: 4)), interval [\(format(score.delta.lower, digits: 4)), \(format(score.delta.upper, digits: 4))]")
        return lines.joined(separator: "\n")
    }
}
