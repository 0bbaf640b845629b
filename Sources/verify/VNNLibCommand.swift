import Foundation
import Encoding
import Network
import Solver
import Support

/// `verify vnnlib MODEL PROP`: VNN-COMP semantics (the file describes the unsafe set).
enum VNNLibCommand: Subcommand {
    static let spec = CommandSpec(
        name: "vnnlib",
        summary: "Decide a VNN-LIB property: prints unsat (holds), sat (violated), timeout or unknown.",
        positionals: [
            PositionalSpec(name: "MODEL", help: "network file (.onnx, .nnet or .json)"),
            PositionalSpec(name: "PROPERTY", help: "VNN-LIB file describing the unsafe set"),
        ],
        options: [.value("--result", "FILE", "write the VNN-COMP result file (verdict, counterexample ((X_0 v) ... (Y_0 v)))")]
            + SolverOptions.options + SolverOptions.oneShotOptions,
        discussion: """
        Exit codes: 0 unsat (the property holds), 1 sat (violated; the counterexample satisfies the \
        file's constraints exactly, with the network evaluated in exact arithmetic and in the float forward \
        pass; its float32 re-run is reported on stderr), 3 timeout or unknown, 2 input error. Ties count \
        as violations (VNN-LIB <= and >= are non-strict).
        """)

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let modelPath = arguments.positionals[0], propertyPath = arguments.positionals[1]
        var configuration = try SolverOptions.configuration(arguments)
        // VNN-COMP semantics: the time limit is the budget, so no node budget unless asked for.
        if arguments.value("--max-nodes") == nil { configuration.limits.maxNodes = Int.max }
        // One hard query, not thousands of samples: a stronger whole-box attack costs little.
        configuration.attack.wholeBox = QueryConfiguration.vnnlibAttack
        configuration.attack.escalatedAttack = QueryConfiguration.vnnlibEscalatedAttack
        configuration.attack.nodeAttack = QueryConfiguration.vnnlibNodeAttack
        try SolverOptions.oneShotSearch(arguments, &configuration, strongBranching: QueryConfiguration.oneShotStrongBranchingDepth,
                                        slopeSteps: QueryConfiguration.oneShotSlopeSteps, engine: .auto)
        let network = try NetworkFile.load(modelPath)
        let property = try VNNLibParser.parse(contentsOf: propertyPath, expectedInputs: network.inputSize,
                                              expectedOutputs: network.outputSize)
        let queries = try VNNLibQueries.queries(for: property, network: network)
        let solver = try QuerySolver(configuration: configuration)
        let deadline = Date().addingTimeInterval(configuration.limits.timeLimit)
        let hardDeadline = HardDeadline(seconds: configuration.limits.timeLimit, answer: "timeout", resultFile: arguments.value("--result"))
        var results: [(SafetyQuery, QueryResult)] = []
        var answer = VNNLibAnswer.unsat
        var witness: Counterexample?
        for query in queries {
            configuration.limits.timeLimit = max(deadline.timeIntervalSinceNow, 0.001)
            solver.configuration = configuration
            let result = solver.solve(query)
            results.append((query, result))
            switch result.verdict {
            case .holds: continue
            case .violated(let counterexample), .violatedUnconfirmed(let counterexample):
                // The query is the outward-rounded enlargement: sat needs a point of the exact
                // property, confirmed exactly and in the float forward pass.
                guard let input = property.confirmedViolation(network: network, candidate: counterexample.input) else {
                    answer = .unknown
                    continue
                }
                // The witness (result file and certificate) is the confirmed point of the exact
                // property, with its own float64/float32 re-runs.
                var confirmed = CounterexampleCheck.evaluate(query, point: input, exact: nil, source: counterexample.source)
                confirmed.input = input
                confirmed.outputs = network.evaluate(input)
                answer = .sat
                witness = confirmed
                results[results.count - 1].1.verdict = .violated(confirmed)
            case .unknown(let reason):
                if answer == .unsat { answer = reason.isTimeout ? .timeout : .unknown }
            }
            if answer == .sat { break }
        }
        // The files' contents first (a proof with many nodes takes a while to encode), then
        // the answer, unless the hard deadline has given one meanwhile.
        var resultText: String?
        if arguments.value("--result") != nil {
            var text = answer.rawValue + "\n"
            if let witness {
                let xs = witness.input.enumerated().map { "(X_\($0.offset) \(roundTripDecimal($0.element)))" }
                let ys = witness.outputs.enumerated().map { "(Y_\($0.offset) \(roundTripDecimal($0.element)))" }
                text += "(" + (xs + ys).joined(separator: "\n") + ")\n"
            }
            resultText = text
        }
        var certificateData: Data?
        if arguments.value("--json") != nil {
            let files = CertifiedFiles([.model: .init(path: modelPath, sha256: try fileDigest(modelPath)),
                                        .property: .init(path: propertyPath, sha256: try fileDigest(propertyPath))])
            let certificate = VNNLibCertificate(answer: answer, queries: results.map(QueryCertificate.init), files: files)
            certificateData = try Certificate.vnnlib(certificate).data()
        }
        hardDeadline.claimAnswerOrWait()
        print(answer.rawValue)
        // stderr: the search statistics summed over the property's queries.
        if let total = summedStatistics(results.map(\.1)) {
            printError(SolverOptions.searchLine(total, phaseEngine: configuration.phaseSplit.usesPhaseSplitting(network))
                       + (results.count > 1 ? " (\(results.count) queries)" : ""))
        }
        if let witness {
            // stderr: stdout stays the VNN-COMP answer line.
            let float32 = witness.isConfirmedInFloat32 ? "unsafe" : "safe"
            let float64 = witness.isConfirmedInFloat ? "unsafe" : "safe"
            printError("counterexample: check \(witness.check.label); float64 pass \(float64); float32 pass \(float32)"
                       + (witness.precisionsDisagree ? " (float32 and float64 disagree)" : ""))
        }
        if let path = arguments.value("--result"), let resultText { try writeAtomically(resultText, to: path) }
        if let path = arguments.value("--json"), let certificateData { try writeAtomically(certificateData, to: path) }
        switch answer {
        case .unsat: return .success
        case .sat: return .negative
        case .timeout, .unknown: return .unknown
        }
    }

    /// The counters of several queries: sums, and the maximum for depth and root unstable
    /// units; nil for none.
    static func summedStatistics(_ results: [QueryResult]) -> QueryStatistics? {
        guard var total = results.first?.statistics else { return nil }
        for s in results.dropFirst().map(\.statistics) {
            total.nodes += s.nodes
            total.maxDepth = max(total.maxDepth, s.maxDepth)
            total.smtLeaves += s.smtLeaves
            total.smtUnsat += s.smtUnsat
            total.smtSat += s.smtSat
            total.smtUnknown += s.smtUnknown
            total.rootUnstableUnits = max(total.rootUnstableUnits, s.rootUnstableUnits)
            total.rootBranchEvaluations += s.rootBranchEvaluations
            total.rootBranchStabilised += s.rootBranchStabilised
            total.rootBranchLoose += s.rootBranchLoose
            total.falsifier = total.falsifier + s.falsifier
            total.falsifierFound = total.falsifierFound || s.falsifierFound
        }
        return total
    }
}

/// A Double written so that parsing it back gives the same Double (shortest round-trip
/// digits; Swift prints no exponent for ordinary magnitudes, and VNN-COMP readers accept
/// exponent notation where Swift uses it).
func roundTripDecimal(_ value: Double) -> String { "\(value)" }

/// SHA-256 of a file's bytes.
func fileDigest(_ path: String) throws -> String {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw NetworkError.unreadable(file: path, reason: "no such file or not readable")
    }
    return SHA256.hex(of: [UInt8](data))
}

/// Writes through a temporary file and a rename, so a reader never sees a partial file.
func writeAtomically(_ text: String, to path: String) throws { try writeAtomically(Data(text.utf8), to: path) }

func writeAtomically(_ data: Data, to path: String) throws {
    do {
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    } catch {
        throw NetworkError.invalidInput(place: path, problem: "cannot write the file (\(error.localizedDescription))",
                                        fix: "check that the directory exists and is writable")
    }
}
