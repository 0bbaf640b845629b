import Foundation
import Reporting
import Sampling

/// Flags and checks shared by `verify sample` and `verify walk` (pictures of generated images).
enum PictureOptions {
    static let noisesOption = OptionSpec.value("--noises", "FILE", "CSV, one noise per line (replaces the experiment's generated noises)")
    static let scaleOption = OptionSpec.value("--scale", "K", "upscale every image K times (nearest neighbour; default 4)")

    /// The experiment of the first positional argument, loaded, and the class of `--class`.
    static func load(_ arguments: ParsedArguments) throws -> (LoadedExperiment, classIndex: Int, layout: ImageLayout) {
        let name = arguments.command.name
        guard let classText = arguments.value("--class") else {
            throw UsageError(description: "verify \(name): missing --class C; give the class whose generator draws the images")
        }
        let experiment = try Experiment.load(contentsOf: arguments.positionals[0])
        let loaded = try LoadedExperiment(experiment, noisesFile: arguments.value("--noises"))
        guard let classIndex = Int(classText), loaded.classes.contains(classIndex) else {
            throw UsageError(description: "verify \(name): --class \(classText) is not a class of \(arguments.positionals[0]); give one of \(loaded.classes.map(String.init).joined(separator: ", "))")
        }
        let layout = try ImageLayout.infer(generator: loaded.generators[classIndex]!, experiment: loaded.experiment)
        return (loaded, classIndex, layout)
    }

    /// `--scale`, 1...64 (default 4).
    static func scale(_ arguments: ParsedArguments) throws -> Int {
        let scale = try arguments.int("--scale", minimum: 1) ?? 4
        guard scale <= 64 else {
            throw UsageError(description: "verify \(arguments.command.name): --scale \(scale) is too large; give 1...64")
        }
        return scale
    }

    /// Checks that samples `start ..< start + count` exist in the noise source.
    static func checkSamples(_ loaded: LoadedExperiment, start: Int, count: Int, flag: String, _ arguments: ParsedArguments) throws {
        if start > loaded.noises.capacity - count || start > Int.max / 2 {
            throw UsageError(description: "verify \(arguments.command.name): \(flag) needs samples \(start)...\(start + count - 1) but the noises file has \(loaded.noises.capacity); give a smaller \(flag)")
        }
    }

    /// Describes where the picture layout comes from, for the summary line.
    static func describe(_ layout: ImageLayout) -> String {
        let range = layout.range.map { "[\(format($0.lowerBound)), \(format($0.upperBound))]" } ?? "min..max of the images"
        return "\(layout.width)x\(layout.height) \(layout.channels == 1 ? "gray" : "RGB"), range \(range)"
    }
}
