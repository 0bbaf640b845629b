// PNG data URIs of generated images for the report.

import Foundation
import Network
import Sampling

/// Images `G_c(x)` as `data:image/png;base64,...` URIs, drawn with the pictures helpers
/// (``ImageLayout``, ``RasterImage``, ``PNGEncoder``).
enum ReportImages {
    /// The longer side of a shown image in pixels (an 8x8 digit becomes 96x96), at most.
    static let targetSize = 96

    /// One inline image.
    struct Picture {
        var uri: String
        var width: Int
        var height: Int
    }

    /// `G_c(noise)` for each noise, all on one grey scale (so that a pair can be compared
    /// pixel by pixel), upscaled by an integer factor; nil when the class has no generator
    /// or its output cannot be laid out as an image.
    static func pictures(_ loaded: LoadedExperiment, classIndex: Int, noises: [[Double]]) -> [Picture]? {
        guard let generator = loaded.generators[classIndex],
              let inferred = try? ImageLayout.infer(generator: generator, experiment: loaded.experiment) else { return nil }
        let outputs = noises.map { generator.evaluate($0) }
        let layout = inferred.fixingRange(over: outputs)
        let factor = max(1, targetSize / max(layout.width, layout.height))
        return outputs.map { values in
            let image = layout.raster(values).upscaled(by: factor)
            let png = Data(PNGEncoder.encode(image))
            return Picture(uri: "data:image/png;base64," + png.base64EncodedString(), width: image.width, height: image.height)
        }
    }
}
