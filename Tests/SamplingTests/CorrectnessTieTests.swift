import Foundation
import XCTest

import Network
import Sampling

/// Global correctness under the tool's one meaning of "classified as c" (strict margin in
/// exact arithmetic). Oracle: hand derivation on networks built so that the float pass ties
/// where the exact outputs do not, and ties exactly where they do.
final class CorrectnessTieTests: XCTestCase {
    /// Classifier `y = (a_0 + 2^-60, a_1, a_1)` on the image `a = G_c(z)`:
    ///
    /// - class 0, `a = (z_0, z_0)`: `y_0 - y_1 = 2^-60 > 0` exactly, while in float
    ///   `z_0 + 2^-60 = z_0` for `|z_0| >= 2^-6` (a tie): every sample is correct (the old
    ///   float rule counted almost all of them as tied misclassifications);
    /// - classes 1 and 2, `a = (z_0, z_0 + 1)`: `y_1 = y_2 = y_0 + 1 - 2^-60`, an exact tie of
    ///   classes 1 and 2: every sample misclassified, as a tie, going to the other tied class.
    func testCorrectnessDecidesTiesInExactArithmetic() throws {
        let loaded = try Self.tieExperiment()
        let report = CorrectnessEvaluator.run(loaded)
        var floatTies = 0
        for i in 0..<40 {
            let logits = loaded.logits(classIndex: 0, noise: loaded.noise(classIndex: 0, sampleIndex: i))
            if logits[0] == logits[1] { floatTies += 1 }
        }
        XCTAssertGreaterThan(floatTies, 30, "the float pass must tie on most class-0 samples")
        let byClass = Dictionary(uniqueKeysWithValues: report.classes.map { ($0.classIndex, $0) })
        XCTAssertEqual(byClass[0]?.correct, 40)
        XCTAssertEqual(byClass[0]?.ties, 0)
        XCTAssertEqual(byClass[1]?.correct, 0)
        XCTAssertEqual(byClass[1]?.ties, 40)
        XCTAssertEqual(byClass[1]?.confusion, [0, 0, 40])
        XCTAssertEqual(byClass[2]?.confusion, [0, 40, 0])
        XCTAssertNil(byClass[0]?.undecided)
    }

    /// Robustness on the same experiment: class 0 is ROBUST on every box (`y_0 - y_1 = 2^-60`
    /// everywhere, exactly), classes 1 and 2 NOT ROBUST at the centre (an exact tie), and the
    /// record carries the exact tie, the float32 logits and the confirmation.
    func testRobustnessRecordsCarryTheExactTieAndTheFloat32Run() throws {
        let loaded = try Self.tieExperiment(samples: 5)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ties-\(UUID().uuidString).jsonl").path
        let outcome = try RobustnessRunner.run(loaded, options: RobustnessRunOptions(resultsPath: path, jobs: 1, resume: false, stopEarly: nil),
                                               cancellation: RunCancellation(), progress: { _ in })
        XCTAssertEqual(outcome.records.count, 15)
        for record in outcome.records {
            if record.classIndex == 0 {
                XCTAssertEqual(record.verdict, .robust, "sample \(record.sample)")
                continue
            }
            XCTAssertEqual(record.verdict, .notRobust)
            let cx = try XCTUnwrap(record.counterexample)
            XCTAssertEqual(cx.source, .center)
            XCTAssertNil(cx.predictedClass)
            XCTAssertEqual(cx.tiedClasses, [1, 2])
            XCTAssertEqual(cx.confirmed, true)
            XCTAssertEqual(cx.float32Logits?.count, 3)
            XCTAssertEqual(cx.float32Disagrees, false)
        }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(text.contains("\"float32_logits\""), text)
        XCTAssertTrue(text.contains("\"tied_classes\""), text)
    }

    /// The experiment of the tests above, `samples` noises per class.
    static func tieExperiment(samples: Int = 40) throws -> LoadedExperiment {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ties-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        func write(_ name: String, _ text: String) throws {
            try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        try write("c.json", """
        { "input_shape": [2], "layers": [ { "type": "dense", "weights": [[1, 0], [0, 1], [0, 1]], "bias": [8.673617379884035e-19, 0, 0] } ] }
        """)
        try write("g0.json", """
        { "input_shape": [2], "layers": [ { "type": "dense", "weights": [[1, 0], [1, 0]], "bias": [0, 0] } ] }
        """)
        try write("g1.json", """
        { "input_shape": [2], "layers": [ { "type": "dense", "weights": [[1, 0], [1, 0]], "bias": [0, 1] } ] }
        """)
        try write("experiment.json", """
        { "classifier": "c.json", "generators": {"0": "g0.json", "1": "g1.json", "2": "g1.json"}, "eps": 0.1, "samples_per_class": 40 }
        """)
        var experiment = try Experiment.load(contentsOf: directory.appendingPathComponent("experiment.json").path)
        experiment.samplesPerClass = samples
        return try LoadedExperiment(experiment)
    }

    func testPredictionOfAClassification() {
        XCTAssertTrue(CorrectnessEvaluator.prediction(.class(2), trueClass: 0) == (2, false))
        XCTAssertTrue(CorrectnessEvaluator.prediction(.tie([0, 2]), trueClass: 0) == (2, true))
        XCTAssertTrue(CorrectnessEvaluator.prediction(.tie([1, 2]), trueClass: 0) == (1, false))
    }
}
