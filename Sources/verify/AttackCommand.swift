import Foundation
import Network
import Reporting
import Sampling

/// `verify attack EXPERIMENT --class c --method blackbox|whitebox`: searches the experiment's
/// own samples of class `c` for a realistic adversarial example (``RealisticAdversarialSearch``).
enum AttackCommand: Subcommand {
    static let spec = CommandSpec(
        name: "attack",
        summary: "Find realistic adversarial examples: two eps-close noises whose images the classifier labels differently.",
        positionals: [PositionalSpec(name: "EXPERIMENT", help: "experiment file (JSON)")],
        options: [
            .value("--class", "C", "class whose samples are attacked (required)"),
            .value("--method", "M", "blackbox (random search, forward passes only) or whitebox (projected gradient) (required)"),
            .value("--target", "T", "class that x' must be labelled as alone, or any: some other class at least ties (default any)"),
            .value("--eps", "E", "L-infinity radius in noise space (default: the experiment's eps)"),
            .value("--samples", "N", "sample indices to attack (default 100)"),
            .value("--start", "I", "first sample index (default 0)"),
            .flag("--paper", "the paper's budget: 16 steps, one start at x; whitebox step eps / 16, blackbox 8 moves per step (flags given too override it)"),
            .value("--steps", "S", "steps per start (default 100)"),
            .value("--restarts", "R", "starts per sample: the noise itself, then random points of its box (default 5)"),
            .value("--candidates", "K", "blackbox: random moves tried per step (default 8)"),
            .value("--step-size", "H", "whitebox: gradient step length (default eps / steps)"),
            .value("--seconds", "T", "wall-clock cap of the whole search (default none)"),
            .value("--seed", "N", "seed of the attack's random choices (default 0; the noises are the experiment's)"),
            .value("--json", "FILE", "write the pair (noises, images, logits) as JSON"),
            .value("--png", "FILE", "write G(x) | G(x') side by side with a legend strip as PNG"),
        ],
        discussion: """
        Sample i of class c is the experiment's noise x_i (the one every robustness run uses); \
        samples whose own image is not classified c alone are skipped. A pair is printed only \
        after the plain float forward pass confirms it: x classified c, ||x' - x||_inf <= eps, \
        and x' classified t alone (--target t) or some other class scoring >= c (any; a tie \
        counts, as in the exact pipeline). Not finding one is no robustness claim. \
        Exit codes: 1 found (NOT ROBUST witness), 3 none found in the budget, 2 input error.
        """)

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let search = try request(arguments)
        var experiment = try Experiment.load(contentsOf: arguments.positionals[0])
        if let eps = search.eps { experiment.eps = max(eps, 0) }
        let loaded = try LoadedExperiment(experiment)
        let outcome = try search.run(loaded)
        let radius = search.eps ?? loaded.experiment.eps
        print("attack \(arguments.positionals[0]): class \(search.classIndex) -> \(search.target), method \(search.method.rawValue), eps \(format(radius)), samples \(search.startSample)..<\(search.startSample + search.samples)")
        print("  budget per sample: \(budget(search, eps: radius))")
        switch outcome {
        case .found(let pair):
            print(describe(pair))
            if let path = arguments.value("--json") { try SamplingOptions.writeJSON(pair, to: path) }
            if let path = arguments.value("--png") { try AttackPicture.write(pair, loaded: loaded, to: path) }
            return .negative
        case let .notFound(tried, skipped, seconds, end):
            print("no realistic adversarial example found: \(tried) sample\(tried == 1 ? "" : "s") attacked, \(skipped) skipped (centre not classified \(search.classIndex)), \(format(seconds, digits: 4)) s, ended by \(end.rawValue)")
            print("UNKNOWN: no claim (an attack that finds nothing proves nothing; use 'verify robustness' for a proof)")
            return .unknown
        }
    }

    /// The search the flags describe; throws a usage error naming the flag.
    static func request(_ arguments: ParsedArguments) throws -> RealisticAdversarialSearch {
        guard let classIndex = try arguments.int("--class") else {
            throw UsageError(description: "verify attack: give the attacked class with --class C")
        }
        guard let methodText = arguments.value("--method") else {
            throw UsageError(description: "verify attack: give --method blackbox or --method whitebox")
        }
        guard let method = RealisticAttackMethod(rawValue: methodText) else {
            throw UsageError(description: "verify attack: option --method expects blackbox or whitebox, got '\(methodText)'")
        }
        var target = AdversarialTarget.anyOther
        if let text = arguments.value("--target"), text != "any" {
            guard let t = Int(text), t >= 0 else {
                throw UsageError(description: "verify attack: option --target expects a class number or any, got '\(text)'")
            }
            target = .label(t)
        }
        var search = RealisticAdversarialSearch(classIndex: classIndex, target: target, method: method)
        if arguments.flag("--paper") { search.applyPaperPreset() }
        if let eps = try arguments.double("--eps") {
            guard eps >= 0 else { throw UsageError(description: "verify attack: option --eps expects a number >= 0, got '\(eps)'") }
            search.eps = eps
        }
        if let value = try arguments.int("--samples", minimum: 1) { search.samples = value }
        if let value = try arguments.int("--start") { search.startSample = value }
        if let value = try arguments.int("--steps") { search.steps = value }
        if let value = try arguments.int("--restarts", minimum: 1) { search.restarts = value }
        if let value = try arguments.int("--candidates", minimum: 1) { search.candidates = value }
        if let value = try arguments.double("--step-size") {
            guard value > 0 else { throw UsageError(description: "verify attack: option --step-size expects a positive number, got '\(value)'") }
            search.stepSize = value
        }
        if let value = try arguments.double("--seconds") {
            guard value > 0 else { throw UsageError(description: "verify attack: option --seconds expects a positive number, got '\(value)'") }
            search.seconds = value
        }
        if let value = try arguments.parsed("--seed", as: "an integer in 0...2^64-1", { UInt64($0) }) { search.seed = value }
        return search
    }

    /// The per-sample budget line: starts, steps and the step length or moves per step.
    static func budget(_ search: RealisticAdversarialSearch, eps: Double) -> String {
        let perStep = search.method == .whitebox
            ? "step size \(format(search.gradientStepSize(eps: eps)))"
            : "\(search.candidates) moves per step"
        return "\(search.restarts) start\(search.restarts == 1 ? "" : "s") x \(search.steps) steps, \(perStep)"
    }

    /// The human-readable report of a pair.
    static func describe(_ pair: RealisticAdversarialPair) -> String {
        func vector(_ values: [Double]) -> String { "[" + values.map { format($0, digits: 5) }.joined(separator: ", ") + "]" }
        let label = pair.isTie ? "\(pair.adversarialPrediction) (tie with \(pair.classIndex))" : String(pair.adversarialPrediction)
        return [
            "found at sample \(pair.sampleIndex) after \(pair.samplesTried) sample\(pair.samplesTried == 1 ? "" : "s") attacked, \(format(pair.seconds, digits: 4)) s (\(pair.evaluations) forward, \(pair.gradients) reverse passes on that sample)",
            "  x : classified \(pair.prediction), margin y_c - max_other = \(format(pair.margin))",
            "  x': classified \(label), margin y_c - max_other = \(format(pair.adversarialMargin))",
            "  ||x' - x||_inf = \(format(pair.noiseDistance)) (eps \(format(pair.eps)))   ||G(x') - G(x)||_inf = \(format(pair.imageDistance))",
            "  x  = \(vector(pair.noise))",
            "  x' = \(vector(pair.adversarialNoise))",
            "  logits(x)  = \(vector(pair.logits))",
            "  logits(x') = \(vector(pair.adversarialLogits))",
            "NOT ROBUST: realistic adversarial example \(pair.classIndex) -> \(label), confirmed in exact arithmetic",
        ].joined(separator: "\n")
    }
}

/// The `--png` picture of a pair: ``AdversarialPairPicture`` written by our PNG encoder.
enum AttackPicture {
    static func write(_ pair: RealisticAdversarialPair, loaded: LoadedExperiment, to path: String) throws {
        try PNGEncoder.write(AdversarialPairPicture.render(pair, experiment: loaded), to: path)
        print("wrote \(path): G(x) | G(x'), \(pair.classIndex) -> \(pair.adversarialPrediction)")
    }
}
