import Foundation
import XCTest

import Network
import Sampling

/// `"conditional_generator": {..., "output": "tanh"}` on the paper's simple GAN, whose one
/// file ends in the hard tanh `clip(0.5·h + 0.5, 0, 1)`.
final class ConditionalGeneratorOutputTests: XCTestCase {
    private static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    private static let gan = root.appendingPathComponent("examples/mnist/paper/gans/simple_clip.onnx").path
    private static let classifier = root.appendingPathComponent("examples/mnist/paper/classifiers/paper_small.onnx").path

    private static func experiment(output: String?) throws -> Experiment {
        let outputField = output.map { #", "output": "\#($0)""# } ?? ""
        let text = #"{"classifier": "\#(classifier)", "conditional_generator": {"file": "\#(gan)", "classes": 10\#(outputField)}, "eps": 0.02}"#
        return try Experiment.parse(Data(text.utf8), file: "gan.json", baseDirectory: "")
    }

    /// Oracle: where the hard tanh does not saturate, `y = 0.5·h + 0.5` gives back
    /// `h = 2y - 1`, and the tanh output must be `0.5·tanh(h) + 0.5` there.
    func testTanhOutputIsTheTanhOfTheHardTanhsPreactivation() throws {
        let clip = try LoadedExperiment(Self.experiment(output: nil))
        let tanh = try LoadedExperiment(Self.experiment(output: "tanh"))
        XCTAssertEqual(tanh.generators[3]!.layers.suffix(2).map(\.kindName), ["tanh", "affine"])
        var checked = 0
        for seed in 0..<3 {
            let noise = (0..<100).map { Double(($0 * 37 + seed * 11) % 41) / 10 - 2 }
            let hard = clip.generators[3]!.evaluate(noise), smooth = tanh.generators[3]!.evaluate(noise)
            for (y, t) in zip(hard, smooth) where y > 1e-6 && y < 1 - 1e-6 {
                XCTAssertEqual(t, 0.5 * Foundation.tanh(2 * y - 1) + 0.5, accuracy: 1e-9)
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 100)
    }

    /// The file's own output keeps the identity line of the committed clip results (so they
    /// still resume); another output is a different experiment.
    func testIdentityNamesTheOutputOnlyWhenItIsNotTheFiles() throws {
        let clip = try LoadedExperiment(Self.experiment(output: nil))
        let explicit = try LoadedExperiment(Self.experiment(output: "file"))
        let tanh = try LoadedExperiment(Self.experiment(output: "tanh"))
        let line = "conditional generator 26e4ecdc909691f0d12ca4713b26aa037d4d847ad10b9267b4ffc58213683ad0 classes 10 one-hot after"
        XCTAssertTrue(clip.identity.contains(line + "\n"), clip.identity)
        XCTAssertEqual(explicit.hash, clip.hash)
        XCTAssertTrue(tanh.identity.contains(line + " output tanh\n"), tanh.identity)
        XCTAssertNotEqual(tanh.hash, clip.hash)
    }

    func testAnOutputTheFileCannotGiveIsAOneLineError() throws {
        XCTAssertThrowsError(try LoadedExperiment(Self.experiment(output: "hard-tanh"))) { error in
            let message = "\(error)"
            XCTAssertTrue(message.hasPrefix(Self.gan + ": "), message)
            XCTAssertTrue(message.contains("the last activation must be Tanh"), message)
            XCTAssertFalse(message.contains("\n"), message)
        }
    }
}
