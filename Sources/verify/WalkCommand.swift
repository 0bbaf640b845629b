import Foundation

/// `verify walk`: not implemented yet (placeholder registered so that helpers do not edit VerifyTool.swift).
enum WalkCommand: Subcommand {
    static let spec = CommandSpec(name: "walk", summary: "Random walk in noise space: a strip (PNG) or animation (GIF) of generated images with labels.")

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        throw UsageError(description: "verify walk: not implemented yet")
    }
}
