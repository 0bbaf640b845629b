import Foundation
import Encoding
import Network
import Solver

/// `verify local`: exact local robustness of one point (noise) of `C ∘ G` or of one network.
enum LocalCommand: Subcommand {
    static let spec = CommandSpec(
        name: "local",
        summary: "Exact local robustness: is the class kept on the whole eps-box around one noise (or point)?",
        options: [
            .value("--classifier", "FILE", "classifier network (with --generator)"),
            .value("--generator", "FILE", "generator network: the box is over its noise input"),
            .value("--adapter-scale", "S[,S...]", "adapter between generator and classifier, image * S + T: scale (one value or one per element; default 1)"),
            .value("--adapter-shift", "T[,T...]", "adapter shift T (one value or one per element; default 0)"),
            .value("--adapter", "S,T", "shorthand for --adapter-scale S --adapter-shift T"),
            .value("--noise", "V1,V2,...", "centre of the box in noise space (with --generator)"),
            .value("--model", "FILE", "a single network instead of --classifier/--generator"),
            .value("--point", "V1,V2,...", "centre of the box in the model's input space (with --model)"),
            .value("--eps", "E", "L-infinity radius of the box (>= 0)"),
            .value("--class", "C", "the class that must be kept (default: the centre's class; for a tie, the lowest tied class)"),
        ] + SolverOptions.options + SolverOptions.oneShotOptions,
        discussion: """
        Verdicts are about the loaded weights in exact real arithmetic: ROBUST (proved: bounds, \
        split or smt), NOT ROBUST (a counterexample whose double input is misclassified in exact \
        arithmetic; its float64 and float32 forward passes are printed, with a note when they \
        disagree), NOT ROBUST (unconfirmed: Z3 found a rational counterexample that its nearest \
        double point does not reproduce), UNKNOWN. Classified as C means y_C > y_j strictly for \
        every other j: a tie counts as not robust. \
        Exit codes: 0 robust, 1 not robust, 3 unknown, 2 input error.
        """)

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        var configuration = try SolverOptions.configuration(arguments)
        // No strong branching and no slope trials by default: on C∘G networks both cost more
        // than they save (``QueryConfiguration/oneShotStrongBranchingDepth``,
        // ``QueryConfiguration/oneShotSlopeSteps``), and without them `local` searches a
        // robustness sample as `robustness` does.
        try SolverOptions.oneShotSearch(arguments, &configuration, strongBranching: SolverOptions.localStrongBranchingDepth,
                                        slopeSteps: QueryConfiguration().bounds.slopeSteps, engine: .auto)
        let (network, center, files) = try loadNetworkAndCenter(arguments)
        guard let eps = try arguments.double("--eps") else {
            throw UsageError(description: "verify local: give the box radius with --eps E")
        }
        guard eps >= 0 else {
            throw UsageError(description: "verify local: --eps must be >= 0, got \(eps)")
        }
        // Without --class: the centre's class in exact arithmetic; for a tie the lowest tied
        // class (the centre check then reports it NOT ROBUST: a tie is no class).
        let prediction: Int
        switch network.checkedClassification(center) {
        case .decided(.class(let c), _): prediction = c
        case .decided(.tie(let classes), _): prediction = classes[0]
        case .undecided(let float): prediction = float.classIndex ?? network.evaluate(center).argmax
        }
        let trueClass = try arguments.int("--class") ?? prediction
        guard trueClass < network.outputSize else {
            throw UsageError(description: "verify local: --class \(trueClass) is out of range; the network has \(network.outputSize) outputs (classes 0...\(network.outputSize - 1))")
        }
        let box = try Box.linf(center: center, radius: eps)
        let query = SafetyQuery(network: network, box: box,
                                property: .misclassification(outputCount: network.outputSize, trueClass: trueClass))
        let hardDeadline = HardDeadline(seconds: configuration.limits.timeLimit,
                                        answer: "UNKNOWN class \(trueClass), eps \(eps): time limit (\(configuration.limits.timeLimit) s) reached",
                                        resultFile: nil)
        let result = try QuerySolver(configuration: configuration).solve(query)
        var certificateData: Data?
        if arguments.value("--json") != nil {
            var certified: [CertifiedFiles.Role: CertifiedFiles.File] = [:]
            for (role, file) in files { certified[role] = CertifiedFiles.File(path: file, sha256: try fileDigest(file)) }
            let certificate = LocalCertificate(trueClass: trueClass, eps: eps, center: center, adapter: try adapter(arguments),
                                               files: CertifiedFiles(certified), query: QueryCertificate(query: query, result: result))
            certificateData = try Certificate.local(certificate).data()
        }
        hardDeadline.claimAnswerOrWait()
        report(result, trueClass: trueClass, eps: eps, phaseEngine: configuration.phaseSplit.usesPhaseSplitting(network))
        if let path = arguments.value("--json"), let certificateData { try writeAtomically(certificateData, to: path) }
        switch result.verdict {
        case .holds: return .success
        case .violated, .violatedUnconfirmed: return .negative
        case .unknown: return .unknown
        }
    }

    /// The network to check, the box centre, and the files used (for the certificate).
    static func loadNetworkAndCenter(_ arguments: ParsedArguments) throws -> (NeuralNetwork, [Double], [(CertifiedFiles.Role, String)]) {
        if let model = arguments.value("--model") {
            guard arguments.value("--classifier") == nil, arguments.value("--generator") == nil else {
                throw UsageError(description: "verify local: give either --model or --classifier/--generator, not both")
            }
            guard try adapter(arguments) == nil else {
                throw UsageError(description: "verify local: the adapter sits between --generator and --classifier; drop --adapter-scale/--adapter-shift/--adapter with --model")
            }
            guard let point = arguments.value("--point") else {
                throw UsageError(description: "verify local: --model needs --point V1,V2,...")
            }
            let network = try NetworkFile.load(model)
            let center = try parseVector(point, place: "--point")
            try checkSize(center, network, "--point")
            return (network, center, [(.model, model)])
        }
        guard let classifierPath = arguments.value("--classifier"), let generatorPath = arguments.value("--generator") else {
            throw UsageError(description: "verify local: give --classifier FILE --generator FILE --noise V..., or --model FILE --point V...")
        }
        guard let noise = arguments.value("--noise") else {
            throw UsageError(description: "verify local: give the noise with --noise V1,V2,...")
        }
        let network = try NeuralNetwork.composing(
            classifier: NetworkFile.load(classifierPath), after: NetworkFile.load(generatorPath), adapter: adapter(arguments))
        let center = try parseVector(noise, place: "--noise")
        try checkSize(center, network, "--noise")
        return (network, center, [(.classifier, classifierPath), (.generator, generatorPath)])
    }

    /// The adapter `image * scale + shift` between generator and classifier, from
    /// `--adapter-scale S[,S...]` and `--adapter-shift T[,T...]` (as in `robustness` and
    /// `info --compose`; a missing one is the identity's 1 or 0), or from the shorthand
    /// `--adapter S,T` (two scalars); `nil` when none is given.
    static func adapter(_ arguments: ParsedArguments) throws -> Adapter? {
        let scale = try arguments.value("--adapter-scale").map { try parseVector($0, place: "--adapter-scale") }
        let shift = try arguments.value("--adapter-shift").map { try parseVector($0, place: "--adapter-shift") }
        if let text = arguments.value("--adapter") {
            guard scale == nil, shift == nil else {
                throw UsageError(description: "verify local: give --adapter S,T or --adapter-scale/--adapter-shift, not both")
            }
            let values = try parseVector(text, place: "--adapter")
            guard values.count == 2 else {
                throw UsageError(description: "verify local: --adapter takes two numbers S,T (scale, shift), got \(values.count); for one value per element use --adapter-scale S,S,... --adapter-shift T,T,...")
            }
            return Adapter(scale: values[0], shift: values[1])
        }
        guard scale != nil || shift != nil else { return nil }
        return Adapter(scale: scale ?? [1], shift: shift ?? [0])
    }

    static func checkSize(_ center: [Double], _ network: NeuralNetwork, _ flag: String) throws {
        guard center.count == network.inputSize else {
            throw NetworkError.sizeMismatch(context: flag, expected: network.inputSize, actual: center.count,
                                            fix: "give one value per network input")
        }
    }

    static func report(_ result: QueryResult, trueClass: Int, eps: Double, phaseEngine: Bool) {
        switch result.verdict {
        case .holds(let method):
            print("ROBUST (method: \(method.rawValue)) class \(trueClass), eps \(eps)")
        case .violated(let counterexample):
            print("NOT ROBUST class \(trueClass), eps \(eps): counterexample found by \(counterexample.source.rawValue)")
            describe(counterexample, trueClass)
        case .violatedUnconfirmed(let counterexample):
            print("NOT ROBUST (unconfirmed) class \(trueClass), eps \(eps): Z3 found a violation at a rational point that the exact check at its nearest double point does not confirm")
            describe(counterexample, trueClass)
        case .unknown(let reason):
            print("UNKNOWN class \(trueClass), eps \(eps): \(reason)")
        }
        let steps = result.steps.map { "\($0.name.rawValue) \(format($0.seconds * 1000, digits: 3)) ms\($0.decided ? " (decided)" : "")" }
        print("steps: " + steps.joined(separator: ", "))
        print(SolverOptions.searchLine(result.statistics, phaseEngine: phaseEngine))
        if !result.exact { print("note: the network has tanh/sigmoid layers; verdicts are sound, exactness is not claimed") }
    }

    /// The counterexample: its input, the exact check, and the float64 and float32 re-runs.
    static func describe(_ counterexample: Counterexample, _ trueClass: Int) {
        func margin(_ outputs: [Double]) -> String {
            let other = outputs.indices.filter { $0 != trueClass }.map { outputs[$0] }.max() ?? -.infinity
            return format(outputs[trueClass] - other, digits: 6)
        }
        let exactClass = counterexample.classification.classification.map(\.description) ?? "undecided"
        print("  input:   " + counterexample.input.map { format($0, digits: 17) }.joined(separator: ","))
        print("  exact:   class \(exactClass); check \(counterexample.check.label)")
        print("  float64: outputs " + counterexample.outputs.map { format($0, digits: 9) }.joined(separator: ",")
              + "; class \(counterexample.float64Classification); margin y[\(trueClass)] - max other = \(margin(counterexample.outputs))")
        print("  float32: outputs " + counterexample.float32Outputs.map { format($0, digits: 9) }.joined(separator: ",")
              + "; class \(counterexample.float32Classification); margin y[\(trueClass)] - max other = \(margin(counterexample.float32Outputs))")
        if counterexample.precisionsDisagree {
            print("  note: float32 and float64 disagree at this input (a float32 runtime sees class \(counterexample.float32Classification))")
        }
    }
}
