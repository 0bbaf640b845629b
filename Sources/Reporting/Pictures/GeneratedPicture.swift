// One generated image with the classifier's verdict on it: what sample grids and walks show.

import Network
import Sampling

/// `G_c(x)` for one noise `x`, the logits of `C(a(G_c(x)))` and whether the classifier gets it right.
public struct GeneratedPicture: Sendable {
    /// The noise `x` (the generator input).
    public let noise: [Double]
    /// `G_c(x)`, the generator output (before the adapter).
    public let values: [Double]
    /// The plain float forward pass of `C ∘ a ∘ G_c` at `x`.
    public let logits: [Double]
    /// The class the image should have.
    public let classIndex: Int

    /// The class of `x` (``Classification``: strict, a tie is no class), decided in exact
    /// arithmetic when the picture comes from an experiment; the float logits' reading for a
    /// tanh/sigmoid network whose error bound does not decide, and for ``init(noise:values:logits:classIndex:)``.
    public let predicted: Classification

    /// Correct iff the picture is classified as `classIndex` (a tie with another class, or a
    /// NaN logit, counts as misclassified, as in the verifier's property).
    public var isMisclassified: Bool { !predicted.isClass(classIndex) }

    /// The label to draw: the class number, or `TIE` when no class wins alone.
    public var predictedLabel: String {
        predicted.classIndex.map(String.init) ?? "TIE"
    }

    /// A picture from values already computed (e.g. by an attack); its class is the float
    /// logits' (``Classification/init(scores:)``).
    public init(noise: [Double], values: [Double], logits: [Double], classIndex: Int) {
        precondition(logits.indices.contains(classIndex), "class \(classIndex) outside the \(logits.count) logits")
        self.noise = noise
        self.values = values
        self.logits = logits
        self.classIndex = classIndex
        self.predicted = Classification(scores: logits)
    }

    /// The picture of `noise` for class `classIndex` of `experiment`, classified in exact
    /// arithmetic (``NeuralNetwork/checkedClassification(_:)``).
    public init(_ experiment: LoadedExperiment, classIndex: Int, noise: [Double]) {
        self.noise = noise
        self.values = experiment.image(classIndex: classIndex, noise: noise)
        self.logits = experiment.logits(classIndex: classIndex, noise: noise)
        self.classIndex = classIndex
        switch experiment.networks[classIndex]!.checkedClassification(noise) {
        case .decided(let classification, _): self.predicted = classification
        case .undecided(let float): self.predicted = float
        }
    }
}

/// The grid of `verify sample`: generated images of one class for the experiment's own
/// noises, misclassified ones framed in red with the predicted class as caption.
public enum SampleSheet {
    /// `G_c(x_i)` for the experiment's noises `i = start ..< start + count`.
    public static func pictures(_ experiment: LoadedExperiment, classIndex: Int, start: Int, count: Int) -> [GeneratedPicture] {
        (start..<(start + count)).map {
            GeneratedPicture(experiment, classIndex: classIndex,
                             noise: experiment.noise(classIndex: classIndex, sampleIndex: $0))
        }
    }

    /// The grid image: `columns` cells per row, each picture upscaled by `scale`; the layout's
    /// range (or the shared minimum and maximum of all pictures) maps values to gray levels.
    public static func render(_ pictures: [GeneratedPicture], layout: ImageLayout, columns: Int, scale: Int) -> RasterImage {
        let shared = layout.fixingRange(over: pictures.map(\.values))
        let cells = pictures.map { picture in
            ImageGrid.Cell(image: shared.raster(picture.values).upscaled(by: scale),
                           frame: picture.isMisclassified ? .red : nil,
                           caption: picture.isMisclassified ? "-> \(picture.predictedLabel)" : nil,
                           captionColor: .red)
        }
        return ImageGrid(columns: columns, padding: 4, frameThickness: 2).render(cells)
    }
}
