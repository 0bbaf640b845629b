import Foundation
import Encoding
import Network
import Solver
import Support

/// `verify check CERT.json`: re-derives the question a certificate answers from its files
/// (and the centre, eps and class of a local query) and re-checks that the claimed answer
/// follows, independently of the run that wrote it (``CertificateChecker``).
enum CheckCommand: Subcommand {
    static let spec = CommandSpec(
        name: "check",
        summary: "Re-validate a certificate: re-derive its queries from the files, replay counterexamples, re-prove every sub-box.",
        positionals: [PositionalSpec(name: "CERTIFICATE", help: "JSON written by 'verify local --json' or 'verify vnnlib --json'")],
        options: [
            .value("--model", "FILE", "the model file (default: the path recorded in the certificate)"),
            .value("--property", "FILE", "the VNN-LIB file of a vnnlib certificate (default: the recorded path)"),
            .value("--classifier", "FILE", "the classifier of a local certificate (default: the recorded path)"),
            .value("--generator", "FILE", "the generator of a local certificate (default: the recorded path)"),
            .value("--center", "V1,V2,...", "a local certificate must be about this centre (noise or point)"),
            .value("--eps", "E", "a local certificate must be about this eps"),
            .value("--class", "C", "a local certificate must be about this class"),
            .value("--cvc5", "PATH", "cvc5 binary for a second opinion on Z3 leaves (default: cvc5 on PATH, if any)"),
            .flag("--no-cvc5", "do not use cvc5"),
        ],
        discussion: """
        The question is re-derived from the files, never taken from the certificate: the files must \
        match the SHA-256 digests recorded in it. unsat / ROBUST needs every query of the property \
        proved (the sub-boxes must tile each query's box); sat / NOT ROBUST needs a counterexample \
        that is unsafe in the float forward pass. Z3 sub-boxes are re-solved in child processes. \
        Exit codes: 0 valid, 1 invalid, 3 the certificate claims no verdict (unknown, timeout), \
        2 input error.
        """)

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let path = arguments.positionals[0]
        guard let data = FileManager.default.contents(atPath: path) else {
            throw NetworkError.unreadable(file: path, reason: "no such file or not readable")
        }
        let certificate = try Certificate.read(data, file: path)
        var files: [CertificateChecker.FileRole: String] = [:]
        for role in CertificateChecker.FileRole.allCases {
            if let file = arguments.value("--\(role.rawValue)") { files[role] = file }
        }
        let cvc5 = arguments.flag("--no-cvc5") ? nil : (arguments.value("--cvc5") ?? findOnPath("cvc5"))
        let expected = CertificateChecker.ExpectedLocalQuestion(
            center: try arguments.value("--center").map { try parseVector($0, place: "--center") },
            eps: try arguments.double("--eps"), trueClass: try arguments.int("--class"))
        let options = CertificateChecker.Options(files: files, cvc5: cvc5, leafProcessExecutable: try LeafProcessOption.worker(command: "check"),
                                                 expected: expected)
        let report = try CertificateChecker.check(certificate, file: path, options: options)

        print("written by: \(report.writtenBy?.description ?? "not recorded")")
        if !report.question.isEmpty { print("question: \(report.question)") }
        print("claim: \(report.claim)")
        print("re-checked: \(report.leavesChecked) proof sub-boxes (\(report.reprovedByBounds) by fresh bounds, \(report.reprovedBySlopes) by bounds with their recorded slopes, \(report.reprovedByZ3) by Z3\(cvc5 == nil ? "" : ", \(report.confirmedByCVC5) confirmed by cvc5"); \(report.nodesBounded) tree nodes bounded), \(report.counterexamplesReplayed) counterexamples replayed")
        for problem in report.problems { print("problem: \(problem)") }
        switch report.outcome {
        case .valid:
            print("certificate VALID")
            return .success
        case .invalid:
            print("certificate INVALID")
            return .negative
        case .provesNothing:
            print("certificate proves nothing: it claims no verdict")
            return .unknown
        }
    }

    static func findOnPath(_ name: String) -> String? {
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        return directories.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
