import Foundation

/// `verify report`: not implemented yet (placeholder registered so that helpers do not edit VerifyTool.swift).
enum ReportCommand: Subcommand {
    static let spec = CommandSpec(name: "report", summary: "Write a self-contained HTML report of a robustness results file.")

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        throw UsageError(description: "verify report: not implemented yet")
    }
}
