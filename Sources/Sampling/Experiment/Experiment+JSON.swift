// Reading an experiment from its JSON file (format: README.md, "Experiment file").

import Foundation
import Network
import Solver
import Support

extension Experiment {
    /// The keys an experiment file may contain (others are errors, so typos do not pass
    /// silently; keys starting with `_` or named `comment` are ignored).
    public static let fileKeys = [
        "classifier", "generators", "conditional_generator", "adapter", "eps", "delta", "confidence",
        "samples_per_class", "seed", "time_limit", "rlimit", "max_nodes", "bound", "engine",
        "image", // pictures
    ]

    /// Reads and validates the experiment file at `path`; relative network paths are resolved
    /// against the file's directory.
    /// - Throws: ``ExperimentError`` naming the file and field.
    public static func load(contentsOf path: String) throws -> Experiment {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ExperimentError.invalidExperiment(
                file: path, place: "file", problem: "cannot read the file (no such file or not readable)",
                fix: "check the path, e.g. examples/digits/experiment.json")
        }
        let directory = (path as NSString).deletingLastPathComponent
        return try parse(data, file: path, baseDirectory: directory)
    }

    /// Parses experiment JSON; `baseDirectory` resolves relative paths ("" = current directory).
    public static func parse(_ data: Data, file: String, baseDirectory: String) throws -> Experiment {
        func fail(_ place: String, _ problem: String, _ fix: String) -> ExperimentError {
            .invalidExperiment(file: file, place: place, problem: problem, fix: fix)
        }
        let root: Any
        do {
            root = try JSONText.parse(data)
        } catch {
            throw fail("file", "is not valid JSON (\(error))", "check commas, quotes and braces")
        }
        guard let object = root as? [String: Any] else {
            throw fail("file", "the top level is not a JSON object", "write { \"classifier\": ..., \"generators\": ..., \"eps\": ... }")
        }
        for key in object.keys.sorted() where !fileKeys.contains(key) && !key.hasPrefix("_") && key != "comment" {
            throw fail("key \"\(key)\"", "is not an experiment field", "use one of: \(fileKeys.joined(separator: ", "))")
        }
        func resolve(_ relative: String) -> String {
            if relative.hasPrefix("/") || baseDirectory.isEmpty { return relative }
            return (baseDirectory as NSString).appendingPathComponent(relative)
        }
        func string(_ key: String, in object: [String: Any], place: String? = nil) throws -> String? {
            guard let value = object[key] else { return nil }
            guard let text = value as? String, !text.isEmpty else {
                throw fail("field \"\(place ?? key)\"", "must be a non-empty string (a file path)", "give a path relative to the experiment file")
            }
            return text
        }
        func number(_ key: String, in object: [String: Any], place: String? = nil) throws -> Double? {
            guard let value = object[key] else { return nil }
            guard let number = value as? Double, number.isFinite else {
                throw fail("field \"\(place ?? key)\"", "must be a number, got \(Self.describe(value))", "give a finite number")
            }
            return number
        }
        func integer(_ key: String, in object: [String: Any], minimum: Int, place: String? = nil) throws -> Int? {
            guard let value = try number(key, in: object, place: place) else { return nil }
            guard value == value.rounded(), value >= Double(minimum), value < 9.0e15 else {
                throw fail("field \"\(place ?? key)\"", "must be an integer >= \(minimum), got \(value)", "give a whole number")
            }
            return Int(value)
        }

        guard let classifier = try string("classifier", in: object) else {
            throw fail("field \"classifier\"", "is missing", "give the classifier network file, e.g. \"classifier\": \"classifier.onnx\"")
        }
        let generators: Generators
        switch (object["generators"], object["conditional_generator"]) {
        case (nil, nil):
            throw fail("field \"generators\"", "is missing", "map classes to generator files, e.g. \"generators\": {\"0\": \"generator_0.onnx\"}, or give \"conditional_generator\"")
        case (.some, .some):
            throw fail("field \"conditional_generator\"", "cannot be combined with \"generators\"", "give one of the two")
        case (let map?, nil):
            guard let map = map as? [String: Any], !map.isEmpty else {
                throw fail("field \"generators\"", "must be a non-empty object mapping class indices to files", "write {\"0\": \"generator_0.onnx\", \"1\": ...}")
            }
            var files: [Int: String] = [:]
            for (key, value) in map {
                guard let classIndex = Int(key), classIndex >= 0 else {
                    throw fail("field \"generators\" key \"\(key)\"", "is not a class index", "use keys \"0\", \"1\", ...")
                }
                guard let path = value as? String, !path.isEmpty else {
                    throw fail("field \"generators.\(key)\"", "must be a file path string", "give the generator file of class \(key)")
                }
                files[classIndex] = resolve(path)
            }
            generators = .perClass(files)
        case (nil, let conditional?):
            let spec: [String: Any]
            if let path = conditional as? String {
                spec = ["file": path]
            } else if let object = conditional as? [String: Any] {
                spec = object
            } else {
                throw fail("field \"conditional_generator\"", "must be a file path or an object {\"file\": ..., \"classes\": N, \"one_hot\": \"after\"}", "see the experiment format in README.md")
            }
            for key in spec.keys.sorted() where !["file", "classes", "one_hot"].contains(key) {
                throw fail("field \"conditional_generator.\(key)\"", "is not a conditional generator field", "use file, classes, one_hot")
            }
            guard let path = try string("file", in: spec, place: "conditional_generator.file") else {
                throw fail("field \"conditional_generator.file\"", "is missing", "give the generator file")
            }
            let count = try integer("classes", in: spec, minimum: 1, place: "conditional_generator.classes")
            var position = OneHotPosition.after
            if let text = spec["one_hot"] {
                guard let text = text as? String, let parsed = OneHotPosition(rawValue: text) else {
                    throw fail("field \"conditional_generator.one_hot\"", "must be \"after\" or \"before\"", "\"after\" means the input is [noise, onehot]")
                }
                position = parsed
            }
            generators = .conditional(path: resolve(path), classCount: count, oneHot: position)
        }

        var adapter: Adapter?
        if let value = object["adapter"] {
            guard let spec = value as? [String: Any] else {
                throw fail("field \"adapter\"", "must be an object {\"scale\": S, \"shift\": T}", "numbers or lists of numbers")
            }
            for key in spec.keys.sorted() where key != "scale" && key != "shift" {
                throw fail("field \"adapter.\(key)\"", "is not an adapter field", "use scale and shift")
            }
            func vector(_ key: String, default fallback: Double) throws -> [Double] {
                guard let entry = spec[key] else { return [fallback] }
                if let number = entry as? Double, number.isFinite { return [number] }
                if let list = entry as? [Any], !list.isEmpty {
                    return try list.map {
                        guard let number = $0 as? Double, number.isFinite else {
                            throw fail("field \"adapter.\(key)\"", "contains \(Self.describe($0))", "give finite numbers")
                        }
                        return number
                    }
                }
                throw fail("field \"adapter.\(key)\"", "must be a number or a non-empty list of numbers", "e.g. 0.5 or [0.5, 0.5, ...]")
            }
            adapter = Adapter(scale: try vector("scale", default: 1), shift: try vector("shift", default: 0))
        }

        guard let eps = try number("eps", in: object) else {
            throw fail("field \"eps\"", "is missing", "give the L-infinity radius in noise space, e.g. \"eps\": 0.05")
        }
        var experiment = Experiment(
            file: file, classifier: resolve(classifier), generators: generators, adapter: adapter, eps: eps)
        if let value = try number("delta", in: object) { experiment.delta = value }
        if let value = try number("confidence", in: object) { experiment.confidence = value }
        if let value = try integer("samples_per_class", in: object, minimum: 1) { experiment.samplesPerClass = value }
        if let value = try integer("seed", in: object, minimum: 0) { experiment.seed = UInt64(value) }
        if let value = try number("time_limit", in: object) { experiment.timeLimit = value }
        if let value = try integer("rlimit", in: object, minimum: 0) { experiment.smtResourceLimit = UInt64(value) }
        if let value = try integer("max_nodes", in: object, minimum: 1) { experiment.maxNodes = value }
        if let value = object["bound"] {
            guard let text = value as? String, let method = ConfidenceBoundMethod(rawValue: text) else {
                throw fail("field \"bound\"", "must be \"hoeffding\" or \"clopper-pearson\", got \(Self.describe(value))", "pick one of the two")
            }
            experiment.bound = method
        }
        if let value = object["engine"] {
            guard let text = value as? String, let engine = PhaseSplitOptions.Engine(rawValue: text) else {
                throw fail("field \"engine\"", "must be \"input\", \"phase\" or \"auto\", got \(Self.describe(value))", "pick one of the three")
            }
            experiment.engine = engine
        }
        if let value = object["image"] { experiment.image = try parseImage(value, file: file) } // pictures
        try experiment.validate()
        return experiment
    }

    static func describe(_ value: Any) -> String {
        if value is Bool { return "a boolean" }
        if let text = value as? String { return "\"\(text)\"" }
        if value is [Any] { return "a list" }
        if value is [String: Any] { return "an object" }
        if value is NSNull { return "null" }
        return "\(value)"
    }

}
