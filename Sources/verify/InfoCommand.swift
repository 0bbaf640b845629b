import Network

/// `verify info MODEL`: shapes, layers, parameter and ReLU-like unit counts, the constants
/// with no exact `Double`, held by enclosed-scale layers (``NeuralNetwork/roundedConstants``),
/// piecewise linearity.
enum InfoCommand: Subcommand {
    static let spec = CommandSpec(
        name: "info",
        summary: "Describe a network: shapes, layers, parameters, ReLU-like units, piecewise linearity.",
        positionals: [PositionalSpec(name: "MODEL", help: "network file (.onnx, .nnet or .json)")],
        options: ModelOptions.options)

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let path = arguments.positionals[0]
        let network = try ModelOptions.load(path, arguments)
        let title = arguments.value("--compose").map { "\(path) ∘ \($0)" } ?? path
        print("model:          \(title)")
        print("input shape:    \(network.inputShape) (\(network.inputSize) values)")
        print("output shape:   \(network.outputShape) (\(network.outputSize) values)")
        print("layers:")
        for (index, (layer, inputSize)) in zip(network.layers, network.layerInputSizes).enumerated() {
            let number = String(index).leftPadded(4)
            switch layer {
            case .affine(let affine) where affine.diagonalScale != nil:
                print("\(number)  affine element-wise on \(affine.inputSize) units (y_i = s_i x_i + t_i)")
            case .affine(let affine):
                print("\(number)  affine \(affine.inputSize) -> \(affine.outputSize)  (\(affine.parameterCount) parameters)")
            case .enclosedScale(let scale):
                let factor = scale.divisors == nil ? "s_i in [lower_i, upper_i], certified" : "s_i = 1/c_i, c_i exact"
                print("\(number)  enclosed scale on \(scale.count) units (y_i = s_i x_i, \(factor))")
            default:
                print("\(number)  \(layer.kindName) on \(inputSize) units")
            }
        }
        print("parameters:     \(network.parameterCount)")
        if network.roundedConstants.isEmpty {
            print("enclosed constants: none (every weight is exactly the file's)")
        } else {
            print("enclosed constants: \(network.roundedConstants.count) (no exact Double; kept as enclosed-scale layers: the exact divisor where 1/c, certified bounds otherwise; verdicts are about the file's values)")
            for constant in network.roundedConstants { print("      \(constant)") }
        }
        print("ReLU-like units: \(network.piecewiseUnitCount) (relu, leaky relu, clip)")
        if network.isPiecewiseLinear {
            print("piecewise linear: yes (exact verification possible)")
        } else {
            let kinds = Set(network.layers.filter { !$0.isPiecewiseLinear }.map(\.kindName)).sorted()
            print("piecewise linear: no (\(kinds.joined(separator: ", ")); verdicts stay sound but may be UNKNOWN, no exactness claim)")
        }
        return .success
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
