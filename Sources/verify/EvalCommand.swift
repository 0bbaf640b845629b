import Network

/// `verify eval MODEL --input v | --input-file FILE [--compose GENERATOR]`: forward pass.
enum EvalCommand: Subcommand {
    static let spec = CommandSpec(
        name: "eval",
        summary: "Evaluate a network (or MODEL ∘ GENERATOR) on input vectors; print outputs and the class.",
        positionals: [PositionalSpec(name: "MODEL", help: "network file (.onnx, .nnet or .json)")],
        options: [
            .value("--input", "V1,V2,...", "one input vector (comma-separated)"),
            .value("--input-file", "FILE", "one input vector per line (commas or spaces; # comments)"),
        ] + ModelOptions.options,
        discussion: """
        Outputs are printed from the IEEE-754 double-precision forward pass. The class is \
        decided in exact arithmetic on the same weights and input: class c when y_c > y_j \
        strictly for every other j; a tie for the top output prints TIE(i,j,...); UNDECIDED(...) \
        only for tanh/sigmoid networks whose rounding-error bound straddles a tie.
        """)

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let network = try ModelOptions.load(arguments.positionals[0], arguments)
        var inputs: [[Double]] = []
        if let text = arguments.value("--input") { inputs.append(try parseVector(text, place: "--input")) }
        if let file = arguments.value("--input-file") { inputs += try readVectors(file: file) }
        guard !inputs.isEmpty else {
            throw UsageError(description: "verify eval: give --input V1,V2,... or --input-file FILE")
        }
        for (index, input) in inputs.enumerated() where input.count != network.inputSize {
            throw NetworkError.sizeMismatch(
                context: "input vector \(index + 1)", expected: network.inputSize, actual: input.count,
                fix: "give exactly \(network.inputSize) values per vector")
        }
        let outputs = network.evaluate(batch: inputs.flatMap { $0 }, count: inputs.count)
        let width = network.outputSize
        for index in inputs.indices {
            let output = Array(outputs[(index * width)..<((index + 1) * width)])
            let values = output.map { format($0, digits: 9) }.joined(separator: ",")
            let checked = network.checkedClassification(inputs[index])
            let label = checked.classification.map(\.description) ?? "UNDECIDED(float: \(Classification(scores: output)))"
            print("outputs: \(values)  class: \(label)")
        }
        return .success
    }
}
