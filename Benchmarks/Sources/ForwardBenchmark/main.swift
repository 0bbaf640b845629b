// Times the batched forward pass of an experiment's classifier ∘ generator, as `verify
// correctness` and the attacks' batched evaluations run it: for every class, N noise samples
// (the tool's own noise, drawn inside the timed loop as onnxruntime's peer script draws
// numpy's), batches of 2048, one prepared pass per class (``DenseForward``: one BLAS product
// per affine layer plus the sound error bound's narrow products), on one thread or, with
// `--threads T`, on T threads taking batches in turn as `verify correctness` does.
//
//   swift build -c release --product forward-bench
//   .build/release/forward-bench EXPERIMENT.json [--samples 10000] [--repeats 3] [--threads 1] [--float64]
//
// `--float64` times the float64 pass (``Float64Forward``) instead of the float32 one. Prints
// one line per repeat (seconds, samples per second, how many samples the pass's own bound
// classifies as their class, a checksum of the outputs), then the minimum. Compare with
// `Benchmarks/peers/onnxruntime_correctness.py EXPERIMENT --samples N` in the same run.

import Dispatch
import Foundation
import Network
import Sampling
import Support

var arguments = Array(CommandLine.arguments.dropFirst())
func option(_ name: String, _ fallback: Int, in arguments: inout [String]) -> Int? {
    guard let index = arguments.firstIndex(of: name) else { return fallback }
    guard index + 1 < arguments.count, let value = Int(arguments[index + 1]), value > 0 else { return nil }
    arguments.removeSubrange(index...(index + 1))
    return value
}
func flag(_ name: String, in arguments: inout [String]) -> Bool {
    guard let index = arguments.firstIndex(of: name) else { return false }
    arguments.remove(at: index)
    return true
}
let usage = "usage: forward-bench EXPERIMENT.json [--samples N] [--repeats R] [--threads T] [--float64]"
func fail(_ message: String) -> Never {
    FileHandle.standardError.write(("forward-bench: " + message + "\n").data(using: .utf8)!)
    exit(2)
}
let float64 = flag("--float64", in: &arguments)
guard let samples = option("--samples", 10_000, in: &arguments), let repeats = option("--repeats", 3, in: &arguments),
      let threads = option("--threads", 1, in: &arguments) else {
    fail("--samples, --repeats and --threads take a positive whole number\n" + usage)
}
guard arguments.count == 1, let path = arguments.first, !path.hasPrefix("-") else {
    fail((arguments.first { $0.hasPrefix("-") }.map { "unknown option \($0) (or an option without a number after it)\n" } ?? "") + usage)
}
let experiment: LoadedExperiment
do {
    experiment = try LoadedExperiment(Experiment.load(contentsOf: path))
} catch {
    fail("\(error)")
}

/// One timed pass over every class, the batches taken in turn by the threads as `verify
/// correctness` takes them: (samples the pass's bound classifies as their class, a checksum
/// of the first outputs, summed in batch order).
func run<Scalar: ForwardScalar>(_ passes: [Int: DenseForward<Scalar>]) -> (correct: Int, checksum: Double) {
    let batchSize = CorrectnessEvaluator.batchSize
    let tasks = experiment.classes.flatMap { c in stride(from: 0, to: samples, by: batchSize).map { (c, $0) } }
    let collected = CorrectnessEvaluator.Collected<(correct: Int, checksum: Double)>(count: tasks.count)
    DispatchQueue.concurrentPerform(iterations: threads) { _ in
        let workspace = DenseForward<Scalar>.Workspace()
        while let task = collected.nextTask() {
            let (c, start) = tasks[task]
            let pass = passes[c]!
            let count = min(batchSize, samples - start)
            var batch: [Double] = []
            batch.reserveCapacity(count * pass.inputSize)
            for i in start..<(start + count) { batch += experiment.noise(classIndex: c, sampleIndex: i) }
            pass.evaluate(batch: batch, count: count, workspace: workspace)
            let width = pass.outputSize
            var correct = 0, checksum = 0.0
            for row in 0..<count {
                let range = (row * width)..<((row + 1) * width)
                let values = UnsafeBufferPointer(rebasing: workspace.values[range])
                if PointEnclosure.separatedClass(values: values, errors: UnsafeBufferPointer(rebasing: workspace.errors[range])) == c {
                    correct += 1
                }
                checksum += Double(values[0])
            }
            collected.set(task, (correct, checksum))
        }
    }
    return collected.values.reduce((0, 0.0)) { ($0.0 + $1!.correct, $0.1 + $1!.checksum) }
}

func measure<Scalar: ForwardScalar>(_ passes: [Int: DenseForward<Scalar>], precision: String) {
    let total = samples * experiment.classes.count
    var best = Double.infinity
    for repeatIndex in 0..<repeats {
        let started = DispatchTime.now().uptimeNanoseconds
        let (correct, checksum) = run(passes)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        best = min(best, seconds)
        print("repeat \(repeatIndex + 1): \(precision) pass, \(threads) thread(s), \(total) samples in \(String(format: "%.3f", seconds)) s "
              + "(\(Int(Double(total) / seconds)) samples/s), \(correct) classified as their class by the pass's bound, checksum \(checksum)")
    }
    print("min over \(repeats): \(String(format: "%.3f", best)) s (\(Int(Double(total) / best)) samples/s)")
}

if float64 {
    measure(Dictionary(uniqueKeysWithValues: experiment.classes.map { ($0, Float64Forward(experiment.networks[$0]!)) }), precision: "float64")
} else {
    measure(Dictionary(uniqueKeysWithValues: experiment.classes.map { ($0, Float32Forward(experiment.networks[$0]!)) }), precision: "float32")
}
