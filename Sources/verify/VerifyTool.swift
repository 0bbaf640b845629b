import Foundation
import Network
import Solver

/// Entry point: dispatches to a subcommand and maps errors to exit codes.
enum VerifyTool {
    static var subcommands: [any Subcommand.Type] { [InfoCommand.self, EvalCommand.self, VNNLibCommand.self, LocalCommand.self, CheckCommand.self, CorrectnessCommand.self, RobustnessCommand.self, SummaryCommand.self, MergeCommand.self, ArchiveCommand.self, PlanCommand.self, AttackCommand.self, SampleCommand.self, WalkCommand.self, ReportCommand.self, TableCommand.self, ManualScorePageCommand.self, ManualScoreCommand.self] }

    static func topLevelHelp() -> String {
        var lines = [
            "verify: exact global correctness and robustness of classifiers on generative models (Z3).",
            "",
            "usage: verify SUBCOMMAND [arguments] [options]    (verify --version: tool version, commit, Z3 version)",
            "",
            "subcommands:",
        ]
        let width = max(14, (subcommands.map { $0.spec.name.count }.max() ?? 0) + 2)
        for command in subcommands {
            lines.append("  " + command.spec.name.padding(toLength: width, withPad: " ", startingAt: 0) + command.spec.summary)
        }
        lines += ["", "Run 'verify SUBCOMMAND --help' for its options. Exit codes: 0 success, 1 negative verdict, 2 usage or input error, 3 unknown or inconclusive, 4 exploratory statistics (summary with settings other than the recorded ones: no guarantee)."]
        return lines.joined(separator: "\n")
    }

    static func main() -> ExitCode {
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard let name = arguments.first, name != "--help", name != "-h", name != "help" else {
            print(topLevelHelp())
            return arguments.isEmpty ? .inputError : .success
        }
        if name == "--version" {
            print(ToolVersion.current.description)
            return .success
        }
        // OpenBLAS's kernels are chosen here, on the main thread before any worker exists:
        // the choice may set `OPENBLAS_CORETYPE`, and `setenv` must not race a worker's `getenv`.
        _ = DenseProduct.threads
        guard let command = subcommands.first(where: { $0.spec.name == name }) else {
            let names = subcommands.map { $0.spec.name }
            printError("verify: unknown subcommand '\(name)'" + Suggestion.clause(for: name, among: names) + "; run 'verify --help' for the list")
            return .inputError
        }
        do {
            let parsed = try ParsedArguments(command: command.spec, arguments: Array(arguments.dropFirst()))
            if parsed.wantsHelp {
                print(command.spec.helpText)
                return .success
            }
            return try command.run(parsed)
        } catch {
            printError("error: \(error)")
            return .inputError
        }
    }
}
