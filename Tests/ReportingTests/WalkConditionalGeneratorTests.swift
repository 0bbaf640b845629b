import Foundation
import Network
import Reporting
import Sampling
import XCTest

/// The random walk on a conditional generator (`"conditional_generator"`): the walk moves the
/// noise `z` only (dimension = generator inputs minus the one-hot inputs), and each frame is
/// `G([z_t; e_c])` with the one-hot part fixed, computed here from the raw generator file.
final class WalkConditionalGeneratorTests: XCTestCase {
    /// `[z0, z1, onehot0, onehot1] -> 2` outputs: the one-hot columns add (3.5, -0.5) for class 0
    /// and (-0.5, 3.5) for class 1, so the class input decides which output is large.
    static let conditional = """
    { "input_shape": [4], "layers": [ { "type": "dense", "weights": [[2, 0.5, 3.5, -0.5], [0.5, 2, -0.5, 3.5]], "bias": [0.5, 0.5] } ] }
    """

    func testWalkPerturbsTheNoiseOnlyAndDrawsTheFixedClass() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("walk-cond-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try TinyModels.classifier.write(to: directory.appendingPathComponent("c.json"), atomically: true, encoding: .utf8)
        try Self.conditional.write(to: directory.appendingPathComponent("cg.json"), atomically: true, encoding: .utf8)
        let path = directory.appendingPathComponent("experiment.json").path
        try "{ \"classifier\": \"c.json\", \"conditional_generator\": {\"file\": \"cg.json\", \"classes\": 2}, \"eps\": 0.1, \"noise_dimension\": 2 }"
            .write(toFile: path, atomically: true, encoding: .utf8)
        let loaded = try LoadedExperiment(Experiment.load(contentsOf: path))
        let generator = try NetworkFile.load(directory.appendingPathComponent("cg.json").path)
        let classifier = try NetworkFile.load(directory.appendingPathComponent("c.json").path)

        for classIndex in 0..<2 {
            let pictures = RandomWalk.pictures(loaded, classIndex: classIndex, startSample: 3, steps: 12, stepSize: 0.9, seed: 5)
            XCTAssertEqual(pictures.count, 13)
            XCTAssertEqual(pictures[0].noise, loaded.noise(classIndex: classIndex, sampleIndex: 3))
            let oneHot: [Double] = classIndex == 0 ? [1, 0] : [0, 1]
            for (step, picture) in pictures.enumerated() {
                XCTAssertEqual(picture.noise.count, 2, "the walk is in noise space, not over the one-hot inputs")
                let values = generator.evaluate(picture.noise + oneHot)
                for (a, e) in zip(picture.values, values) { XCTAssertEqual(a, e, accuracy: 1e-12, "class \(classIndex) step \(step)") }
                let logits = classifier.evaluate(values)
                let expected = logits[classIndex] > logits[1 - classIndex]
                XCTAssertEqual(picture.isMisclassified, !expected, "class \(classIndex) step \(step)")
            }
        }
        // The strip and the animation render (one frame per point).
        let layout = ImageLayout(width: 2, height: 1, channels: 1, range: nil)
        let pictures = RandomWalk.pictures(loaded, classIndex: 1, startSample: 0, steps: 3, stepSize: 0.5, seed: 0)
        XCTAssertEqual(RandomWalk.animationFrames(pictures, layout: layout, scale: 2).count, 4)
        XCTAssertGreaterThan(RandomWalk.strip(pictures, layout: layout, columns: 2, scale: 2).width, 0)
    }
}
