import Foundation
import Sampling

/// `verify merge OUT SHARD...`: joins shard files into one results file.
enum MergeCommand: Subcommand {
    static let spec = CommandSpec(
        name: "merge",
        summary: "Join results files (shards) of one experiment into one file, refusing overlaps and mismatches.",
        positionals: [
            PositionalSpec(name: "OUT", help: "merged results file to write"),
            PositionalSpec(name: "SHARD", help: "results files to join", variadic: true),
        ],
        options: [.flag("--force", "overwrite OUT if it exists")],
        discussion: """
        The files must share the experiment hash and the statistical settings recorded in their \
        headers (delta, confidence, bound, samples per class, stop-early), and must not overlap. \
        Then 'verify summary OUT' gives the statistics over all samples. \
        Exit codes: 0 merged, 2 input error (mismatch or overlap).
        """)

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let out = arguments.positionals[0]
        let inputs = Array(arguments.positionals.dropFirst())
        if FileManager.default.fileExists(atPath: out), !arguments.flag("--force") {
            throw UsageError(description: "verify merge: \(out) already exists; choose another OUT or add --force")
        }
        if inputs.contains(out) {
            throw UsageError(description: "verify merge: OUT \(out) is also an input; write the merged file elsewhere")
        }
        let lock = try ResultsLock.acquire(for: out)
        defer { lock.release() }
        var (header, records, partial) = try ResultsMerge.join(inputs)
        for path in partial { printError("note: \(path) ends in a partially written line; it is left out") }
        header.shard = nil
        try ResultsFile.write(out, header: header, records: records)
        print("merged \(records.count) samples from \(inputs.count) file\(inputs.count == 1 ? "" : "s") into \(out) (experiment \(header.experiment.prefix(12)))")
        return .success
    }
}
