import Foundation
import XCTest

import Network
import Sampling

/// Tiny hand-written networks (JSON format) used by the experiment and runner tests.
enum TinyModels {
    // No weight is 0 or 1: Network's JSON loader currently rejects those on Linux (Foundation
    // bridges the JSON numbers 0 and 1 to Bool).

    /// `y0 - y1 = 2.5 (x0 - x1)` on two classes.
    static let classifier = """
    { "input_shape": [2], "layers": [ { "type": "dense", "weights": [[2, -0.5], [-0.5, 2]], "bias": [0.25, 0.25] } ] }
    """

    /// `x0 - x1 = 1.5 (z0 - z1) ± 3.5`: class c wins unless the noise difference exceeds 2.33
    /// (about 95% of the noises are correct).
    static func generator(_ c: Int) -> String {
        let bias = c == 0 ? "[4, 0.5]" : "[0.5, 4]"
        return """
        { "input_shape": [2], "layers": [ { "type": "dense", "weights": [[2, 0.5], [0.5, 2]], "bias": \(bias) } ] }
        """
    }

    /// A conditional generator on `[z0, z1, onehot0, onehot1]` (or `[onehot, z]`).
    static let conditional = """
    { "input_shape": [4], "layers": [ { "type": "dense", "weights": [[2, 0.5, 3.5, -0.5], [0.5, 2, -0.5, 3.5]], "bias": [0.5, 0.5] },
      { "type": "relu" } ] }
    """

    /// Writes the models and an experiment into a fresh directory; returns the experiment path.
    static func write(experiment fields: String = "", conditional: Bool = false, oneHot: String = "after") throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sampling-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try classifier.write(to: directory.appendingPathComponent("c.json"), atomically: true, encoding: .utf8)
        try generator(0).write(to: directory.appendingPathComponent("g0.json"), atomically: true, encoding: .utf8)
        try generator(1).write(to: directory.appendingPathComponent("g1.json"), atomically: true, encoding: .utf8)
        try Self.conditional.write(to: directory.appendingPathComponent("cg.json"), atomically: true, encoding: .utf8)
        let generators = conditional
            ? "\"conditional_generator\": {\"file\": \"cg.json\", \"classes\": 2, \"one_hot\": \"\(oneHot)\"}"
            : "\"generators\": {\"0\": \"g0.json\", \"1\": \"g1.json\"}"
        let text = "{ \"classifier\": \"c.json\", \(generators), \"eps\": 0.1\(fields.isEmpty ? "" : ", " + fields) }"
        let path = directory.appendingPathComponent("experiment.json").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}

final class ExperimentTests: XCTestCase {
    func testParsingAppliesDefaultsAndResolvesPathsAgainstTheFile() throws {
        let path = try TinyModels.write()
        let experiment = try Experiment.load(contentsOf: path)
        let directory = (path as NSString).deletingLastPathComponent
        XCTAssertEqual(experiment.classifier, directory + "/c.json")
        XCTAssertEqual(experiment.generators, .perClass([0: directory + "/g0.json", 1: directory + "/g1.json"]))
        XCTAssertEqual(experiment.eps, 0.1)
        XCTAssertEqual(experiment.delta, Experiment.defaultDelta)
        XCTAssertEqual(experiment.confidence, Experiment.defaultConfidence)
        XCTAssertEqual(experiment.samplesPerClass, Experiment.defaultSamplesPerClass)
        XCTAssertEqual(experiment.bound, .hoeffding)
        XCTAssertNil(experiment.adapter)
    }

    func testEveryFieldIsRead() throws {
        let path = try TinyModels.write(experiment: """
            "delta": 0.2, "confidence": 0.9, "samples_per_class": 7, "seed": 42, "time_limit": 5, "rlimit": 1000,
            "max_nodes": 11, "bound": "clopper-pearson", "adapter": {"scale": [1, 2], "shift": 0.5}, "_note": "ignored"
            """)
        let experiment = try Experiment.load(contentsOf: path)
        XCTAssertEqual(experiment.delta, 0.2)
        XCTAssertEqual(experiment.confidence, 0.9)
        XCTAssertEqual(experiment.samplesPerClass, 7)
        XCTAssertEqual(experiment.seed, 42)
        XCTAssertEqual(experiment.timeLimit, 5)
        XCTAssertEqual(experiment.smtResourceLimit, 1000)
        XCTAssertEqual(experiment.maxNodes, 11)
        XCTAssertEqual(experiment.bound, .clopperPearson)
        XCTAssertEqual(experiment.adapter, Adapter(scale: [1, 2], shift: [0.5]))
    }

