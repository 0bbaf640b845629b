import Foundation
import Reporting
import Support

/// `verify walk EXPERIMENT --class C [--steps N] [--step-size S] ... [--png FILE] [--gif FILE]`:
/// the random-walk experiment, a strip or animation of generated images with their labels.
enum WalkCommand: Subcommand {
    static let spec = CommandSpec(
        name: "walk",
        summary: "Random walk in noise space: a strip (PNG) or animation (GIF) of generated images with labels.",
        positionals: [PositionalSpec(name: "EXPERIMENT", help: "experiment file (JSON)")],
        options: [
            .value("--class", "C", "the class whose generator draws the images (required)"),
            .value("--steps", "N", "number of steps (default 64): N + 1 frames x_0 ... x_N"),
            .value("--step-size", "S", "step size s in x_{t+1} = x_t + s z_t, z_t ~ N(0, I) (default 0.1)"),
            .value("--start-sample", "I", "start at the experiment's noise of sample I (default 0)"),
            .value("--seed", "N", "seed of the walk's SplitMix64 stream (default 0; not the experiment seed)"),
            PictureOptions.scaleOption,
            .value("--columns", "K", "frames per row of the PNG strip (default 16)"),
            .value("--png", "FILE", "write the strip of frames to FILE"),
            .value("--gif", "FILE", "write an animated GIF (looping) to FILE"),
            .value("--delay", "CS", "GIF frame delay in 1/100 s (default 10)"),
            PictureOptions.noisesOption,
        ],
        discussion: """
        x_0 is the noise of sample I (the noise every run checks), z_t Box-Muller normals from \
        SplitMix64(seed). Each frame is labelled with the classifier's predicted class; frames \
        whose class is not C (ties count as not C) are framed in red. Prints the prediction of \
        every frame and the number of class changes along the walk. Give --png, --gif or both.
        Example: verify walk examples/digits/experiment.json --class 3 --steps 32 --step-size 0.3 --gif walk.gif
        """)

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let png = arguments.value("--png"), gif = arguments.value("--gif")
        guard png != nil || gif != nil else {
            throw UsageError(description: "verify walk: give --png FILE, --gif FILE or both")
        }
        let steps = try arguments.int("--steps", minimum: 0) ?? 64
        guard steps <= 10_000 else { throw UsageError(description: "verify walk: --steps \(steps) is too many; give at most 10000") }
        let stepSize = try arguments.double("--step-size") ?? 0.1
        guard stepSize >= 0 else { throw UsageError(description: "verify walk: --step-size must be >= 0, got \(stepSize)") }
        let startSample = try arguments.int("--start-sample", minimum: 0) ?? 0
        let seed = try arguments.parsed("--seed", as: "an integer in 0...2^64-1", { UInt64($0) }) ?? 0
        let scale = try PictureOptions.scale(arguments)
        let columns = try arguments.int("--columns", minimum: 1) ?? 16
        let delay = try arguments.int("--delay", minimum: 0) ?? 10
        guard delay <= 65535 else { throw UsageError(description: "verify walk: --delay must be 0...65535 centiseconds, got \(delay)") }
        let (loaded, classIndex, layout) = try PictureOptions.load(arguments)
        try PictureOptions.checkSamples(loaded, start: startSample, count: 1, flag: "--start-sample", arguments)

        let pictures = RandomWalk.pictures(loaded, classIndex: classIndex, startSample: startSample, steps: steps,
                                           stepSize: stepSize, seed: seed)
        if let png {
            try PNGEncoder.write(RandomWalk.strip(pictures, layout: layout, columns: columns, scale: scale), to: png)
        }
        if let gif {
            guard layout.width * scale + 6 <= 4096, layout.height * scale + 6 <= 4096 else {
                throw UsageError(description: "verify walk: GIF frames of \(layout.width)x\(layout.height) images at --scale \(scale) would exceed 4096 pixels; give a smaller --scale")
            }
            try GIFEncoder.writeAnimation(frames: RandomWalk.animationFrames(pictures, layout: layout, scale: scale),
                                          delayCentiseconds: delay, loop: true, to: gif)
        }
        print("walk: class \(classIndex), start sample \(startSample), \(steps) steps of size \(format(stepSize)), seed \(seed) (\(PictureOptions.describe(layout)))")
        for rowStart in stride(from: 0, to: pictures.count, by: 16) {
            let row = pictures[rowStart..<min(pictures.count, rowStart + 16)]
            let labels = row.map { $0.isMisclassified ? "\($0.predictedLabel)*" : $0.predictedLabel }
            print("  t=\(rowStart)...\(rowStart + row.count - 1): \(labels.joined(separator: " "))")
        }
        let wrong = pictures.filter(\.isMisclassified).count
        let written = [png, gif].compactMap { $0 }.joined(separator: ", ")
        print("\(pictures.count) frames, \(RandomWalk.classChanges(pictures)) class changes, \(wrong) frames not class \(classIndex) (marked *); wrote \(written)")
        return .success
    }
}
