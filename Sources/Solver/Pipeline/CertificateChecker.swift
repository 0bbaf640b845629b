import Foundation
import Encoding
import Network

/// Independent re-validation of a certificate (`verify check`).
///
/// The certificate is evidence, never the question. The question is re-derived from the
/// inputs it names (``CertificateChecker+Question``): a VNN-LIB certificate from the model
/// and property files (the queries are what ``VNNLibQueries`` makes of the parsed property:
/// every input box with its output disjuncts), a local-robustness certificate from the model
/// files, the centre, eps and class. The files are identified by their SHA-256 digests in
/// the certificate; a file that does not match is a problem, and nothing else is checked.
///
/// The claimed answer must then follow from evidence checked here:
/// - `unsat` / ROBUST: every re-derived query has a proof, re-proved by
///   ``checkProof(_:leaves:cvc5:leafProcessExecutable:report:)`` over the re-derived box and
///   unsafe set (the certificate's copies of both are only compared);
/// - `sat` / NOT ROBUST: a counterexample whose plain float forward pass is unsafe and which
///   lies in the property's input region;
/// - anything else (unknown, timeout, a counterexample unconfirmed in float) proves nothing.
public enum CertificateChecker {
    /// The files a certificate names.
    public typealias FileRole = CertifiedFiles.Role

    /// How to check.
    public struct Options: Sendable {
        /// Files to read instead of the paths recorded in the certificate (they must still
        /// match the recorded SHA-256 digests).
        public var files: [FileRole: String]
        /// A cvc5 binary for a second opinion on Z3 leaves, or nil.
        public var cvc5: String?
        /// Re-solve Z3 leaves in child processes of this `verify` binary, or nil for in-process.
        public var leafProcessExecutable: String?
        /// The local-robustness question the user expects (each nil: any); a certificate
        /// about another centre, eps or class is INVALID.
        public var expected: ExpectedLocalQuestion

        public init(files: [FileRole: String] = [:], cvc5: String? = nil, leafProcessExecutable: String? = nil,
                    expected: ExpectedLocalQuestion = ExpectedLocalQuestion()) {
            self.files = files
            self.cvc5 = cvc5
            self.leafProcessExecutable = leafProcessExecutable
            self.expected = expected
        }
    }

    /// Values of a local-robustness question that the certificate must have.
    public struct ExpectedLocalQuestion: Sendable {
        public var center: [Double]?
        public var eps: Double?
        public var trueClass: Int?
        public init(center: [Double]? = nil, eps: Double? = nil, trueClass: Int? = nil) {
            self.center = center
            self.eps = eps
            self.trueClass = trueClass
        }
    }

    /// What the certificate claims.
    public enum Claim: Sendable, Equatable, CustomStringConvertible {
        /// `unsat` (VNN-LIB) or ROBUST (local): no input of the box reaches the unsafe set.
        case holds
        /// `sat` (VNN-LIB) or NOT ROBUST (local), with a counterexample.
        case violated
        /// A verdict that is no proof (`unknown`, `timeout`, `violated-unconfirmed`).
        case nothing(verdict: String)

        public var description: String {
            switch self {
            case .holds: return "the property holds (unsat / robust)"
            case .violated: return "the property is violated (sat / not robust)"
            case .nothing(let verdict): return "no verdict (\(verdict))"
            }
        }
    }

    /// The result of a check.
    public enum Outcome: Sendable, Equatable {
        /// The claim follows from evidence checked here.
        case valid
        /// Something does not check out: the certificate proves nothing about its inputs.
        case invalid
        /// The certificate claims no verdict (and nothing else is wrong).
        case provesNothing
    }

    /// A leaf of a recorded proof: a closed sub-box, how it was closed, and the dimensions
    /// split above it (nil in certificates that do not record them).
    public struct Leaf: Sendable {
        public var lower: [Double]
        public var upper: [Double]
        public var method: LeafMethod
        public var path: [Int]?
        /// The slopes of a ``LeafMethod/slopes`` leaf (``LeafCertificate/slopes``).
        public var slopes: [SlopeLayerCertificate]?
        public init(lower: [Double], upper: [Double], method: LeafMethod, path: [Int]? = nil,
                    slopes: [SlopeLayerCertificate]? = nil) {
            self.lower = lower
            self.upper = upper
            self.method = method
            self.path = path
            self.slopes = slopes
        }
    }

    public struct Report: Sendable {
        /// The re-derived question, in words.
        public var question = ""
        public var claim = Claim.nothing(verdict: "missing")
        /// The build that wrote the certificate, when recorded.
        public var writtenBy: ToolVersion?
        /// Recorded proof leaves accounted for (closed at the leaf or above it).
        public var leavesChecked = 0
        /// Nodes of the rebuilt bisection trees that were bounded.
        public var nodesBounded = 0
        public var reprovedByBounds = 0
        /// Proof sub-boxes closed by the sound bounds with their recorded slopes (`slopes` leaves).
        public var reprovedBySlopes = 0
        public var reprovedByZ3 = 0
        public var confirmedByCVC5 = 0
        public var counterexamplesReplayed = 0
        /// Anything that does not check out. Empty means the evidence supports the claim.
        public var problems: [CertificateProblem] = []
        public init() {}

