// The optional "image" field of an experiment file: how generator outputs are shown.

import Foundation

extension Experiment {
    /// How to show a generator output as a picture (experiment field `"image"`):
    ///
    /// ```
    /// "image": {"width": 8, "height": 8, "channels": 1, "range": [0, 1]}
    /// ```
    ///
    /// `channels` is 1 (gray) or 3 (RGB, channel-first `C x H x W` as in PyTorch); `range` is
    /// the value shown black (`lo`) and white (`hi`). `width * height * channels` must equal
    /// the generator output size (checked by Reporting's `ImageLayout.infer(generator:experiment:)`).
    /// Pictures never change verdicts, so this field is not part of the experiment identity.
    public struct ImageSpec: Sendable, Equatable {
        public var width: Int
        public var height: Int
        public var channels: Int
        /// `lo ... hi` with `lo < hi`; nil = inferred (see ``ImageLayout``).
        public var range: ClosedRange<Double>?

        public init(width: Int, height: Int, channels: Int = 1, range: ClosedRange<Double>? = nil) {
            self.width = width
            self.height = height
            self.channels = channels
            self.range = range
        }

        /// Checks sizes and range; throws an error naming the field.
        public func validate(file: String) throws {
            func fail(_ field: String, _ problem: String, _ fix: String) -> ExperimentError {
                .invalidExperiment(file: file, place: "field \"image.\(field)\"", problem: problem, fix: fix)
            }
            guard width >= 1 else { throw fail("width", "must be >= 1, got \(width)", "give the image width in pixels") }
            guard height >= 1 else { throw fail("height", "must be >= 1, got \(height)", "give the image height in pixels") }
            guard channels == 1 || channels == 3 else {
                throw fail("channels", "must be 1 (gray) or 3 (RGB), got \(channels)", "give 1 or 3")
            }
            if let range {
                guard range.lowerBound < range.upperBound, range.lowerBound.isFinite, range.upperBound.isFinite else {
                    throw fail("range", "must be [lo, hi] with finite lo < hi, got [\(range.lowerBound), \(range.upperBound)]",
                               "give e.g. [0, 1] or [-1, 1]")
                }
            }
        }
    }

    /// Parses the value of the `"image"` field.
    static func parseImage(_ value: Any, file: String) throws -> ImageSpec {
        func fail(_ place: String, _ problem: String, _ fix: String) -> ExperimentError {
            .invalidExperiment(file: file, place: "field \"\(place)\"", problem: problem, fix: fix)
        }
        guard let object = value as? [String: Any] else {
            throw fail("image", "must be an object {\"width\": W, \"height\": H, \"channels\": 1, \"range\": [lo, hi]}",
                       "see the experiment format in README.md")
        }
        for key in object.keys.sorted() where !["width", "height", "channels", "range"].contains(key) {
            throw fail("image.\(key)", "is not an image field", "use width, height, channels, range")
        }
        func integer(_ key: String, required: Bool) throws -> Int? {
            guard let entry = object[key] else {
                if required { throw fail("image.\(key)", "is missing", "give the \(key) as a whole number") }
                return nil
            }
            guard !(entry is Bool), let number = entry as? Double, number == number.rounded(), number >= 1, number < 1e9 else {
                throw fail("image.\(key)", "must be an integer >= 1, got \(describe(entry))", "give a whole number")
            }
            return Int(number)
        }
        var spec = ImageSpec(width: try integer("width", required: true)!, height: try integer("height", required: true)!,
                             channels: try integer("channels", required: false) ?? 1)
        if let entry = object["range"] {
            guard let list = entry as? [Any], list.count == 2,
                  let lo = list[0] as? Double, let hi = list[1] as? Double, !(list[0] is Bool), !(list[1] is Bool),
                  lo.isFinite, hi.isFinite else {
                throw fail("image.range", "must be a list of two numbers [lo, hi], got \(describe(entry))", "give e.g. [0, 1]")
            }
            guard lo < hi else { throw fail("image.range", "must have lo < hi, got [\(lo), \(hi)]", "give e.g. [0, 1]") }
            spec.range = lo...hi
        }
        try spec.validate(file: file)
        return spec
    }
}
