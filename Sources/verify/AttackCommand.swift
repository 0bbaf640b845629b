import Foundation

/// `verify attack`: not implemented yet (placeholder registered so that helpers do not edit VerifyTool.swift).
enum AttackCommand: Subcommand {
    static let spec = CommandSpec(name: "attack", summary: "Find realistic adversarial examples: two eps-close noises whose images the classifier labels differently.")

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        throw UsageError(description: "verify attack: not implemented yet")
    }
}
