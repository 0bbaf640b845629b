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
        "noise_dimension", "image", // pictures
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
    /// The sections with structure (generators, adapter) are read by ``FileReader``; the
    /// scalar settings here, one line per key.
    public static func parse(_ data: Data, file: String, baseDirectory: String) throws -> Experiment {
        let reader = FileReader(file: file, baseDirectory: baseDirectory)
        func fail(_ place: String, _ problem: String, _ fix: String) -> ExperimentError { reader.fail(place, problem, fix) }
        func resolve(_ relative: String) -> String { reader.resolve(relative) }
        func string(_ key: String, in object: [String: Any], place: String? = nil) throws -> String? {
            try reader.string(key, in: object, place: place)
        }
        func number(_ key: String, in object: [String: Any], place: String? = nil) throws -> Double? {
            try reader.number(key, in: object, place: place)
        }
        func integer(_ key: String, in object: [String: Any], minimum: Int, place: String? = nil) throws -> Int? {
            try reader.integer(key, in: object, minimum: minimum, place: place)
        }
        let object = try reader.topLevel(data)
        guard let classifier = try string("classifier", in: object) else {
            throw fail("field \"classifier\"", "is missing", "give the classifier network file, e.g. \"classifier\": \"classifier.onnx\"")
        }
        let generators = try reader.generators(object)
        let adapter = try reader.adapter(object)

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
        if let value = try integer("noise_dimension", in: object, minimum: 1) { experiment.noiseDimension = value }
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
