import Foundation
import XCTest

import Network
import Sampling

/// `verify correctness` on the float32 pass against the per-sample oracle: each sample's
/// classification by ``NeuralNetwork/checkedClassification(_:)`` (float64 enclosure, then
/// the exact pass) of the same composed network at the same noise.
final class CorrectnessFloat32Tests: XCTestCase {
    /// Three classes with three different generators (LeakyReLU, clip, affine; exact ties of
    /// logits where hidden units are inactive) and `batchSize + 37` samples per class, so every class spans two
    /// batches of one reused workspace. Every count, confusion entry and misclassified index
    /// must be the oracle's. Fails when a class is evaluated with another class's prepared
    /// network (stale cache), when rows of a batch are misaligned with their samples, or when
    /// the float32 verdict is taken where its bound does not separate the classes.
    func testCorrectnessCountsMatchTheExactCheckOfEverySample() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("f32-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        func write(_ name: String, _ text: String) throws {
            try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        try write("c.json", """
        { "input_shape": [3], "layers": [
          { "type": "dense", "weights": [[1, -0.5, 0.25], [0.3, 1, -0.7], [-0.2, 0.1, 1.1], [0.5, 0.5, 0.5]], "bias": [0, 0.1, -0.1, 0] },
          { "type": "relu" },
          { "type": "dense", "weights": [[1, 0, 0, 0.1], [0, 1, 0, 0.1], [0, 0, 1, 0.1]], "bias": [0, 0, 0] } ] }
        """)
        try write("g0.json", """
        { "input_shape": [2], "layers": [
          { "type": "dense", "weights": [[1, 0.2], [0.1, -0.3], [0.4, 0.1]], "bias": [0.5, 0, 0] },
          { "type": "leaky_relu", "alpha": 0.1 } ] }
        """)
        try write("g1.json", """
        { "input_shape": [2], "layers": [
          { "type": "dense", "weights": [[0.2, 0.1], [1, 0.3], [-0.1, 0.4]], "bias": [0, 0.6, 0] },
          { "type": "clip", "min": -1, "max": 1.5 } ] }
        """)
        // Outputs 0 and 2 tie exactly (both 0.1 ReLU(h_3)) where hidden units 0 and 2 are inactive.
        try write("g2.json", """
        { "input_shape": [2], "layers": [
          { "type": "dense", "weights": [[0.3, 0.1], [-0.4, 0.2], [0.3, 0.1]], "bias": [0.2, 0, 0.2] } ] }
        """)
        try write("experiment.json", """
        { "classifier": "c.json", "generators": {"0": "g0.json", "1": "g1.json", "2": "g2.json"}, "eps": 0.1, "samples_per_class": 10 }
        """)
        var experiment = try Experiment.load(contentsOf: directory.appendingPathComponent("experiment.json").path)
        experiment.samplesPerClass = CorrectnessEvaluator.batchSize + 37
        let loaded = try LoadedExperiment(experiment)
        let report = CorrectnessEvaluator.run(loaded)
        for entry in report.classes {
            let c = entry.classIndex
            var confusion = [Int](repeating: 0, count: 3)
            var misclassified: [Int] = []
            var ties = 0
            for i in 0..<experiment.samplesPerClass {
                let classification = try XCTUnwrap(loaded.networks[c]!.checkedClassification(loaded.noise(classIndex: c, sampleIndex: i)).classification)
                let (predicted, tie) = CorrectnessEvaluator.prediction(classification, trueClass: c)
                confusion[predicted] += 1
                if predicted != c { misclassified.append(i) }
                if tie { ties += 1 }
            }
            XCTAssertEqual(entry.samples, experiment.samplesPerClass)
            XCTAssertEqual(entry.confusion, confusion, "class \(c)")
            XCTAssertEqual(entry.correct, confusion[c], "class \(c)")
            XCTAssertEqual(entry.ties, ties, "class \(c)")
            XCTAssertEqual(entry.misclassified?.map(\.index), misclassified, "class \(c)")
            XCTAssertNil(entry.undecided)
        }
        XCTAssertGreaterThan(report.classes.reduce(0) { $0 + $1.ties }, 0, "the class-2 generator must produce exact ties")
        XCTAssertGreaterThan(report.classes.reduce(0) { $0 + $1.correct }, 1000)
    }
}
