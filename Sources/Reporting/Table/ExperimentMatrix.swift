// A matrix of experiments: several classifiers against several generator families.

import Foundation
import Network
import Sampling
import Support

/// Classifiers × generator families, evaluated cell by cell (the paper's tables).
///
/// File format (JSON; paths relative to the file; rows and columns keep the order written):
///
/// ```
/// { "classifiers": { "small": "classifiers/small.onnx", "large": "classifiers/large.onnx" },
///   "generator_families": {
///       "simple":    { "0": "generators/simple/generator_0.onnx", "1": ... },
///       "augmented": { "conditional_generator": { "file": "cgan.onnx", "classes": 10 } } },
///   "test_set": { "images": "data/test-images-idx3-ubyte.gz", "labels": "data/test-labels-idx1-ubyte.gz" },
///   "eps": 0.05, "delta": 0.05, "confidence": 0.99, "samples_per_class": 1000, "seed": 0,
///   "bound": "clopper-pearson" }
/// ```
///
/// A family is either a per-class generator map (an experiment's `"generators"`) or an object
/// with a `"conditional_generator"` entry. `"test_set"` is optional: IDX images + labels, or
/// `{"csv": "test.csv.gz"}`; `"pixel_scale"` (default 255) divides its raw values. Every other
/// field is an experiment field shared by all cells (see ``Experiment``); each cell is parsed
/// as the experiment `{shared fields, "classifier": row, family}`, so it gets the same checks.
public struct ExperimentMatrix: Sendable {
    public struct TestSet: Sendable, Equatable {
        public var images: String
        /// The IDX labels file; nil for a CSV test set (labels in the first column).
        public var labels: String?
        public var pixelScale: Double
    }

    public var file: String
    /// Row names and classifier paths, in file order.
    public var classifiers: [(name: String, path: String)]
    /// Column names and their experiments' generator part, in file order.
    public var families: [(name: String, generators: Experiment.Generators)]
    public var testSet: TestSet?
    /// The experiment of each cell, `cells[row][column]`.
    public var cells: [[Experiment]]

    public static let sharedKeys = ["adapter", "eps", "delta", "confidence", "samples_per_class", "seed",
                                    "time_limit", "rlimit", "max_nodes", "bound", "engine", "noise_dimension"]
    public static let fileKeys = ["classifiers", "generator_families", "test_set"] + sharedKeys

