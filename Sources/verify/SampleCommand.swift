import Foundation
import Reporting

/// `verify sample EXPERIMENT --class C [--grid RxC] [--start I] [--scale K] --png FILE`: a grid of
/// generated images `G_c(x_i)` for the experiment's own noises, misclassified ones framed.
enum SampleCommand: Subcommand {
    static let spec = CommandSpec(
        name: "sample",
        summary: "Draw a grid of generated images as PNG, misclassified ones framed.",
        positionals: [PositionalSpec(name: "EXPERIMENT", help: "experiment file (JSON)")],
        options: [
            .value("--class", "C", "the class whose generator draws the images (required)"),
            .value("--grid", "RxC", "rows x columns of the grid (default 8x8): R*C images"),
            .value("--start", "I", "first sample index (default 0): samples I, I+1, ..., I+R*C-1"),
            PictureOptions.scaleOption,
            .value("--png", "FILE", "write the grid to FILE (required)"),
            PictureOptions.noisesOption,
        ],
        discussion: """
        The images are G_c(x_i) for the experiment's noises x_i (the same noises every \
        correctness/robustness run checks), shown with the experiment's "image" layout or one \
        inferred from the generator. An image is misclassified when the logit of class C is not \
        strictly larger than every other logit, decided in exact arithmetic (a tie for the top \
        logit is no class: labelled TIE); it is framed in red with the predicted class underneath.
        Example: verify sample examples/digits/experiment.json --class 3 --grid 4x8 --png grid.png
        """)

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        guard let png = arguments.value("--png") else {
            throw UsageError(description: "verify sample: missing --png FILE; give the PNG file to write")
        }
        let gridText = arguments.value("--grid") ?? "8x8"
        let parts = gridText.lowercased().split(separator: "x", omittingEmptySubsequences: false)
        guard parts.count == 2, let rows = Int(parts[0]), let columns = Int(parts[1]),
              (1...64).contains(rows), (1...64).contains(columns) else {
            throw UsageError(description: "verify sample: --grid expects ROWSxCOLUMNS with each 1...64 such as 8x8, got '\(gridText)'")
        }
        let start = try arguments.int("--start", minimum: 0) ?? 0
        let scale = try PictureOptions.scale(arguments)
        let (loaded, classIndex, layout) = try PictureOptions.load(arguments)
        let count = rows * columns
        try PictureOptions.checkSamples(loaded, start: start, count: count, flag: "--start/--grid", arguments)

        let pictures = SampleSheet.pictures(loaded, classIndex: classIndex, start: start, count: count)
        try PNGEncoder.write(SampleSheet.render(pictures, layout: layout, columns: columns, scale: scale), to: png)
        let wrong = pictures.enumerated().filter { $0.element.isMisclassified }
        let list = wrong.map { "\(start + $0.offset)->\($0.element.predictedLabel)" }.joined(separator: " ")
        print("class \(classIndex): \(count) images (samples \(start)...\(start + count - 1), \(PictureOptions.describe(layout))), "
              + "\(wrong.count) misclassified\(wrong.isEmpty ? "" : ": \(list)"); wrote \(png)")
        return .success
    }
}