        public var outcome: Outcome {
            if !problems.isEmpty { return .invalid }
            if case .nothing = claim { return .provesNothing }
            return .valid
        }
    }

    /// Checks `certificate` (read from the file `file`, ``Certificate/read(_:file:)``).
    ///
    /// - Throws: ``NetworkError`` when the certificate is malformed or a file it needs cannot
    ///   be read or parsed (input errors, not verdicts).
    public static func check(_ certificate: Certificate, file: String, options: Options) throws -> Report {
        var report = Report()
        report.writtenBy = certificate.tool
        let question = try Question.derive(certificate, file: file, options: options, report: &report)
        guard let question else { return report }
        report.question = question.description
        report.claim = question.claim
        switch question.claim {
        case .nothing:
            return report
        case .holds:
            try checkHolds(question, file: file, options: options, report: &report)
        case .violated:
            checkViolated(question, report: &report)
        }
        return report
    }

    /// Every re-derived query needs a record with verdict `holds` whose proof re-checks.
    static func checkHolds(_ question: Question, file: String, options: Options, report: inout Report) throws {
        let records = question.records
        if records.count > question.queries.count {
            report.problems.append(.extraRecords(count: records.count - question.queries.count, queries: question.queries.count))
        }
        for (index, query) in question.queries.enumerated() {
            let place = question.place(index)
            guard index < records.count else {
                report.problems.append(.missingQuery(place: place))
                continue
            }
            let record = records[index]
            compareCopies(record, query, place: place, report: &report)
            guard record.verdict == .holds else {
                report.problems.append(.queryNotProved(place: place, verdict: record.verdict?.rawValue ?? "missing"))
                continue
            }
            if record.proofLeavesTruncated == true {
                report.problems.append(.truncatedProof(place: place))
                continue
            }
            if let proof = record.phaseProof {
                try checkPhaseProof(query, proof: proof, cvc5: options.cvc5, leafProcessExecutable: options.leafProcessExecutable,
                                    place: place, report: &report)
                continue
            }
            let leaves = try Self.leaves(of: record, place: place, file: file)
            try checkProof(query, leaves: leaves, cvc5: options.cvc5, leafProcessExecutable: options.leafProcessExecutable,
                           place: place, report: &report)
        }
    }

    /// The counterexamples of the records with verdict `violated` must lie in the input
    /// region and be unsafe in float, and there must be one. (Records with other verdicts,
    /// e.g. a counterexample unconfirmed in float on an earlier query, claim nothing.)
    static func checkViolated(_ question: Question, report: inout Report) {
        var found = false
        for (index, record) in question.records.enumerated() {
            let place = question.place(index)
            if index < question.queries.count { compareCopies(record, question.queries[index], place: place, report: &report) }
            guard record.verdict == .violated else { continue }
            guard let counterexample = record.counterexample else {
                report.problems.append(.counterexampleMalformed(place: place))
                continue
            }
            found = true
            guard let input = counterexample.input, input.count == question.network.inputSize else {
                report.problems.append(.counterexampleMalformed(place: place))
                continue
            }
            report.counterexamplesReplayed += 1
            // A failing counterexample next to a confirmed one still makes the certificate wrong.
            if let failure = question.replay(input) { report.problems.append(.counterexampleFails(place: place, failure)) }
        }
        if !found { report.problems.append(.noCounterexample) }
    }

    /// The certificate's copies of a query's box and unsafe set must equal the re-derived ones.
    static func compareCopies(_ record: QueryCertificate, _ query: SafetyQuery, place: String, report: inout Report) {
        if record.box?.lower != query.box.lower || record.box?.upper != query.box.upper {
            report.problems.append(.copyDiffers(place: place, what: .box))
        }
        if record.unsafeSet?.map({ $0.map(\.atom) }) != query.property.disjuncts {
            report.problems.append(.copyDiffers(place: place, what: .unsafeSet))
        }
    }

    /// The record's proof leaves; a path naming a dimension the box does not have is an
    /// input error naming the file.
    static func leaves(of record: QueryCertificate, place: String, file: String) throws -> [Leaf] {
        try (record.proofLeaves ?? []).map { leaf in
            if let path = leaf.path, path.contains(where: { $0 < 0 || $0 >= leaf.lower.count }) {
                throw NetworkError.invalidContent(file: file, place: place,
                                                  problem: "a proof sub-box's path names a dimension that does not exist",
                                                  fix: Certificate.malformedFix)
            }
            return Leaf(lower: leaf.lower, upper: leaf.upper, method: leaf.method, path: leaf.path, slopes: leaf.slopes)
        }
    }
}