    public static func load(contentsOf path: String) throws -> ExperimentMatrix {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ExperimentError.invalidExperiment(file: path, place: "file", problem: "cannot read the file (no such file or not readable)",
                                                    fix: "check the path, e.g. examples/mnist/matrix.json")
        }
        return try parse(data, file: path, baseDirectory: (path as NSString).deletingLastPathComponent)
    }

    public static func parse(_ data: Data, file: String, baseDirectory: String) throws -> ExperimentMatrix {
        func fail(_ place: String, _ problem: String, _ fix: String) -> ExperimentError {
            .invalidExperiment(file: file, place: place, problem: problem, fix: fix)
        }
        let root: Any
        do {
            root = try JSONText.parseKeepingKeyOrder(data)
        } catch {
            throw fail("file", "is not valid JSON (\(error))", "check commas, quotes and braces")
        }
        guard let object = root as? JSONText.OrderedObject else {
            throw fail("file", "the top level is not a JSON object", "write { \"classifiers\": ..., \"generator_families\": ..., \"eps\": ... }")
        }
        for key in object.keys where !fileKeys.contains(key) && !key.hasPrefix("_") && key != "comment" {
            throw fail("key \"\(key)\"", "is not a matrix field", "use one of: \(fileKeys.joined(separator: ", "))")
        }
        func resolve(_ relative: String) -> String {
            if relative.hasPrefix("/") || baseDirectory.isEmpty { return relative }
            return (baseDirectory as NSString).appendingPathComponent(relative)
        }
        guard let rows = object.values["classifiers"] as? JSONText.OrderedObject, !rows.keys.isEmpty else {
            throw fail("field \"classifiers\"", "is missing or not a non-empty object", "map row names to classifier files, e.g. {\"small\": \"small.onnx\"}")
        }
        let classifiers = try rows.keys.map { name -> (String, String) in
            guard let path = rows.values[name] as? String, !path.isEmpty else {
                throw fail("field \"classifiers.\(name)\"", "must be a file path", "give the classifier's ONNX file")
            }
            return (name, path)
        }
        guard let columns = object.values["generator_families"] as? JSONText.OrderedObject, !columns.keys.isEmpty else {
            throw fail("field \"generator_families\"", "is missing or not a non-empty object",
                       "map family names to per-class generator maps, e.g. {\"simple\": {\"0\": \"g0.onnx\"}}")
        }
        var familyObjects: [(String, [String: Any])] = []
        for name in columns.keys {
            guard let family = columns.values[name] as? JSONText.OrderedObject else {
                throw fail("field \"generator_families.\(name)\"", "must be an object", "give {\"0\": \"generator_0.onnx\", ...} or {\"conditional_generator\": {...}}")
            }
            let plain = plainJSON(family) as! [String: Any]
            familyObjects.append((name, plain["conditional_generator"] != nil ? plain : ["generators": plain]))
        }
        var testSet: TestSet?
        if let value = object.values["test_set"] {
            guard let spec = plainJSON(value) as? [String: Any] else {
                throw fail("field \"test_set\"", "must be an object", "give {\"images\": ..., \"labels\": ...} or {\"csv\": ...}")
            }
            for key in spec.keys.sorted() where !["images", "labels", "csv", "pixel_scale"].contains(key) {
                throw fail("field \"test_set.\(key)\"", "is not a test-set field", "use images, labels, csv, pixel_scale")
            }
            let scale = spec["pixel_scale"].map { $0 as? Double } ?? 255
            guard let scale, scale.isFinite, scale > 0 else {
                throw fail("field \"test_set.pixel_scale\"", "must be a positive number", "give 255 for byte pixels, 1 for values already in range")
            }
            switch (spec["images"] as? String, spec["labels"] as? String, spec["csv"] as? String) {
            case let (images?, labels?, nil): testSet = TestSet(images: resolve(images), labels: resolve(labels), pixelScale: scale)
            case let (nil, nil, csv?): testSet = TestSet(images: resolve(csv), labels: nil, pixelScale: scale)
            default:
                throw fail("field \"test_set\"", "needs either \"images\" and \"labels\" (IDX files) or \"csv\" alone",
                           "e.g. {\"images\": \"t10k-images-idx3-ubyte.gz\", \"labels\": \"t10k-labels-idx1-ubyte.gz\"}")
            }
        }
        var shared: [String: Any] = [:]
        for key in sharedKeys { if let value = object.values[key] { shared[key] = plainJSON(value) } }
        var cells: [[Experiment]] = []
        var families: [(String, Experiment.Generators)] = []
        for (row, (rowName, classifier)) in classifiers.enumerated() {
            var line: [Experiment] = []
            for (familyName, family) in familyObjects {
                var cell = shared
                cell["classifier"] = classifier
                for (key, value) in family { cell[key] = value }
                let experiment = try Experiment.parse(Data(JSONText.encode(cell).utf8),
                                                      file: "\(file) (cell \(rowName) x \(familyName))", baseDirectory: baseDirectory)
                line.append(experiment)
                if row == 0 { families.append((familyName, experiment.generators)) }
            }
            cells.append(line)
        }
        return ExperimentMatrix(file: file, classifiers: classifiers.map { ($0.0, resolve($0.1)) },
                                families: families, testSet: testSet, cells: cells)
    }

    /// ``JSONText/OrderedObject`` trees back to plain dictionaries.
    static func plainJSON(_ value: Any) -> Any {
        switch value {
        case let object as JSONText.OrderedObject: object.values.mapValues(plainJSON)
        case let array as [Any]: array.map(plainJSON)
        default: value
        }
    }
}
