/// The picture of a ``RealisticAdversarialPair``: `G_c(x) | G_c(x')` side by side, upscaled,
/// on one gray scale (the layout's range, or the pair's shared minimum and maximum), each
/// captioned with its predicted class ("ORIG: c", and "ADV: j" framed and captioned in red), and a legend strip
/// `"C -> T"` below (`"C -> T (TIE)"` for a tie, `"C -> T (TARGET T)"` for a targeted search).

import Sampling
public enum AdversarialPairPicture {
    /// `scale` 0 picks an upscaling that makes each image about 128 pixels wide.
    public static func render(_ pair: RealisticAdversarialPair, layout: ImageLayout, scale: Int = 0) -> RasterImage {
        let factor = scale > 0 ? scale : max(1, 128 / max(layout.width, 1))
        let shared = layout.fixingRange(over: [pair.image, pair.adversarialImage])
        let cells = [
            ImageGrid.Cell(image: shared.raster(pair.image).upscaled(by: factor), frame: nil,
                           caption: "ORIG: \(pair.prediction)"),
            ImageGrid.Cell(image: shared.raster(pair.adversarialImage).upscaled(by: factor), frame: .red,
                           caption: "ADV: \(pair.adversarialPrediction)", captionColor: .red),
        ]
        var legend = "\(pair.classIndex) -> \(pair.adversarialPrediction)"
        if pair.isTie { legend += " (TIE)" }
        if case .label(let t) = pair.target { legend += " (TARGET \(t))" }
        return ImageGrid(columns: 2, padding: 4, frameThickness: 2, captionScale: 2).render(cells)
            .labeled(legend, scale: 2)
    }

    /// Renders the pair with the experiment's image layout of class `c`.
    public static func render(_ pair: RealisticAdversarialPair, experiment: LoadedExperiment, scale: Int = 0) throws -> RasterImage {
        let layout = try ImageLayout.infer(generator: experiment.generators[pair.classIndex]!, experiment: experiment.experiment)
        return render(pair, layout: layout, scale: scale)
    }
}
