import XCTest
@testable import Network

final class CompositionTests: XCTestCase {
    /// `C ∘ a ∘ G` equals evaluating G, applying `a` by hand, then C.
    func testCompositionWithAdapterEqualsStepByStepEvaluation() throws {
        var rng = SeededGenerator(seed: 3)
        let generator = try NeuralNetwork(inputShape: [3], layers: [
            .affine(randomAffine(3, 8, using: &rng)), .relu,
            .affine(randomAffine(8, 4, using: &rng)), .clip(lower: -1, upper: 1),
        ])
        let classifier = try NeuralNetwork(inputShape: [4], layers: [
            .affine(randomAffine(4, 6, using: &rng)), .relu, .affine(randomAffine(6, 3, using: &rng)),
        ])
        let adapter = Adapter(scale: 0.5, shift: 0.5)
        let composed = try NeuralNetwork.composing(classifier: classifier, after: generator, adapter: adapter)
        XCTAssertEqual(composed.inputSize, 3)
        XCTAssertEqual(composed.outputSize, 3)
        // Seeded: `Double.random(in: -1...1)` weights lie on the 2^-52 grid, and here every
        // product 0.5 W_ij and every bias sum 0.5 Σ_j W_ij + b_i is exact (checked with
        // TwoSum), so the adapter merges into the classifier's first affine layer.
        // ExactMergeTests covers merges that are refused.
        XCTAssertEqual(composed.layers.count, generator.layers.count + classifier.layers.count,
                       "the adapter is merged exactly into the classifier's first affine layer")
        for _ in 0..<200 {
            let noise = (0..<3).map { _ in Double.random(in: -3...3, using: &rng) }
            let image = generator.evaluate(noise).map { 0.5 * $0 + 0.5 }
            let expected = classifier.evaluate(image)
            for (a, b) in zip(composed.evaluate(noise), expected) { XCTAssertEqual(a, b, accuracy: 1e-12) }
        }
    }

    func testPerElementAdapter() throws {
        let identity = try NeuralNetwork(inputShape: [2], layers: [.affine(.identity(size: 2))])
        let sum = try NeuralNetwork(inputShape: [2], layers: [
            .affine(AffineLayer(inputSize: 2, outputSize: 1, weights: [1, 1], bias: [0])),
        ])
        let composed = try NeuralNetwork.composing(
            classifier: sum, after: identity, adapter: Adapter(scale: [2, 3], shift: [1, -1]))
        // 2*1 + 1 + 3*2 - 1 = 8
        XCTAssertEqual(composed.evaluate([1, 2]), [8])
    }

    func testSizeMismatchNamesBothSizes() throws {
        let generator = try NeuralNetwork(inputShape: [2], layers: [.affine(.identity(size: 2))])
        let classifier = try NeuralNetwork(inputShape: [3], layers: [.affine(.identity(size: 3))])
        XCTAssertThrowsError(try NeuralNetwork.composing(classifier: classifier, after: generator)) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("generator output (2 values)"), message)
            XCTAssertTrue(message.contains("classifier input (3 values)"), message)
        }
        let classifier2 = try NeuralNetwork(inputShape: [2], layers: [.relu])
        XCTAssertThrowsError(try NeuralNetwork.composing(
            classifier: classifier2, after: generator, adapter: Adapter(scale: [1, 2, 3], shift: [0]))) { error in
            XCTAssertTrue("\(error)".contains("expected 2 but got 3"), "\(error)")
        }
        XCTAssertThrowsError(try NeuralNetwork.composing(
            classifier: classifier2, after: generator, adapter: Adapter(scale: .nan, shift: 0)))
    }
}
