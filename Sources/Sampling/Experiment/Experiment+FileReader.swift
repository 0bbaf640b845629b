// The fields of an experiment file, read one section at a time (Experiment+JSON.swift).

import Foundation
import Network
import Support

extension Experiment {
    /// Reads the sections of one experiment file; every error names `file` and the field.
    struct FileReader {
        /// The experiment file (named in errors).
        let file: String
        /// The directory relative paths are resolved against ("" = current directory).
        let baseDirectory: String

        func fail(_ place: String, _ problem: String, _ fix: String) -> ExperimentError {
            .invalidExperiment(file: file, place: place, problem: problem, fix: fix)
        }

        static func describe(_ value: Any) -> String { Experiment.describe(value) }

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

        /// The file's top-level object, with every key an experiment field (``fileKeys``),
        /// `comment`, or starting with `_`.
        func topLevel(_ data: Data) throws -> [String: Any] {
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
            return object
        }

        /// `generators` (one file per class) or `conditional_generator`: exactly one of the two.
        func generators(_ object: [String: Any]) throws -> Generators {
            switch (object["generators"], object["conditional_generator"]) {
            case (nil, nil):
                throw fail("field \"generators\"", "is missing", "map classes to generator files, e.g. \"generators\": {\"0\": \"generator_0.onnx\"}, or give \"conditional_generator\"")
            case (.some, .some):
                throw fail("field \"conditional_generator\"", "cannot be combined with \"generators\"", "give one of the two")
            case (let map?, nil):
                return try perClassGenerators(map)
            case (nil, let conditional?):
                return try conditionalGenerator(conditional)
            }
        }

        /// `"generators": {"0": "generator_0.onnx", ...}`.
        func perClassGenerators(_ map: Any) throws -> Generators {
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
            return .perClass(files)
        }

        /// `"conditional_generator": "g.onnx"` or `{"file": ..., "classes": N, "one_hot": "after", "output": "tanh"}`.
        func conditionalGenerator(_ conditional: Any) throws -> Generators {
            let spec: [String: Any]
            if let path = conditional as? String {
                spec = ["file": path]
            } else if let object = conditional as? [String: Any] {
                spec = object
            } else {
                throw fail("field \"conditional_generator\"", "must be a file path or an object {\"file\": ..., \"classes\": N, \"one_hot\": \"after\"}", "see the experiment format in README.md")
            }
            for key in spec.keys.sorted() where !["file", "classes", "one_hot", "output"].contains(key) {
                throw fail("field \"conditional_generator.\(key)\"", "is not a conditional generator field", "use file, classes, one_hot, output")
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
            var output = OutputActivation.file
            if let text = spec["output"] {
                let names = OutputActivation.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
                guard let text = text as? String, let parsed = OutputActivation(rawValue: text) else {
                    throw fail("field \"conditional_generator.output\"", "must be one of \(names)",
                               "\"tanh\" loads a file ending in a hard tanh (Mul, Add, Clip) with tanh, \"hard-tanh\" the reverse, \"file\" (the default) as it is")
                }
                output = parsed
            }
            return .conditional(path: resolve(path), classCount: count, oneHot: position, output: output)
        }

        /// `"adapter": {"scale": S, "shift": T}`, each a number or a list of numbers.
        func adapter(_ object: [String: Any]) throws -> Adapter? {
            guard let value = object["adapter"] else { return nil }
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
            return Adapter(scale: try vector("scale", default: 1), shift: try vector("shift", default: 0))
        }
    }
}
