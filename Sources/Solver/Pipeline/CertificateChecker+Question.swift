import Foundation
import Encoding
import Network
import Support

extension CertificateChecker {
    /// The question a certificate answers, re-derived from the inputs it names; the
    /// certificate contributes only file names, digests, and the centre, eps and class of a
    /// local query.
    struct Question {
        var description: String
        var network: NeuralNetwork
        /// The queries the answer needs, in the order the tool solves them.
        var queries: [SafetyQuery]
        /// The certificate's per-query records (evidence), in the same order.
        var records: [[String: Any]]
        var claim: Claim
        /// The parsed property of a VNN-LIB certificate (nil for local robustness).
        var vnnlib: VNNLibProperty?

        func place(_ index: Int) -> String {
            queries.count == 1 && vnnlib == nil ? "the query" : "query \(index + 1) of \(queries.count)"
        }

        /// Nil when `input` is a counterexample of the question, in the tool's one meaning of
        /// a violation: for a VNN-LIB property, the input and its outputs satisfy the file's
        /// constraints exactly, with the network evaluated in exact arithmetic and in the float
        /// forward pass (``VNNLibProperty/confirmedViolation(network:candidate:)`` accepts the
        /// point itself); for local robustness, the input lies in the box and the exact check
        /// (``CounterexampleCheck``) confirms that some margin of the class is `<= 0`.
        /// Otherwise why not.
        func replay(_ input: [Double]) -> CertificateProblem.CounterexampleFailure? {
            if let vnnlib {
                if vnnlib.confirmedViolation(network: network, candidate: input) == input { return nil }
                return queries.contains { $0.box.contains(input) } ? .notUnsafe : .outsideInputRegion
            }
            let query = queries[0]
            guard query.box.contains(input) else { return .outsideInputRegion }
            return CounterexampleCheck.evaluate(query, point: input, exact: nil, source: .center).isConfirmed ? nil : .notUnsafe
        }

        /// Loads the files (checking their digests first) and re-derives the queries. Nil,
        /// with ``CertificateProblem/digestMismatch(role:file:recorded:actual:)`` in `report`,
        /// when a file is not the one the certificate was written for.
        static func derive(_ fields: CertificateFields, options: Options, report: inout Report) throws -> Question? {
            let isVNNLib = fields.object["queries"] != nil || fields.object["kind"] as? String == "vnnlib"
            let roles: [FileRole] = isVNNLib ? [.model, .property]
                : fields.object["model"] != nil ? [.model] : [.classifier, .generator]
            var paths: [FileRole: String] = [:]
            for role in roles {
                let path = try options.files[role] ?? fields.string(role.rawValue)
                let recorded = try fields.string("\(role.rawValue)_sha256")
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw NetworkError.unreadable(file: path, reason: "no such file or not readable (the certificate's \(role.rawValue); give another path with --\(role.rawValue))")
                }
                let actual = SHA256.hex(of: [UInt8](data))
                if actual != recorded {
                    report.problems.append(.digestMismatch(role: role.rawValue, file: path, recorded: recorded, actual: actual))
                }
                paths[role] = path
            }
            guard report.problems.isEmpty else { return nil }
            if isVNNLib { return try vnnlib(fields, paths) }
            let question = try local(fields, paths)
            compare(fields, options.expected, report: &report)
            return question
        }

        /// The certificate's centre, eps and class against those the user expects.
        static func compare(_ fields: CertificateFields, _ expected: ExpectedLocalQuestion, report: inout Report) {
            if let center = expected.center, let recorded = CertificateFields.numbers(fields.object["center"]), recorded != center {
                report.problems.append(.otherQuestion(field: "centre", recorded: "\(recorded)", expected: "\(center)"))
            }
            if let eps = expected.eps, let recorded = fields.object["eps"] as? Double, recorded != eps {
                report.problems.append(.otherQuestion(field: "eps", recorded: "\(recorded)", expected: "\(eps)"))
            }
            if let trueClass = expected.trueClass, let recorded = try? fields.int("class"), recorded != trueClass {
                report.problems.append(.otherQuestion(field: "class", recorded: "\(recorded)", expected: "\(trueClass)"))
            }
        }

        static func vnnlib(_ fields: CertificateFields, _ paths: [FileRole: String]) throws -> Question {
            let network = try NetworkFile.load(paths[.model]!)
            let property = try VNNLibParser.parse(contentsOf: paths[.property]!, expectedInputs: network.inputSize,
                                                  expectedOutputs: network.outputSize)
            let queries = try VNNLibQueries.queries(for: property, network: network)
            guard let records = fields.object["queries"] as? [[String: Any]] else { throw fields.fail("queries", "missing or not a list") }
            let answer = try fields.string("answer")
            let claim: Claim = answer == "unsat" ? .holds : answer == "sat" ? .violated : .nothing(verdict: answer)
            let disjuncts = queries.map(\.property.disjuncts.count).reduce(0, +)
            return Question(
                description: "VNN-LIB property \(paths[.property]!) on \(paths[.model]!): \(queries.count) input box(es), \(disjuncts) output disjunct(s)",
                network: network, queries: queries, records: records, claim: claim, vnnlib: property)
        }

