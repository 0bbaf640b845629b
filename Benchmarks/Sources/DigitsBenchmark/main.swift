import Dispatch
import Encoding
import Foundation
import Network
import Sampling
import Solver

// Exact local robustness on the shipped digits models: for each eps, `perClass` seeded
// noises per class (NoiseGenerator, seed 2026), the pipeline's verdicts, the step that
// decided each sample, and time per sample (median / p90 / max), for the full pipeline and
// ablations. Run from the repository root:
//   swift run -c release digits-bench [perClass] [eps,eps,...] [configs]
//   swift run -c release digits-bench attacks [perClass] [eps,eps,...]   (AttackBenchmark.swift)
//   swift run -c release digits-bench step-rules EXPERIMENT CLASS SAMPLE EPS [runs] [steps]   (StepRuleBenchmark.swift)
// configs: comma-separated among full, interval, linear, split, z3only (default: all).
// BENCH_EXPERIMENT=path/experiment.json runs the same table on that experiment's classifier and
// generators (e.g. examples/mnist/experiment_simple.json) instead of the digits models;
// BENCH_TIMEOUT=seconds changes the 60 s safety net per query.

// attacks mode (see AttackBenchmark.swift): digits-bench attacks [perClass] [eps,eps,...]
if CommandLine.arguments.count > 1 && CommandLine.arguments[1] == "attacks" {
    try AttackBenchmark.run(Array(CommandLine.arguments.dropFirst(2)))
    exit(0)
}
if CommandLine.arguments.count > 1 && CommandLine.arguments[1] == "step-rules" {
    try StepRuleBenchmark.run(Array(CommandLine.arguments.dropFirst(2)))
    exit(0)
}

let arguments = CommandLine.arguments
let perClass = arguments.count > 1 ? Int(arguments[1]) ?? 100 : 100
let epsilons = arguments.count > 2 ? arguments[2].split(separator: ",").compactMap { Double($0) } : [0.01, 0.05, 0.1, 0.2]
let configNames = arguments.count > 3 ? arguments[3].split(separator: ",").map(String.init)
    : ["full", "interval", "linear", "split", "z3only"]

func configuration(_ name: String) -> QueryConfiguration {
    var c = QueryConfiguration()
    c.limits.timeLimit = ProcessInfo.processInfo.environment["BENCH_TIMEOUT"].flatMap(Double.init) ?? 60
    switch name {
    case "interval": // interval bounds only (no linear, no split, no Z3)
        c.bounds.useLinear = false; c.search.useSplit = false; c.leaves.useSMT = false
    case "linear": // + linear bounds
        c.search.useSplit = false; c.leaves.useSMT = false
    case "split": // + input splitting, no Z3
        c.leaves.useSMT = false
    case "z3only": // interval bounds for big-M constants, then Z3 on the whole box
        c.attack.useAttack = false; c.bounds.useLinear = false; c.search.useSplit = false; c.bounds.useRelaxationLP = false
    default: break
    }
    return c
}

let composed: [NeuralNetwork]
let classIndices: [Int]
if let path = ProcessInfo.processInfo.environment["BENCH_EXPERIMENT"] {
    let loaded = try LoadedExperiment(Experiment.load(contentsOf: path))
    composed = loaded.classes.map { loaded.networks[$0]! }
    classIndices = loaded.classes
    FileHandle.standardError.write(Data("experiment \(path): \(composed.count) classes, noise dimension \(loaded.noiseDimension)\n".utf8))
} else {
    let classifier = try NetworkFile.load("examples/digits/classifier.onnx")
    composed = try (0..<10).map { c in
        try NeuralNetwork.composing(classifier: classifier, after: NetworkFile.load("examples/digits/generator_\(c).onnx"))
    }
    classIndices = Array(0..<10)
}
let noiseDimension = composed[0].inputSize

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int((p * Double(sorted.count - 1)).rounded()))]
}

print("| config | eps | samples | robust | not robust | unknown | decided by (center/attack/interval/linear/split/smt) | median ms | p90 ms | max ms | total s |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for name in configNames {
    let solver = try QuerySolver(configuration: configuration(name))
    for eps in epsilons {
        var robust = 0, notRobust = 0, unknown = 0
        var decidedBy: [String: Int] = [:]
        var times: [Double] = []
        for (position, c) in classIndices.enumerated() {
            for i in 0..<perClass {
                let noise = NoiseGenerator.noise(seed: 2026, classIndex: c, sampleIndex: i, dimension: noiseDimension)
                let query = SafetyQuery(network: composed[position], box: try Box.linf(center: noise, radius: eps),
                                        property: .misclassification(outputCount: composed[position].outputSize, trueClass: c))
                let result = solver.solve(query)
                times.append(result.seconds * 1000)
                if result.seconds > 1 {
                    FileHandle.standardError.write(Data("slow: config \(name) eps \(eps) class \(c) index \(i): \(result.verdict.label) \(String(format: "%.1f", result.seconds)) s, \(result.statistics)\n".utf8))
                }
                switch result.verdict {
                case .holds: robust += 1
                case .violated, .violatedUnconfirmed: notRobust += 1
                case .unknown: unknown += 1
                }
                let step = result.steps.last(where: \.decided)?.name.rawValue ?? "none"
                decidedBy[step, default: 0] += 1
            }
        }
        times.sort()
        let steps = ["center", "attack", "interval", "linear", "split", "smt"].map { String(decidedBy[$0] ?? 0) }.joined(separator: "/")
        print("| \(name) | \(eps) | \(times.count) | \(robust) | \(notRobust) | \(unknown) | \(steps) | "
              + String(format: "%.2f | %.2f | %.1f | %.1f |", percentile(times, 0.5), percentile(times, 0.9), times.last ?? 0, times.reduce(0, +) / 1000))
    }
}
