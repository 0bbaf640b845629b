import Foundation
import Solver

/// `verify smt-leaf FILE`: internal. Solves one exact leaf query for a parent `verify` process
/// that runs its Z3 leaves in child processes (``QueryConfiguration/leafProcessExecutable``),
/// so a Z3 call that never returns costs a killed process, not a hung worker.
enum SMTLeafCommand: Subcommand {
    static let spec = CommandSpec(
        name: "smt-leaf",
        summary: "Internal: solve one SMT-LIB2 leaf query with Z3 for a parent process (robustness workers).",
        positionals: [PositionalSpec(name: "FILE", help: "SMT-LIB2 leaf query, as written by --smt2 (inputs X_0, X_1, ...)")],
        options: [
            .value("--timeout-ms", "N", "Z3 wall-clock limit in milliseconds (default: none)"),
            .value("--rlimit", "N", "Z3 resource limit, deterministic (default 0 = none)"),
            .flag("--exit-with-stdin", "exit (status 3) when standard input reaches end of file: the parent holds the pipe, so the leaf dies with it"),
        ],
        discussion: """
        Prints one answer on stdout, every line ending in a newline: 'unsat'; 'unknown REASON'; \
        or 'sat' followed by one line 'X_i p/q' per input variable in order (Z3's exact rational, \
        never a decimal); then 'rlimit N' (Z3 resource units used). Exit codes: 0 answered, \
        2 the file is unreadable or not a leaf query (a text Z3 rejects is always an error, never sat).
        """)

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let path = arguments.positionals[0]
        if arguments.flag("--exit-with-stdin") { exitWhenStandardInputCloses() }
        var options = Z3QueryOptions()
        if let milliseconds = try arguments.int("--timeout-ms", minimum: 1) {
            guard milliseconds <= Int(UInt32.max) else {
                throw UsageError(description: "verify smt-leaf: --timeout-ms must be at most \(UInt32.max), got \(milliseconds)")
            }
            options.timeoutMilliseconds = UInt32(milliseconds)
        }
        if let limit = try arguments.int("--rlimit"), limit > 0 {
            guard limit <= Int(UInt32.max) else {
                throw UsageError(description: "verify smt-leaf: --rlimit must be at most \(UInt32.max) (Z3 takes 32 bits), got \(limit)")
            }
            options.resourceLimit = UInt32(limit)
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw UsageError(description: "verify smt-leaf: cannot read \(path) (no such file, not readable or not UTF-8 text)")
        }
        let answer: LeafAnswer, resources: Double
        do {
            (answer, resources) = try LeafAnswer.solving(smtlib2: text, options: options)
        } catch {
            let message = "\(error)".split(whereSeparator: \.isNewline).joined(separator: " ")
            throw UsageError(description: "verify smt-leaf: \(path): \(message)")
        }
        FileHandle.standardOutput.write(Data(answer.text(resourceCount: resources).utf8))
        return .success
    }

    /// A thread that blocks reading stdin and ends the process at end of file.
    static func exitWhenStandardInputCloses() {
        Thread.detachNewThread {
            var byte: UInt8 = 0
            while read(0, &byte, 1) > 0 {}
            _exit(ExitCode.unknown.rawValue)
        }
    }
}
