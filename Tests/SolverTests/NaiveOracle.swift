import Foundation
@testable import Solver
import XCTest

/// The verdict of the naive encoding (``PipelineDifferentialTests/naiveSMT(_:_:_:)``) of a
/// query: `sat` when some input of the box reaches the unsafe set, `unsat` when none does.
enum NaiveVerdict: Equatable {
    case sat
    case unsat
}

/// Decides naive encodings with an SMT solver independent of the product's: cvc5 when it is
/// on `PATH` (one process for a whole batch, problems separated by `(reset)`), Z3 otherwise.
///
/// cvc5 is both the more independent oracle (the product's leaves run Z3) and the faster one
/// here: on 150 random differential cases it took 7.5 s where Z3 4.8.12 took 32-40 s, Z3
/// spending seconds on a few `ite` chains over 53-bit rationals. Anything but `sat` or `unsat`
/// (an unknown, a parse error, a missing answer) throws: a differential test must not pass
/// on cases its oracle did not decide.
enum NaiveOracle {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Milliseconds cvc5 may spend on one problem (`--tlimit-per`); past them the answer is
    /// `unknown` and the batch throws rather than hang.
    static let perProblemMilliseconds = 120_000

    static func decide(_ problems: [String]) throws -> [NaiveVerdict] {
        if problems.isEmpty { return [] }
        if let cvc5 = Z3TestNetworks.executable("cvc5") { return try decideWithCVC5(cvc5, problems) }
        let z3 = try Z3Context()
        return try problems.enumerated().map { index, text in
            switch try z3.solve(smtlib2: text).outcome {
            case .sat: return .sat
            case .unsat: return .unsat
            case .unknown(let reason): throw Failure(description: "problem \(index): Z3 answered unknown (\(reason))")
            }
        }
    }

    /// One cvc5 run over all `problems` (each a complete script ending in `(check-sat)`).
    static func decideWithCVC5(_ executable: String, _ problems: [String]) throws -> [NaiveVerdict] {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("naive-\(UUID().uuidString).smt2")
        try problems.joined(separator: "\n(reset)\n").write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        let (status, output) = try Z3TestNetworks.run(executable, ["--lang=smt2", "--tlimit-per=\(perProblemMilliseconds)", url.path])
        let lines = output.split(separator: "\n").map(String.init)
        guard status == 0, lines.count == problems.count else {
            throw Failure(description: "cvc5 exited with \(status) and \(lines.count) answers for "
                          + "\(problems.count) problems: \(lines.prefix(5).joined(separator: " | "))")
        }
        return try lines.enumerated().map { index, line in
            switch line {
            case "sat": return .sat
            case "unsat": return .unsat
            default: throw Failure(description: "problem \(index): cvc5 answered \(line)")
            }
        }
    }
}
