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
        var records: [QueryCertificate]
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
        static func derive(_ certificate: Certificate, file: String, options: Options, report: inout Report) throws -> Question? {
            let files: CertifiedFiles, roles: [FileRole]
            switch certificate {
            case .vnnlib(let vnnlib):
                files = vnnlib.files
                roles = [.model, .property]
            case .local(let local):
                files = local.files
                roles = local.files.files[.model] != nil ? [.model] : [.classifier, .generator]
            }
            var paths: [FileRole: String] = [:]
            for role in roles {
                guard let recorded = files.files[role] else {
                    throw NetworkError.invalidContent(file: file, place: role.rawValue, problem: "missing",
                                                      fix: Certificate.malformedFix)
                }
                let path = options.files[role] ?? recorded.path
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw NetworkError.unreadable(file: path, reason: "no such file or not readable (the certificate's \(role.rawValue); give another path with --\(role.rawValue))")
                }
                let actual = SHA256.hex(of: [UInt8](data))
                if actual != recorded.sha256 {
                    report.problems.append(.digestMismatch(role: role.rawValue, file: path, recorded: recorded.sha256, actual: actual))
                }
                paths[role] = path
            }
            guard report.problems.isEmpty else { return nil }
            switch certificate {
            case .vnnlib(let vnnlib):
                return try Self.vnnlib(vnnlib, paths)
            case .local(let local):
                let question = try Self.local(local, paths, file: file)
                compare(local, options.expected, report: &report)
                return question
            }
        }

        /// The certificate's centre, eps and class against those the user expects.
        static func compare(_ local: LocalCertificate, _ expected: ExpectedLocalQuestion, report: inout Report) {
            if let center = expected.center, local.center != center {
                report.problems.append(.otherQuestion(field: "centre", recorded: "\(local.center)", expected: "\(center)"))
            }
            if let eps = expected.eps, local.eps != eps {
                report.problems.append(.otherQuestion(field: "eps", recorded: "\(local.eps)", expected: "\(eps)"))
            }
            if let trueClass = expected.trueClass, local.trueClass != trueClass {
                report.problems.append(.otherQuestion(field: "class", recorded: "\(local.trueClass)", expected: "\(trueClass)"))
            }
        }

        static func vnnlib(_ certificate: VNNLibCertificate, _ paths: [FileRole: String]) throws -> Question {
            let network = try NetworkFile.load(paths[.model]!)
            let property = try VNNLibParser.parse(contentsOf: paths[.property]!, expectedInputs: network.inputSize,
                                                  expectedOutputs: network.outputSize)
            let queries = try VNNLibQueries.queries(for: property, network: network)
            let claim: Claim
            switch certificate.answer {
            case .unsat: claim = .holds
            case .sat: claim = .violated
            case .timeout, .unknown: claim = .nothing(verdict: certificate.answer.rawValue)
            }
            let disjuncts = queries.map(\.property.disjuncts.count).reduce(0, +)
            return Question(
                description: "VNN-LIB property \(paths[.property]!) on \(paths[.model]!): \(queries.count) input box(es), \(disjuncts) output disjunct(s)",
                network: network, queries: queries, records: certificate.queries, claim: claim, vnnlib: property)
        }

        static func local(_ certificate: LocalCertificate, _ paths: [FileRole: String], file: String) throws -> Question {
            func fail(_ place: String, _ problem: String) -> NetworkError {
                .invalidContent(file: file, place: place, problem: problem,
                                fix: Certificate.malformedFix)
            }
            let network: NeuralNetwork
            let name: String
            if let model = paths[.model] {
                network = try NetworkFile.load(model)
                name = model
            } else {
                let adapter = certificate.adapter?.adapter
                network = try NeuralNetwork.composing(classifier: NetworkFile.load(paths[.classifier]!),
                                                      after: NetworkFile.load(paths[.generator]!), adapter: adapter)
                name = "\(paths[.classifier]!) ∘ \(adapter.map { "adapter(\($0.scale), \($0.shift)) ∘ " } ?? "")\(paths[.generator]!)"
            }
            let center = certificate.center, eps = certificate.eps, trueClass = certificate.trueClass
            guard center.count == network.inputSize else {
                throw fail("center", "has \(center.count) values, the network takes \(network.inputSize) inputs")
            }
            guard trueClass >= 0, trueClass < network.outputSize else {
                throw fail("class", "\(trueClass) is not one of the network's \(network.outputSize) classes")
            }
            let box: Box
            do { box = try Box.linf(center: center, radius: eps) } catch { throw fail("eps", "\(error)") }
            let query = SafetyQuery(network: network, box: box,
                                    property: .misclassification(outputCount: network.outputSize, trueClass: trueClass))
            guard let verdict = certificate.query.verdict else { throw fail("verdict", "missing") }
            let claim: Claim
            switch verdict {
            case .holds: claim = .holds
            case .violated: claim = .violated
            case .violatedUnconfirmed, .unknown: claim = .nothing(verdict: verdict.rawValue)
            }
            return Question(description: "local robustness of class \(trueClass) on the L-inf ball of radius \(eps) around \(center) of \(name)",
                            network: network, queries: [query], records: [certificate.query], claim: claim, vnnlib: nil)
        }
    }
}
