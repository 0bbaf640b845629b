import Foundation
import Encoding
import Network
import Solver

/// `verify check CERT.json`: re-validates a certificate written by `local --json` or
/// `vnnlib --json`, independently of the run that produced it.
enum CheckCommand: Subcommand {
    static let spec = CommandSpec(
        name: "check",
        summary: "Re-validate a certificate: replay counterexamples, re-prove every sub-box (bounds, Z3, cvc5).",
        positionals: [PositionalSpec(name: "CERTIFICATE", help: "JSON written by 'verify local --json' or 'verify vnnlib --json'")],
        options: [
            .value("--cvc5", "PATH", "cvc5 binary for a second opinion on Z3 leaves (default: cvc5 on PATH, if any)"),
            .flag("--no-cvc5", "do not use cvc5"),
        ],
        discussion: "The network files named in the certificate must exist and match their SHA-256 digests. Exit codes: 0 valid, 1 invalid, 2 input error.")

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let path = arguments.positionals[0]
        guard let data = FileManager.default.contents(atPath: path) else {
            throw NetworkError.unreadable(file: path, reason: "no such file or not readable")
        }
        func fail(_ place: String, _ problem: String) -> NetworkError {
            .invalidContent(file: path, place: place, problem: problem, fix: "give a certificate written by 'verify local --json' or 'verify vnnlib --json'")
        }
        guard let root = (try? JSONText.parse(data)) as? [String: Any] else { throw fail("top level", "not a JSON object") }
        let cvc5 = arguments.flag("--no-cvc5") ? nil : (arguments.value("--cvc5") ?? findOnPath("cvc5"))

        func file(_ key: String) throws -> String {
            guard let name = root[key] as? String else { throw fail(key, "missing") }
            guard let digest = root["\(key)_sha256"] as? String else { throw fail("\(key)_sha256", "missing") }
            guard try fileDigest(name) == digest else {
                throw fail(key, "\(name) does not match the SHA-256 recorded in the certificate (the file changed)")
            }
            return name
        }
        let network: NeuralNetwork
        var records: [[String: Any]]
        if let queries = root["queries"] as? [[String: Any]] {
            network = try NetworkFile.load(try file("model"))
            _ = try file("property")
            records = queries
        } else if root["model"] != nil {
            network = try NetworkFile.load(try file("model"))
            records = [root]
        } else {
            var adapter: Adapter?
            if let object = root["adapter"] {
                // Each of scale and shift: one number, or one number per element.
                func values(_ value: Any?) -> [Double]? { (value as? Double).map { [$0] } ?? numbers(value) }
                guard let object = object as? [String: Any], let scale = values(object["scale"]), let shift = values(object["shift"]) else {
                    throw fail("adapter", "expected {\"scale\": number or list, \"shift\": number or list}")
                }
                adapter = Adapter(scale: scale, shift: shift)
            }
            network = try NeuralNetwork.composing(classifier: NetworkFile.load(try file("classifier")),
                                                  after: NetworkFile.load(try file("generator")), adapter: adapter)
            records = [root]
        }

        var report = CertificateChecker.Report()
        var unchecked: [String] = []
        for (index, record) in records.enumerated() {
            let place = records.count > 1 ? "query \(index + 1)" : "certificate"
            let query = try rebuildQuery(record, network: network, fail: { fail(place, $0) })
            switch record["verdict"] as? String {
            case "holds":
                if record["proof_leaves_truncated"] as? Bool == true {
                    unchecked.append("\(place): the proof's sub-box list was truncated when written; it cannot be re-checked")
                    continue
                }
                let leaves = try (record["proof_leaves"] as? [[String: Any]] ?? []).map { leaf -> CertificateChecker.Leaf in
                    guard let lower = numbers(leaf["lower"]), let upper = numbers(leaf["upper"]),
                          let method = (leaf["method"] as? String).flatMap(LeafMethod.init(rawValue:)) else {
                        throw fail(place, "a proof sub-box lacks lower, upper or method")
                    }
                    return .init(lower: lower, upper: upper, method: method)
                }
                try CertificateChecker.checkProof(query, leaves: leaves, cvc5: cvc5,
                                                  leafProcessExecutable: LeafProcessOption.ownExecutable(), report: &report)
            case "violated":
                guard let counterexample = record["counterexample"] as? [String: Any], let input = numbers(counterexample["input"]) else {
                    throw fail(place, "a violated verdict without a counterexample input")
                }
                CertificateChecker.checkCounterexample(query, input: input, report: &report)
            case let other:
                unchecked.append("\(place): verdict \(other ?? "missing") carries nothing to re-check")
            }
        }
        print("re-checked: \(report.leavesChecked) proof sub-boxes (\(report.reprovedByBounds) by fresh bounds, \(report.reprovedByZ3) by Z3\(cvc5 == nil ? "" : ", \(report.confirmedByCVC5) confirmed by cvc5")), \(report.counterexamplesReplayed) counterexamples replayed")
        for line in unchecked { print("not checked: \(line)") }
        if report.leavesChecked == 0 && report.counterexamplesReplayed == 0 {
            print("the certificate claims no verdict (unknown): nothing to validate")
            return .success
        }
        if report.problems.isEmpty {
            print("certificate VALID")
            return .success
        }
        for problem in report.problems { print("problem: \(problem)") }
        print("certificate INVALID")
        return .negative
    }

    static func numbers(_ value: Any?) -> [Double]? {
        guard let array = value as? [Any] else { return nil }
        let values = array.compactMap { $0 as? Double }
        return values.count == array.count ? values : nil
    }

    static func rebuildQuery(_ record: [String: Any], network: NeuralNetwork, fail: (String) -> NetworkError) throws -> SafetyQuery {
        guard let box = record["box"] as? [String: Any], let lower = numbers(box["lower"]), let upper = numbers(box["upper"]),
              lower.count == network.inputSize, let checkedBox = try? Box(lower: lower, upper: upper) else {
            throw fail("box missing or of the wrong size for the network")
        }
        guard let unsafe = record["unsafe_set"] as? [[Any]] else { throw fail("unsafe_set missing") }
        let disjuncts = try unsafe.map { atoms in
            try atoms.map { value -> OutputAtom in
                guard let atom = value as? [String: Any], let coefficients = numbers(atom["coefficients"]),
                      coefficients.count == network.outputSize, let constant = atom["constant"] as? Double else {
                    throw fail("an unsafe-set atom is malformed")
                }
                return OutputAtom(coefficients: coefficients, constant: constant)
            }
        }
        return SafetyQuery(network: network, box: checkedBox,
                           property: OutputProperty(outputCount: network.outputSize, disjuncts: disjuncts))
    }

    static func findOnPath(_ name: String) -> String? {
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        return directories.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
