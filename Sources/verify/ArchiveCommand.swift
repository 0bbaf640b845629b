import Foundation
import Sampling

/// `verify archive RESULTS OUT`: the results file without its generated noises.
enum ArchiveCommand: Subcommand {
    static let spec = CommandSpec(
        name: "archive",
        summary: "Write a results file without its generated noises (a fifth to a half of the size once gzipped); every reader puts them back.",
        positionals: [
            PositionalSpec(name: "RESULTS", help: "results file to archive (plain or gzip-compressed)"),
            PositionalSpec(name: "OUT", help: "archive to write (plain JSON lines; compress it with gzip -9 -n)"),
        ],
        options: [.flag("--force", "overwrite OUT if it exists")],
        discussion: """
        A sample's noise is a function of the experiment's seed, its class and its index, so an \
        archive leaves it out of every record and records the SHA-256 of the noises in the \
        header ("omitted_noises"). Every command that reads results (summary, report, merge, \
        table --robustness, resume) regenerates them, checks the digest, and refuses the archive \
        with exit code 2 on a platform whose log/cos/sin give other noises. Counterexamples keep \
        their noises. Refused (exit 2): noises read from a file, or a record whose noise is not \
        the generated one. Exit codes: 0 written, 2 input error.
        """)

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let source = arguments.positionals[0], out = arguments.positionals[1]
        if FileManager.default.fileExists(atPath: out), !arguments.flag("--force") {
            throw UsageError(description: "verify archive: \(out) already exists; choose another OUT or add --force")
        }
        if source == out {
            throw UsageError(description: "verify archive: OUT \(out) is also RESULTS; write the archive elsewhere")
        }
        let file = try ResultsFile.read(source)
        if file.discardedPartialLine { printError("note: \(source) ends in a partially written line; it is left out") }
        let lock = try ResultsLock.acquire(for: out)
        defer { lock.release() }
        try ResultsFile.writeArchive(out, header: file.header, records: file.records, source: source)
        let size = (try? FileManager.default.attributesOfItem(atPath: out)[.size] as? Int) ?? 0
        print("archived \(file.records.count) samples of \(source) into \(out) (\(size) bytes without the generated noises; gzip -9 -n compresses it further)")
        return .success
    }
}
