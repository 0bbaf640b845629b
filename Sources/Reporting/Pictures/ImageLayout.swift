// How a generator's output vector becomes a picture: size, channels and value range.

import Network
import Sampling

/// The layout of a generator output as an image.
///
/// Values are read channel-first (`C x H x W`, as PyTorch stores images):
///
/// ```
/// value of channel k at column x, row y = values[k * height * width + y * width + x]
/// pixel = round(255 * clamp((value - lo) / (hi - lo), 0, 1))
/// ```
public struct ImageLayout: Sendable, Equatable {
    public var width: Int
    public var height: Int
    /// 1 (gray) or 3 (RGB).
    public var channels: Int
    /// The value shown black (`lo`) and white (`hi`); nil = the minimum and maximum of the
    /// values of each picture (see ``fixingRange(over:)`` to share one range between pictures).
    public var range: ClosedRange<Double>?

    public init(width: Int, height: Int, channels: Int, range: ClosedRange<Double>?) {
        precondition(width >= 1 && height >= 1 && (channels == 1 || channels == 3), "invalid image layout")
        self.width = width
        self.height = height
        self.channels = channels
        self.range = range
    }

    /// `width * height * channels`, the output size this layout shows.
    public var valueCount: Int { width * height * channels }

    /// The layout of `generator`'s outputs in `experiment`.
    ///
    /// Size: the experiment's `"image"` field if given, otherwise from `n = outputSize`:
    /// `k x k` gray when `n = k^2`; `k x k` RGB (channel-first) when `n = 3 k^2`; else a
    /// `n x 1` gray strip.
    ///
    /// Range: the field's `range` if given, otherwise from the generator's last layer:
    /// `.clip(lo, hi)` with finite bounds -> `[lo, hi]`, `.tanh` -> `[-1, 1]`,
    /// `.sigmoid` -> `[0, 1]`; anything else (an affine last layer, ReLU, a half-open clip)
    /// -> nil, i.e. each picture is stretched from its own minimum to its maximum.
    ///
    /// - Throws: ``ExperimentError/invalidExperiment(file:place:problem:fix:)`` when the
    ///   `"image"` field does not match the generator's output size.
    public static func infer(generator: NeuralNetwork, experiment: Experiment) throws -> ImageLayout {
        let n = generator.outputSize
        let inferredRange = range(of: generator)
        if let spec = experiment.image {
            try spec.validate(file: experiment.file ?? "experiment")
            guard spec.width * spec.height * spec.channels == n else {
                throw ExperimentError.invalidExperiment(
                    file: experiment.file ?? "experiment", place: "field \"image\"",
                    problem: "\(spec.width) x \(spec.height) x \(spec.channels) = \(spec.width * spec.height * spec.channels) values but the generator outputs \(n)",
                    fix: "give width * height * channels = \(n)")
            }
            return ImageLayout(width: spec.width, height: spec.height, channels: spec.channels, range: spec.range ?? inferredRange)
        }
        if let k = exactSquareRoot(n) {
            return ImageLayout(width: k, height: k, channels: 1, range: inferredRange)
        }
        if n % 3 == 0, let k = exactSquareRoot(n / 3) {
            return ImageLayout(width: k, height: k, channels: 3, range: inferredRange)
        }
        return ImageLayout(width: max(1, n), height: 1, channels: 1, range: inferredRange)
    }

    /// The value range implied by the generator's last layer, if it bounds the output.
    static func range(of generator: NeuralNetwork) -> ClosedRange<Double>? {
        guard let last = generator.layers.last else { return nil }
        switch last {
        case .clip(let lower, let upper):
            return lower.isFinite && upper.isFinite && lower < upper ? lower...upper : nil
        case .tanh: return -1...1
        case .sigmoid: return 0...1
        case .affine, .relu, .leakyRelu, .enclosedScale: return nil
        }
    }

    /// `k` with `k * k == n`, if any (`n >= 1`).
    static func exactSquareRoot(_ n: Int) -> Int? {
        guard n >= 1 else { return nil }
        var k = Int(Double(n).squareRoot().rounded())
        while k * k > n { k -= 1 }
        while (k + 1) * (k + 1) <= n { k += 1 }
        return k * k == n ? k : nil
    }

    /// This layout with `range` fixed to the minimum and maximum over all `pictures` when it
    /// is nil (so several pictures share one scale); a constant set of values gets `[v - 1, v + 1]`.
    public func fixingRange(over pictures: [[Double]]) -> ImageLayout {
        guard range == nil else { return self }
        var copy = self
        copy.range = Self.span(pictures.flatMap { $0 })
        return copy
    }

    static func span(_ values: [Double]) -> ClosedRange<Double> {
        let finite = values.filter(\.isFinite)
        guard let lo = finite.min(), let hi = finite.max() else { return 0...1 }
        return lo < hi ? lo...hi : (lo - 1)...(hi + 1)
    }

    /// The picture of one output vector (`values.count == valueCount`); NaN shows as `lo`.
    public func raster(_ values: [Double]) -> RasterImage {
        precondition(values.count == valueCount, "layout \(width)x\(height)x\(channels) needs \(valueCount) values, got \(values.count)")
        let bounds = range ?? Self.span(values)
        let scale = bounds.upperBound - bounds.lowerBound
        let plane = width * height
        var pixels = [UInt8](repeating: 0, count: valueCount)
        for k in 0..<channels {
            for p in 0..<plane {
                let value = values[k * plane + p]
                let unit = value.isNaN ? 0 : min(1, max(0, (value - bounds.lowerBound) / scale))
                pixels[p * channels + k] = UInt8((255 * unit).rounded())
            }
        }
        return RasterImage(width: width, height: height, channels: channels, pixels: pixels)
    }
}
