import Foundation
import XCTest

import Reporting
import Sampling

/// Picture labels under the tool's one meaning of "classified as c" (strict margin in exact
/// arithmetic), on the tie experiment of SamplingTests' `CorrectnessTieTests`.
final class PictureTieTests: XCTestCase {
    /// Classifier `y = (a_0 + 2^-60, a_1, a_1)` on the image `a = G_c(z)`:
    ///
    /// - class 0, `a = (z_0, z_0)`: `y_0 - y_1 = 2^-60 > 0` exactly (a tie in float for
    ///   `|z_0| >= 2^-6`): the picture is correct, no TIE label;
    /// - class 1, `a = (z_0, z_0 + 1)`: `y_1 = y_2`, an exact tie of classes 1 and 2: the
    ///   picture is misclassified and labelled TIE.
    func testPicturesLabelExactTiesAsTies() throws {
        let loaded = try Self.tieExperiment()
        let picture0 = GeneratedPicture(loaded, classIndex: 0, noise: loaded.noise(classIndex: 0, sampleIndex: 0))
        XCTAssertFalse(picture0.isMisclassified)
        let picture1 = GeneratedPicture(loaded, classIndex: 1, noise: loaded.noise(classIndex: 1, sampleIndex: 0))
        XCTAssertTrue(picture1.isMisclassified)
        XCTAssertEqual(picture1.predictedLabel, "TIE")
    }

    /// The experiment above: classes 0, 1, 2 (classes 1 and 2 share a generator).
    static func tieExperiment() throws -> LoadedExperiment {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("picture-ties-\(UUID().uuidString)")
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
        { "classifier": "c.json", "generators": {"0": "g0.json", "1": "g1.json", "2": "g1.json"}, "eps": 0.1 }
        """)
        return try LoadedExperiment(try Experiment.load(contentsOf: directory.appendingPathComponent("experiment.json").path))
    }
}
