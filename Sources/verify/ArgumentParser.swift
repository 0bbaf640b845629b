/// The project's own command-line parser (no packages): every subcommand declares its
/// positional arguments and options; `--help` lists them; unknown flags are errors.

/// One `--name VALUE` option or `--name` flag.
struct OptionSpec {
    var name: String
    /// Placeholder shown in help (`FILE`, `N`); `nil` for a flag without a value.
    var valueName: String?
    var help: String
    /// The option may be given several times (values accumulate).
    var repeatable = false

    static func flag(_ name: String, _ help: String) -> OptionSpec {
        OptionSpec(name: name, valueName: nil, help: help)
    }

    static func value(_ name: String, _ valueName: String, _ help: String, repeatable: Bool = false) -> OptionSpec {
        OptionSpec(name: name, valueName: valueName, help: help, repeatable: repeatable)
    }
}

/// A positional argument. `variadic` takes all remaining positionals (at least one).
struct PositionalSpec {
    var name: String
    var help: String
    var variadic = false
    var optional = false
}

/// What a subcommand accepts, used for parsing and for `--help`.
struct CommandSpec {
    var name: String
    var summary: String
    var positionals: [PositionalSpec] = []
    var options: [OptionSpec] = []
    /// Extra help text printed after the option list (examples, formats).
    var discussion: String = ""

    var usageLine: String {
        var parts = ["verify", name]
        for positional in positionals {
            let base = positional.variadic ? "\(positional.name)..." : positional.name
            parts.append(positional.optional ? "[\(base)]" : base)
        }
        if !options.isEmpty { parts.append("[options]") }
        return parts.joined(separator: " ")
    }

    var helpText: String {
        var lines = ["\(summary)", "", "usage: \(usageLine)"]
        if !positionals.isEmpty {
            lines += ["", "arguments:"]
            for positional in positionals {
                lines.append("  " + pad(positional.name, 26) + positional.help)
            }
        }
        lines += ["", "options:"]
        for option in options + [.flag("-h, --help", "show this help")] {
            let head = option.valueName.map { "\(option.name) \($0)" } ?? option.name
            lines.append("  " + pad(head, 26) + option.help)
        }
        if !discussion.isEmpty { lines += ["", discussion] }
        return lines.joined(separator: "\n")
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + "  " : text + String(repeating: " ", count: width - text.count)
    }
}

extension CommandSpec {
    /// The error for an option this command does not take, with the closest known option.
    func unknownOption(_ name: String) -> UsageError {
        let known = options.map(\.name) + ["--help"]
        let typed = name.hasPrefix("--") || name.count < 2 ? name : "-" + name
        return UsageError(description: "verify \(self.name): unknown option '\(name)'"
            + Suggestion.clause(for: typed, among: known) + "; run 'verify \(self.name) --help' for the list")
    }
}

/// A usage error: printed as one line, exit code 2.
struct UsageError: Error, CustomStringConvertible {
    var description: String
}

/// The result of parsing one subcommand's arguments.
struct ParsedArguments {
    var positionals: [String] = []
    private(set) var values: [String: [String]] = [:]
    private(set) var flags: Set<String> = []
    let command: CommandSpec

    init(command: CommandSpec, arguments: [String]) throws {
        self.command = command
        var index = 0
        var onlyPositionals = false
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if argument == "-h", !onlyPositionals { flags.insert("--help"); continue }
            if onlyPositionals || !argument.hasPrefix("--") || argument == "-" {
                if argument.hasPrefix("-"), !onlyPositionals, argument.count > 1, Double(argument) == nil {
                    throw command.unknownOption(argument)
                }
                positionals.append(argument)
                continue
            }
            if argument == "--" { onlyPositionals = true; continue }
            var name = argument
            var inlineValue: String?
            if let equals = argument.firstIndex(of: "=") {
                name = String(argument[..<equals])
                inlineValue = String(argument[argument.index(after: equals)...])
            }
            if name == "--help" { flags.insert(name); continue }
            guard let option = command.options.first(where: { $0.name == name }) else {
                throw command.unknownOption(name)
            }
            if let valueName = option.valueName {
                let value: String
                if let inlineValue {
                    value = inlineValue
                } else {
                    guard index < arguments.count else {
                        throw UsageError(description: "verify \(command.name): option \(name) needs a value \(valueName)")
                    }
                    value = arguments[index]
                    index += 1
                }
                if values[name] != nil, !option.repeatable {
                    throw UsageError(description: "verify \(command.name): option \(name) given twice; give it once")
                }
                values[name, default: []].append(value)
            } else {
                guard inlineValue == nil else {
                    throw UsageError(description: "verify \(command.name): flag \(name) takes no value")
                }
                flags.insert(name)
            }
        }
        if wantsHelp { return }
        let required = command.positionals.filter { !$0.optional }.count
        let variadic = command.positionals.contains { $0.variadic }
        if positionals.count < required {
            let missing = command.positionals[positionals.count].name
            throw UsageError(description: "verify \(command.name): missing argument \(missing); usage: \(command.usageLine)")
        }
        if !variadic, positionals.count > command.positionals.count {
            throw UsageError(description: "verify \(command.name): unexpected argument '\(positionals[command.positionals.count])'; usage: \(command.usageLine)")
        }
    }

    var wantsHelp: Bool { flags.contains("--help") }

    func flag(_ name: String) -> Bool {
        precondition(command.options.contains { $0.name == name }, "undeclared flag \(name)")
        return flags.contains(name)
    }

    func value(_ name: String) -> String? {
        precondition(command.options.contains { $0.name == name }, "undeclared option \(name)")
        return values[name]?.last
    }

    func allValues(_ name: String) -> [String] { values[name] ?? [] }

    /// The option parsed as `T`, or `nil` when absent.
    func parsed<T>(_ name: String, as what: String, _ convert: (String) -> T?) throws -> T? {
        guard let text = value(name) else { return nil }
        guard let result = convert(text) else {
            throw UsageError(description: "verify \(command.name): option \(name) expects \(what), got '\(text)'")
        }
        return result
    }

    func double(_ name: String) throws -> Double? {
        try parsed(name, as: "a finite number") { Double($0).flatMap { $0.isFinite ? $0 : nil } }
    }

    func int(_ name: String, minimum: Int = 0) throws -> Int? {
        try parsed(name, as: "an integer >= \(minimum)") { Int($0).flatMap { $0 >= minimum ? $0 : nil } }
    }
}