        static func local(_ fields: CertificateFields, _ paths: [FileRole: String]) throws -> Question {
            let network: NeuralNetwork
            let name: String
            if let model = paths[.model] {
                network = try NetworkFile.load(model)
                name = model
            } else {
                var adapter: Adapter?
                if let object = fields.object["adapter"] as? [String: Any] {
                    let scale = (object["scale"] as? Double).map { [$0] } ?? CertificateFields.numbers(object["scale"])
                    let shift = (object["shift"] as? Double).map { [$0] } ?? CertificateFields.numbers(object["shift"])
                    guard let scale, let shift else { throw fields.fail("adapter", "needs numbers scale and shift") }
                    adapter = Adapter(scale: scale, shift: shift)
                }
                network = try NeuralNetwork.composing(classifier: NetworkFile.load(paths[.classifier]!),
                                                      after: NetworkFile.load(paths[.generator]!), adapter: adapter)
                name = "\(paths[.classifier]!) ∘ \(adapter.map { "adapter(\($0.scale), \($0.shift)) ∘ " } ?? "")\(paths[.generator]!)"
            }
            let center = try fields.vector("center")
            guard center.count == network.inputSize else {
                throw fields.fail("center", "has \(center.count) values, the network takes \(network.inputSize) inputs")
            }
            let eps = try fields.double("eps")
            let trueClass = try fields.int("class")
            guard trueClass >= 0, trueClass < network.outputSize else {
                throw fields.fail("class", "\(trueClass) is not one of the network's \(network.outputSize) classes")
            }
            let box: Box
            do { box = try Box.linf(center: center, radius: eps) } catch { throw fields.fail("eps", "\(error)") }
            let query = SafetyQuery(network: network, box: box,
                                    property: .misclassification(outputCount: network.outputSize, trueClass: trueClass))
            let verdict = try fields.string("verdict")
            let claim: Claim = verdict == "holds" ? .holds : verdict == "violated" ? .violated : .nothing(verdict: verdict)
            return Question(description: "local robustness of class \(trueClass) on the L-inf ball of radius \(eps) around \(center) of \(name)",
                            network: network, queries: [query], records: [fields.object], claim: claim, vnnlib: nil)
        }
    }
}

/// Typed access to a certificate's JSON fields; a malformed field is an input error naming
/// the file and the field.
struct CertificateFields {
    let object: [String: Any]
    let file: String

    func fail(_ place: String, _ problem: String) -> NetworkError {
        .invalidContent(file: file, place: place, problem: problem,
                        fix: "give a certificate written by 'verify local --json' or 'verify vnnlib --json'")
    }

    func string(_ key: String) throws -> String {
        guard let value = object[key] as? String else { throw fail(key, "missing or not a string") }
        return value
    }

    func double(_ key: String) throws -> Double {
        guard let value = object[key] as? Double else { throw fail(key, "missing or not a number") }
        return value
    }

    func int(_ key: String) throws -> Int {
        guard let value = object[key] as? Double, let int = Int(exactly: value) else { throw fail(key, "missing or not an integer") }
        return int
    }

    func vector(_ key: String) throws -> [Double] {
        guard let values = Self.numbers(object[key]) else { throw fail(key, "missing or not a list of numbers") }
        return values
    }

    static func numbers(_ value: Any?) -> [Double]? {
        guard let array = value as? [Any] else { return nil }
        let values = array.compactMap { $0 as? Double }
        return values.count == array.count ? values : nil
    }

    /// The record's copy of its unsafe set, or nil when absent or malformed.
    func unsafeSet() -> [[OutputAtom]]? {
        guard let disjuncts = object["unsafe_set"] as? [[Any]] else { return nil }
        var result: [[OutputAtom]] = []
        for atoms in disjuncts {
            var conjunction: [OutputAtom] = []
            for value in atoms {
                guard let atom = value as? [String: Any], let coefficients = Self.numbers(atom["coefficients"]),
                      let constant = atom["constant"] as? Double else { return nil }
                conjunction.append(OutputAtom(coefficients: coefficients, constant: constant))
            }
            result.append(conjunction)
        }
        return result
    }

    /// The record's proof leaves.
    func leaves(place: String) throws -> [CertificateChecker.Leaf] {
        try (object["proof_leaves"] as? [[String: Any]] ?? []).map { leaf in
            guard let lower = Self.numbers(leaf["lower"]), let upper = Self.numbers(leaf["upper"]),
                  let method = (leaf["method"] as? String).flatMap(LeafMethod.init(rawValue:)) else {
                throw fail(place, "a proof sub-box lacks lower, upper or method")
            }
            var path: [Int]?
            if let steps = Self.numbers(leaf["path"]) {
                path = try steps.map { step in
                    guard let dimension = Int(exactly: step), dimension >= 0, dimension < lower.count else {
                        throw fail(place, "a proof sub-box's path names a dimension that does not exist")
                    }
                    return dimension
                }
            }
            return CertificateChecker.Leaf(lower: lower, upper: upper, method: method, path: path)
        }
    }
}
