// A labelled test set (images and class labels) from IDX or CSV files.

import Foundation
import Network

/// Images with their class labels, as a classifier's test set: `images` holds `count` rows of
/// `dimension` values each (row-major), already scaled to the classifier's input range.
public struct LabelledDataset: Sendable {
    public var images: [Double]
    public var labels: [Int]
    public var dimension: Int
    public var count: Int { labels.count }

    public init(images: [Double], labels: [Int], dimension: Int) {
        precondition(images.count == labels.count * dimension, "images and labels disagree")
        self.images = images
        self.labels = labels
        self.dimension = dimension
    }

    /// The MNIST pair of IDX files: images `[n, h, w]` (or `[n, d]`) and labels `[n]`.
    /// Pixel values are divided by `pixelScale` (255 maps MNIST's bytes to [0, 1]).
    public static func idx(images imagesPath: String, labels labelsPath: String, pixelScale: Double = 255) throws -> LabelledDataset {
        let images = try IDXFile.read(imagesPath)
        let labels = try IDXFile.read(labelsPath)
        guard labels.shape.count == 1 else {
            throw DatasetError.invalid(file: labelsPath, problem: "has shape \(labels.shape), not a list of labels",
                                       fix: "give the labels file (idx1-ubyte) here and the images file (idx3-ubyte) as images")
        }
        guard images.count == labels.count else {
            throw DatasetError.invalid(file: imagesPath, problem: "has \(images.count) images but \(labelsPath) has \(labels.count) labels",
                                       fix: "pair the images and labels files of the same set")
        }
        let classes = try labels.values.enumerated().map { (i, value) -> Int in
            guard value >= 0, value == value.rounded(), value < 1e6 else {
                throw DatasetError.invalid(file: labelsPath, problem: "label \(i) is \(value), not a class index", fix: "labels must be 0, 1, 2, ...")
            }
            return Int(value)
        }
        return LabelledDataset(images: images.values.map { $0 / pixelScale }, labels: classes, dimension: images.itemSize)
    }

    /// A CSV file (optionally gzipped): one image per line, `label,v1,v2,...`; a first line that
    /// does not start with a number is a header and skipped. Values are divided by `pixelScale`.
    public static func csv(_ path: String, pixelScale: Double = 255) throws -> LabelledDataset {
        let bytes = try DatasetFile.bytes(path)
        var images: [Double] = []
        var labels: [Int] = []
        var dimension: Int?
        var lineNumber = 0
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if text.isEmpty { continue }
            let fields = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            if lineNumber == 1, Double(fields[0]) == nil { continue }
            func fail(_ problem: String) -> DatasetError {
                .invalid(file: path, problem: "line \(lineNumber): \(problem)", fix: "each line must be label,v1,v2,... with the same number of values")
            }
            guard let label = Int(fields[0]), label >= 0 else { throw fail("label \"\(fields[0])\" is not a class index") }
            let values = try fields.dropFirst().map { field -> Double in
                guard let value = Double(field), value.isFinite else { throw fail("\"\(field)\" is not a number") }
                return value / pixelScale
            }
            if let dimension, dimension != values.count { throw fail("has \(values.count) values, earlier lines have \(dimension)") }
            guard !values.isEmpty else { throw fail("has no pixel values") }
            dimension = values.count
            labels.append(label)
            images += values
        }
        guard let dimension else {
            throw DatasetError.invalid(file: path, problem: "contains no images", fix: "give a CSV with lines label,v1,v2,...")
        }
        return LabelledDataset(images: images, labels: labels, dimension: dimension)
    }

    /// Loads IDX when `labels` is given, CSV otherwise.
    public static func load(images: String, labels: String?, pixelScale: Double = 255) throws -> LabelledDataset {
        if let labels { return try idx(images: images, labels: labels, pixelScale: pixelScale) }
        return try csv(images, pixelScale: pixelScale)
    }

    /// Accuracy of `classifier` on this set: a sample is correct when its label's logit is
    /// strictly larger than every other (ties count as errors, as in global correctness).
    public func correctCount(of classifier: NeuralNetwork) throws -> Int {
        guard classifier.inputSize == dimension else {
            throw NetworkError.sizeMismatch(context: "test set (\(dimension) values per image) fed to the classifier",
                                            expected: classifier.inputSize, actual: dimension,
                                            fix: "give the test set of the classifier's dataset")
        }
        if let bad = labels.firstIndex(where: { $0 >= classifier.outputSize }) {
            throw NetworkError.sizeMismatch(context: "test set label \(labels[bad]) of image \(bad) for a classifier with \(classifier.outputSize) outputs",
                                            expected: classifier.outputSize, actual: labels[bad] + 1,
                                            fix: "give the test set of the classifier's classes (labels 0...\(classifier.outputSize - 1))")
        }
        var correct = 0
        let batch = 1024
        var start = 0
        while start < count {
            let end = min(count, start + batch)
            let outputs = classifier.evaluate(batch: Array(images[(start * dimension)..<(end * dimension)]), count: end - start)
            let k = classifier.outputSize
            for i in 0..<(end - start) {
                let label = labels[start + i]
                let row = outputs[(i * k)..<((i + 1) * k)]
                let own = row[row.startIndex + label]
                if own.isFinite, row.indices.allSatisfy({ $0 == row.startIndex + label || row[$0] < own }) { correct += 1 }
            }
            start = end
        }
        return correct
    }
}
