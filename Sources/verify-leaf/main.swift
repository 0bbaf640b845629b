import Foundation
import Solver

/// `verify-leaf FILE [--timeout-ms N] [--rlimit N] [--exit-with-stdin]`: solves one exact leaf
/// query with Z3 for a parent process (``IsolatedLeaf``), so a Z3 call that never returns
/// costs a killed process, not a hung worker thread.
///
/// FILE is an SMT-LIB2 leaf query as ``PiecewiseLinearSystem/smtlib2(phases:comment:)`` writes
/// it (inputs `X_0, X_1, ...`). Standard output: one ``LeafAnswer`` in its text form
/// (``LeafAnswer/text(resourceCount:)``). `--timeout-ms`: Z3's wall-clock limit; `--rlimit`:
/// Z3's deterministic resource limit (0 = none); `--exit-with-stdin`: exit (status 3) when
/// standard input reaches end of file, so the worker dies with the parent that holds the pipe.
///
/// Exit codes: 0 answered; 2 bad arguments, an unreadable file or a text that is not a leaf
/// query (a text Z3 rejects is always an error, never `sat`); 3 the parent went away.
enum LeafWorkerMain {
    struct Failure: Error { var message: String }

    static func run(_ arguments: [String]) throws(Failure) {
        var path: String?
        var options = Z3QueryOptions()
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            switch argument {
            case "--exit-with-stdin":
                exitWhenStandardInputCloses()
            case "--timeout-ms", "--rlimit":
                guard let text = rest.popFirst(), let value = UInt32(text) else {
                    throw Failure(message: "\(argument) expects an integer from 0 to \(UInt32.max)")
                }
                if argument == "--timeout-ms" {
                    guard value > 0 else { throw Failure(message: "--timeout-ms must be at least 1") }
                    options.timeoutMilliseconds = value
                } else if value > 0 {
                    options.resourceLimit = value
                }
            case _ where argument.hasPrefix("-"):
                throw Failure(message: "unknown option \(argument); usage: verify-leaf FILE [--timeout-ms N] [--rlimit N] [--exit-with-stdin]")
            default:
                guard path == nil else { throw Failure(message: "one FILE only, got \(path!) and \(argument)") }
                path = argument
            }
        }
        guard let path else { throw Failure(message: "usage: verify-leaf FILE [--timeout-ms N] [--rlimit N] [--exit-with-stdin]") }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw Failure(message: "cannot read \(path) (no such file, not readable or not UTF-8 text)")
        }
        let answer: LeafAnswer, resources: Double
        do {
            (answer, resources) = try LeafAnswer.solving(smtlib2: text, options: options)
        } catch {
            throw Failure(message: "\(path): " + "\(error)".split(whereSeparator: \.isNewline).joined(separator: " "))
        }
        FileHandle.standardOutput.write(Data(answer.text(resourceCount: resources).utf8))
    }

    /// A thread that blocks reading stdin and ends the process (status 3) at end of file.
    static func exitWhenStandardInputCloses() {
        Thread.detachNewThread {
            var byte: UInt8 = 0
            while read(0, &byte, 1) > 0 {}
            _exit(3)
        }
    }
}

do {
    try LeafWorkerMain.run(Array(CommandLine.arguments.dropFirst()))
    exit(0)
} catch {
    FileHandle.standardError.write(Data("verify-leaf: \(error.message)\n".utf8))
    exit(2)
}
