import Foundation
import Solver

/// `--leaf-process on|off`: with `on` every exact Z3 leaf runs in a child `verify-leaf` (the
/// leaf worker beside this binary, ``LeafWorker``) that is killed when it overruns, so one Z3
/// call that ignores its timeout cannot hang the caller. On by default in every command:
/// in `robustness` and `table --robustness` a hung worker thread would hang the whole run;
/// in `local` and `vnnlib` a stalled leaf would hold the query until the hard deadline
/// (``armHardDeadline(seconds:answer:resultFile:)``), five seconds past `--timeout`, where a
/// killed leaf is split further or answers at `--timeout`. The default searches send almost
/// no sub-problem to Z3, so the process start per leaf (about 45 ms) costs nothing there.
/// `check` always re-solves its Z3 leaves in child processes (it has no other deadline).
enum LeafProcessOption {
    static let option = OptionSpec.value(
        "--leaf-process", "on|off",
        "solve each Z3 leaf in a child process, killed if Z3 overruns its limit (default: on)")

    /// The executable for ``LeafSettings/leafProcessExecutable``, or `nil` for off.
    static func executable(_ arguments: ParsedArguments) throws -> String? {
        switch arguments.value("--leaf-process") ?? "on" {
        case "on": return try worker(command: arguments.command.name)
        case "off": return nil
        case let other:
            throw UsageError(description: "verify \(arguments.command.name): --leaf-process expects on or off, got '\(other)'")
        }
    }

    /// The leaf worker `verify-leaf` beside this binary (``LeafWorker``), or a usage error
    /// (exit 2) that says how to build it.
    static func worker(command: String) throws -> String {
        do {
            return try LeafWorker.besideRunningExecutable()
        } catch {
            throw UsageError(description: "verify \(command): \(error)")
        }
    }
}
