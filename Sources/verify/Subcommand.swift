import Foundation
import Network

/// One `verify` subcommand: its argument spec and what it does.
protocol Subcommand {
    static var spec: CommandSpec { get }
    static func run(_ arguments: ParsedArguments) throws -> ExitCode
}

/// Options shared by every command that takes a model and may compose it with a generator.
enum ModelOptions {
    static let options: [OptionSpec] = [
        .value("--compose", "GENERATOR", "evaluate MODEL ∘ GENERATOR: noise in, MODEL's outputs out"),
        .value("--adapter-scale", "S[,S...]", "adapter between generator and model: scale (one value or one per element; default 1)"),
        .value("--adapter-shift", "T[,T...]", "adapter shift (one value or one per element; default 0)"),
        .value("--output-activation", "A", "load the generator (MODEL without --compose) with another output activation: tanh (its file ends in Mul, Add, Clip: the hard tanh) or hard-tanh (its last activation is Tanh); default file"),
    ]

    /// Loads MODEL and, with `--compose`, composes it after the generator with the adapter;
    /// `--output-activation` applies to the generator, or to MODEL when there is none.
    static func load(_ path: String, _ arguments: ParsedArguments) throws -> NeuralNetwork {
        let output = try outputActivation(arguments)
        let model = try NetworkFile.load(path, outputActivation: arguments.value("--compose") == nil ? output : .file)
        let scale = try arguments.value("--adapter-scale").map { try parseVector($0, place: "--adapter-scale") }
        let shift = try arguments.value("--adapter-shift").map { try parseVector($0, place: "--adapter-shift") }
        guard let generatorPath = arguments.value("--compose") else {
            if scale != nil || shift != nil {
                throw UsageError(description: "verify \(arguments.command.name): --adapter-scale/--adapter-shift need --compose GENERATOR")
            }
            return model
        }
        let generator = try NetworkFile.load(generatorPath, outputActivation: output)
        let adapter = (scale == nil && shift == nil) ? nil : Adapter(scale: scale ?? [1], shift: shift ?? [0])
        return try NeuralNetwork.composing(classifier: model, after: generator, adapter: adapter)
    }

    /// `--output-activation A` (``OutputActivation``), `.file` when absent.
    static func outputActivation(_ arguments: ParsedArguments) throws -> OutputActivation {
        guard let text = arguments.value("--output-activation") else { return .file }
        guard let activation = OutputActivation(rawValue: text) else {
            let names = OutputActivation.allCases.map(\.rawValue).joined(separator: ", ")
            throw UsageError(description: "verify \(arguments.command.name): --output-activation must be one of \(names), got '\(text)'")
        }
        return activation
    }
}

/// Parses `0.1,0.2 0.3` (commas and/or spaces) into finite numbers.
func parseVector(_ text: String, place: String) throws -> [Double] {
    let tokens = text.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" || $0 == ";" })
    guard !tokens.isEmpty else {
        throw NetworkError.invalidInput(place: place, problem: "no numbers given", fix: "give comma-separated numbers such as 0.1,0.2")
    }
    return try tokens.map { token in
        guard let value = Double(token), value.isFinite else {
            throw NetworkError.invalidInput(place: place, problem: "'\(token)' is not a finite number",
                                            fix: "give comma-separated numbers such as 0.1,0.2")
        }
        return value
    }
}

/// Reads one vector per line (commas or spaces); blank lines and lines starting with `#` are skipped.
func readVectors(file path: String) throws -> [[Double]] {
    guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
        throw NetworkError.unreadable(file: path, reason: "no such file, not readable or not UTF-8 text")
    }
    var vectors: [[Double]] = []
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
        let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
        vectors.append(try parseVector(trimmed, place: "\(path): line \(index + 1)"))
    }
    return vectors
}

/// Formats a Double with up to 6 significant digits for human-readable tables.
func format(_ value: Double, digits: Int = 6) -> String {
    String(format: "%.\(digits)g", value)
}

/// Writes one line to stderr.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
