import Encoding
import Foundation
import Network
import Support

typealias Z3SeededGenerator = SplitMix64

enum Z3TestNetworks {
    /// A random dense ReLU-style network; weights and biases uniform in [-1, 1], float32-representable.
    static func random(sizes: [Int], activation: Layer = .relu, using rng: inout some RandomNumberGenerator) -> NeuralNetwork {
        var layers: [Layer] = []
        for k in 1..<sizes.count {
            // float32 values, as in real (ONNX/PyTorch) networks: 24-bit significands
            let weights = (0..<(sizes[k] * sizes[k - 1])).map { _ in Double(Float.random(in: -1...1, using: &rng)) }
            let bias = (0..<sizes[k]).map { _ in Double(Float.random(in: -1...1, using: &rng)) }
            layers.append(.affine(AffineLayer(inputSize: sizes[k - 1], outputSize: sizes[k], weights: weights, bias: bias)))
            if k < sizes.count - 1 { layers.append(activation) }
        }
        return try! NeuralNetwork(inputShape: [sizes[0]], layers: layers)
    }

    /// Sound pre-activation bounds by interval arithmetic, widened generously (relative and
    /// absolute 1e-9) so that float rounding cannot make them unsound.
    static func intervalBounds(_ network: NeuralNetwork, lower: [Double], upper: [Double]) -> (layers: [PreActivationBounds], output: (lower: [Double], upper: [Double])) {
        var lo = lower, hi = upper
        var result: [PreActivationBounds] = []
        for layer in network.layers {
            switch layer {
            case .affine(let affine):
                var newLo = [Double](), newHi = [Double]()
                for i in 0..<affine.outputSize {
                    var l = affine.bias[i], u = affine.bias[i]
                    for j in 0..<affine.inputSize {
                        let w = affine.weight(row: i, column: j)
                        l += w >= 0 ? w * lo[j] : w * hi[j]
                        u += w >= 0 ? w * hi[j] : w * lo[j]
                    }
                    let margin = 1e-9 * (abs(l) + abs(u)) + 1e-9
                    newLo.append(l - margin); newHi.append(u + margin)
                }
                lo = newLo; hi = newHi
            default:
                result.append(PreActivationBounds(lower: lo, upper: hi))
                lo = lo.map { layer.apply($0) }
                hi = hi.map { layer.apply($0) }
            }
        }
        return (result, (lo, hi))
    }

    /// Path of an executable on `PATH`, if any.
    static func executable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Runs `cvc5` on SMT-LIB2 text and returns its first output line.
    static func runCVC5(_ executable: String, text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("z3test-\(UUID().uuidString).smt2")
        try text.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        let output = try run(executable, ["--lang=smt2", "--tlimit=60000", url.path]).output
        return output.split(separator: "\n").first.map(String.init) ?? output
    }

    /// Runs `executable` with `arguments` to its end: its exit status, and its standard output
    /// and standard error together.
    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
