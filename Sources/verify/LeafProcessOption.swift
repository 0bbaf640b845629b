import Foundation

/// `--leaf-process on|off` of the commands that run many queries on worker threads
/// (`robustness`, `table --robustness`): with `on` (the default) every exact Z3 leaf runs in
/// a child `verify smt-leaf` that is killed when it overruns, so one Z3 call that ignores its
/// timeout cannot hang the run. `local` and `vnnlib` keep Z3 in-process: they answer one
/// query and end the whole process at a hard deadline (``armHardDeadline(seconds:answer:resultFile:)``).
enum LeafProcessOption {
    static let option = OptionSpec.value(
        "--leaf-process", "on|off",
        "solve each Z3 leaf in a child process, killed if Z3 overruns its limit (default on; off: in this process, no start-up cost)")

    /// The executable for ``QueryConfiguration/leafProcessExecutable``, or `nil` for off.
    static func executable(_ arguments: ParsedArguments) throws -> String? {
        switch arguments.value("--leaf-process") ?? "on" {
        case "on": return ownExecutable()
        case "off": return nil
        case let other:
            throw UsageError(description: "verify \(arguments.command.name): --leaf-process expects on or off, got '\(other)'")
        }
    }

    /// This binary. On Linux the literal `/proc/self/exe`: the child then runs the very file
    /// the parent runs, even if it was rebuilt or deleted since the run started.
    static func ownExecutable() -> String? {
        if FileManager.default.isExecutableFile(atPath: "/proc/self/exe") { return "/proc/self/exe" }
        return Bundle.main.executablePath
    }
}
