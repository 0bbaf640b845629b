import Foundation

/// `verify sample`: not implemented yet (placeholder registered so that helpers do not edit VerifyTool.swift).
enum SampleCommand: Subcommand {
    static let spec = CommandSpec(name: "sample", summary: "Draw a grid of generated images as PNG, misclassified ones framed.")

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        throw UsageError(description: "verify sample: not implemented yet")
    }
}