    func testParseErrorsNameTheFieldAndAFix() throws {
        let cases: [(String, String)] = [
            (#"{"generators": {"0": "g"}, "eps": 0.1}"#, #"field "classifier": is missing"#),
            (#"{"classifier": "c", "eps": 0.1}"#, #"field "generators": is missing"#),
            (#"{"classifier": "c", "generators": {"0": "g"}}"#, #"field "eps": is missing"#),
            (#"{"classifier": "c", "generators": {"0": "g"}, "eps": 0.1, "samples": 5}"#, #"key "samples": is not an experiment field"#),
            (#"{"classifier": "c", "generators": {"0": "g"}, "eps": 0.1, "seed": true}"#, #"field "seed": must be a number"#),
            (#"{"classifier": "c", "generators": {"0": "g"}, "eps": 0.1, "samples_per_class": 2.5}"#, #"field "samples_per_class": must be an integer"#),
            (#"{"classifier": "c", "generators": {"0": "g"}, "eps": 0.1, "delta": 1.5}"#, #"field "delta": must lie in (0, 1)"#),
            (#"{"classifier": "c", "generators": {"0": "g"}, "eps": 0.1, "confidence": 1}"#, #"field "confidence": must lie in (0, 1)"#),
            (#"{"classifier": "c", "generators": {"-1": "g"}, "eps": 0.1}"#, #"key "-1": is not a class index"#),
            (#"{"classifier": "c", "generators": {"0": "g"}, "conditional_generator": "g", "eps": 0.1}"#, "cannot be combined"),
            (#"{"classifier": "c", "conditional_generator": {"file": "g", "one_hot": "middle"}, "eps": 0.1}"#, #""after" or "before""#),
            (#"{"classifier": "c", "conditional_generator": {"file": "g", "output": "sigmoid"}, "eps": 0.1}"#, #"field "conditional_generator.output": must be one of "file", "tanh", "hard-tanh""#),
            (#"{"classifier": "c", "generators": {"0": "g"}, "eps": 0.1, "adapter": {"scale": "x"}}"#, #"field "adapter.scale""#),
            (#"[1, 2]"#, "top level is not a JSON object"),
        ]
        for (text, expected) in cases {
            XCTAssertThrowsError(try Experiment.parse(Data(text.utf8), file: "x.json", baseDirectory: "")) { error in
                let message = "\(error)"
                XCTAssertTrue(message.hasPrefix("x.json: "), message)
                XCTAssertTrue(message.contains(expected), "'\(expected)' not in: \(message)")
                XCTAssertFalse(message.contains("\n"), message)
            }
        }
    }

    /// Oracle: the unfixed conditional generator evaluated on the concatenated input
    /// `[z, e_c]` (or `[e_c, z]`), then the classifier. The noise dimension is 2: the one-hot
    /// part is not an input of the composed network, so no box ever perturbs it.
    func testConditionalGeneratorFixesTheOneHotInput() throws {
        for position in ["after", "before"] {
            let path = try TinyModels.write(conditional: true, oneHot: position)
            let directory = (path as NSString).deletingLastPathComponent
            let generator = try NetworkFile.load(directory + "/cg.json")
            let classifier = try NetworkFile.load(directory + "/c.json")
            let loaded = try LoadedExperiment(Experiment.load(contentsOf: path))
            XCTAssertEqual(loaded.classes, [0, 1])
            XCTAssertEqual(loaded.noiseDimension, 2)
            for c in 0..<2 {
                for z in [[0.5, -1.0], [-2.0, 0.25], [3.0, 3.0]] {
                    let onehot: [Double] = c == 0 ? [1, 0] : [0, 1]
                    let expected = classifier.evaluate(generator.evaluate(position == "after" ? z + onehot : onehot + z))
                    let actual = loaded.networks[c]!.evaluate(z)
                    for (a, e) in zip(actual, expected) { XCTAssertEqual(a, e, accuracy: 1e-12, "\(position) class \(c) z \(z)") }
                }
            }
        }
    }

    func testHashCoversVerdictInputsButNotStatistics() throws {
        let base = try Experiment.load(contentsOf: try TinyModels.write())
        let reference = try LoadedExperiment(base).hash
        var statistics = base
        statistics.delta = 0.3
        statistics.confidence = 0.5
        statistics.samplesPerClass = 999
        statistics.bound = .clopperPearson
        XCTAssertEqual(try LoadedExperiment(statistics).hash, reference)
        for change in [{ (e: inout Experiment) in e.eps = 0.2 }, { $0.seed = 1 }, { $0.smtResourceLimit = 7 },
                       { $0.maxNodes = 3 }, { $0.adapter = Adapter(scale: 1, shift: 0.1) }] {
            var changed = base
            change(&changed)
            XCTAssertNotEqual(try LoadedExperiment(changed).hash, reference)
        }
    }

    func testNoisesFileReplacesSamplingAndCapsTheSampleCount() throws {
        let path = try TinyModels.write()
        let noises = (path as NSString).deletingLastPathComponent + "/noises.csv"
        try "# z0, z1\n0.5, 1\n-1 2\n\n".write(toFile: noises, atomically: true, encoding: .utf8)
        let loaded = try LoadedExperiment(Experiment.load(contentsOf: path), noisesFile: noises)
        XCTAssertEqual(loaded.experiment.samplesPerClass, 2)
        XCTAssertEqual(loaded.noise(classIndex: 1, sampleIndex: 1), [-1, 2])
        try "0.5, 1, 3\n".write(toFile: noises, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try LoadedExperiment(Experiment.load(contentsOf: path), noisesFile: noises)) { error in
            XCTAssertTrue("\(error)".contains("line 1: has 3 values but the generator takes 2"), "\(error)")
        }
    }
}
