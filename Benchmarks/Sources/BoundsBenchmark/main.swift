// Times linear bound passes (BoundPropagation with the default options: linear method,
// linear intermediate bounds, every robustness margin y_c - y_j as specification rows).
//
//   swift build -c release --product bounds-bench
//   .build/release/bounds-bench MODEL.onnx [--eps 0.02] [--passes 5] [--repeats 3]
//   .build/release/bounds-bench EXPERIMENT.json [--eps 0.05] [--passes 5] [--repeats 3]
//
// A model: `passes` boxes centre ± eps (clamped to [0, 1]) around deterministic uniform
// centres in [0, 1]^d, class = the float argmax at the centre. An experiment: the composed
// classifier ∘ generator of class `k mod classes` around noise sample k. Prints the wall time
// of all passes per repeat, the minimum, and a checksum of the lower bounds (the same bounds
// give the same checksum).

import Dispatch
import Encoding
import Foundation
import Network
import Sampling
import Support

var arguments = Array(CommandLine.arguments.dropFirst())
func option(_ name: String, _ fallback: Double, in arguments: inout [String]) -> Double {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count, let value = Double(arguments[index + 1]) else {
        return fallback
    }
    arguments.removeSubrange(index...(index + 1))
    return value
}
let epsOption = option("--eps", .nan, in: &arguments)
let passes = Int(option("--passes", 5, in: &arguments))
let repeats = Int(option("--repeats", 3, in: &arguments))
let usage = "usage: bounds-bench MODEL.onnx|EXPERIMENT.json [--eps E] [--passes N] [--repeats R]\n"
guard arguments.count == 1, let path = arguments.first, !path.hasPrefix("-") else {
    let unknown = arguments.first { $0.hasPrefix("-") }.map { "bounds-bench: unknown option \($0) (or an option without a number after it)\n" } ?? ""
    FileHandle.standardError.write((unknown + usage).data(using: .utf8)!)
    exit(2)
}

typealias BenchCase = (network: NeuralNetwork, box: Box, specification: LinearSpecification)

/// The bound passes to time: `passes` noise boxes of an experiment (its classes in turn), or
/// `passes` random boxes of a network file.
func loadCases() throws -> [BenchCase] {
    var cases: [BenchCase] = []
    if path.hasSuffix(".json") {
        let loaded = try LoadedExperiment(Experiment.load(contentsOf: path))
        let eps = epsOption.isNaN ? loaded.experiment.eps : epsOption
        for k in 0..<passes {
            let c = loaded.classes[k % loaded.classes.count]
            let network = loaded.networks[c]!
            let noise = loaded.noise(classIndex: c, sampleIndex: k)
            let box = try Box(lower: noise.map { $0 - eps }, upper: noise.map { $0 + eps })
            cases.append((network, box, .robustnessMargins(outputs: network.outputSize, trueClass: c)))
        }
    } else {
        let network = try NetworkFile.load(path)
        let eps = epsOption.isNaN ? 0.02 : epsOption
        var rng = SplitMix64(seed: 1)
        for _ in 0..<passes {
            let center = (0..<network.inputSize).map { _ in Double.random(in: 0...1, using: &rng) }
            let box = try Box(lower: center.map { max(0, $0 - eps) }, upper: center.map { min(1, $0 + eps) })
            let c = network.evaluate(center).argmax
            cases.append((network, box, .robustnessMargins(outputs: network.outputSize, trueClass: c)))
        }
    }
    return cases
}

let cases: [BenchCase]
do {
    cases = try loadCases()
} catch {
    FileHandle.standardError.write("bounds-bench: \(error)\n".data(using: .utf8)!)
    exit(2)
}

var best = Double.infinity
for repeatIndex in 0..<repeats {
    var checksum = 0.0
    let started = DispatchTime.now().uptimeNanoseconds
    for entry in cases {
        let result = BoundPropagation.bounds(of: entry.network, over: entry.box, specification: entry.specification,
                                             options: BoundOptions())
        checksum += result.specLower.reduce(0) { $0 + ($1.isFinite ? $1 : 0) }
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
    best = min(best, seconds)
    print("repeat \(repeatIndex + 1): \(cases.count) linear bound passes in \(String(format: "%.3f", seconds)) s (\(String(format: "%.1f", 1000 * seconds / Double(cases.count))) ms per pass), checksum \(checksum)")
}
print("min over \(repeats): \(String(format: "%.3f", best)) s, \(String(format: "%.1f", 1000 * best / Double(cases.count))) ms per pass")
