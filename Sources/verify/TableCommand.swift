import Foundation

/// `verify table`: not implemented yet (placeholder registered so that helpers do not edit VerifyTool.swift).
enum TableCommand: Subcommand {
    static let spec = CommandSpec(name: "table", summary: "Global correctness (and robustness) of several classifiers against several generator families, as a table.")

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        throw UsageError(description: "verify table: not implemented yet")
    }
}
