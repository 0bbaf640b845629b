// The random-walk experiment: how the class of generated images changes along a random
// walk in noise space (a picture of the generator's class regions).

import Foundation
import Network
import Sampling
import Support

/// A Gaussian random walk in noise space, starting at one of the experiment's noises:
///
/// ```
/// x_0     = noise(c, start)                     (the experiment's own sample noise)
/// x_{t+1} = x_t + s * z_t,   z_t ~ N(0, I_p),   t = 0, ..., steps - 1
/// ```
///
/// `z_t` comes from one `SplitMix64(seed)` stream by Box-Muller, `ceil(p / 2)` pairs per step
/// (the sine of the last pair dropped when `p` is odd):
///
/// ```
/// u1 = ((next() >> 11) + 1) * 2^-53,  u2 = ((next() >> 11) + 1) * 2^-53      in (0, 1]
/// z[2j] = sqrt(-2 ln u1) cos(2π u2),  z[2j+1] = sqrt(-2 ln u1) sin(2π u2)
/// ```
///
/// Postconditions: `steps + 1` points; the same (experiment, class, start, steps, s, seed)
/// give the same walk everywhere.
public enum RandomWalk {
    /// The points `x_0 ... x_steps` of the walk.
    public static func points(start: [Double], steps: Int, stepSize: Double, seed: UInt64) -> [[Double]] {
        precondition(steps >= 0, "steps must be >= 0")
        var generator = SplitMix64(seed: seed)
        var current = start
        var result = [start]
        for _ in 0..<steps {
            let z = gaussian(count: start.count, using: &generator)
            for index in current.indices { current[index] += stepSize * z[index] }
            result.append(current)
        }
        return result
    }

    /// `count` standard normals by Box-Muller (see the type's documentation).
    static func gaussian(count: Int, using generator: inout SplitMix64) -> [Double] {
        var values: [Double] = []
        values.reserveCapacity(count + 1)
        while values.count < count {
            let u1 = Double((generator.next() >> 11) + 1) * 0x1p-53
            let u2 = Double((generator.next() >> 11) + 1) * 0x1p-53
            let radius = (-2 * Foundation.log(u1)).squareRoot()
            values.append(radius * Foundation.cos(2 * Double.pi * u2))
            values.append(radius * Foundation.sin(2 * Double.pi * u2))
        }
        return Array(values.prefix(count))
    }

    /// The pictures along the walk from sample `startSample` of class `classIndex`.
    public static func pictures(_ experiment: LoadedExperiment, classIndex: Int, startSample: Int, steps: Int,
                                stepSize: Double, seed: UInt64) -> [GeneratedPicture] {
        let start = experiment.noise(classIndex: classIndex, sampleIndex: startSample)
        return points(start: start, steps: steps, stepSize: stepSize, seed: seed).map {
            GeneratedPicture(experiment, classIndex: classIndex, noise: $0)
        }
    }

    /// The number of steps `t` whose predicted class differs from step `t - 1`'s.
    public static func classChanges(_ pictures: [GeneratedPicture]) -> Int {
        zip(pictures, pictures.dropFirst()).filter { $0.predicted != $1.predicted }.count
    }

    /// The strip: rows of `columns` frames, each captioned with its predicted class, framed
    /// in red where it is not the walk's class.
    public static func strip(_ pictures: [GeneratedPicture], layout: ImageLayout, columns: Int, scale: Int) -> RasterImage {
        let shared = layout.fixingRange(over: pictures.map(\.values))
        let cells = pictures.map { picture in
            ImageGrid.Cell(image: shared.raster(picture.values).upscaled(by: scale),
                           frame: picture.isMisclassified ? .red : nil,
                           caption: picture.predictedLabel,
                           captionColor: picture.isMisclassified ? .red : .black)
        }
        return ImageGrid(columns: columns, padding: 2, frameThickness: 2).render(cells)
    }

    /// Animation frames: each picture framed (red when misclassified) above a caption
    /// `T=<step>: <predicted>`; all frames share one size (wide enough for every caption).
    public static func animationFrames(_ pictures: [GeneratedPicture], layout: ImageLayout, scale: Int) -> [RasterImage] {
        let shared = layout.fixingRange(over: pictures.map(\.values))
        let labels = pictures.enumerated().map { step, picture in
            "T=\(step): \(picture.predictedLabel)"
        }
        let frameThickness = 3
        let imageWidth = layout.width * scale + 2 * frameThickness
        let width = max(imageWidth, labels.map { BitmapFont.width(of: $0) + 4 }.max() ?? 0)
        return zip(pictures, labels).map { picture, label in
            let image = shared.raster(picture.values).upscaled(by: scale).convertedToRGB()
                .framed(color: picture.isMisclassified ? .red : .white, thickness: frameThickness)
            let canvas = RasterImage(width: width, height: image.height, channels: 3, color: .white)
                .drawing(image, atX: (width - image.width) / 2, y: 0)
            return canvas.labeled(label, scale: 1, foreground: picture.isMisclassified ? .red : .black)
        }
    }
}
