import XCTest
@testable import Network

final class ForwardPassTests: XCTestCase {
    /// Hand-derived: W = [[1, -1], [2, 0.5]], b = [0, -1], then ReLU, then [1, 1]:
    /// x = (1, 2): z = (1 - 2, 2 + 1 - 1) = (-1, 2); relu -> (0, 2); output 2.
    func testHandDerivedTinyNetwork() throws {
        let network = try NeuralNetwork(inputShape: [2], layers: [
            .affine(AffineLayer(inputSize: 2, outputSize: 2, weights: [1, -1, 2, 0.5], bias: [0, -1])),
            .relu,
            .affine(AffineLayer(inputSize: 2, outputSize: 1, weights: [1, 1], bias: [0])),
        ])
        XCTAssertEqual(network.evaluate([1, 2]), [2])
        XCTAssertEqual(network.evaluate([0, 0]), [0])
    }

    func testActivationsFollowTheirDefinitions() {
        XCTAssertEqual(Layer.relu.apply(-3), 0)
        XCTAssertEqual(Layer.relu.apply(2.5), 2.5)
        XCTAssertEqual(Layer.leakyRelu(alpha: 0.2).apply(-5), -1)
        XCTAssertEqual(Layer.leakyRelu(alpha: 0.2).apply(5), 5)
        XCTAssertEqual(Layer.clip(lower: -1, upper: 1).apply(3), 1)
        XCTAssertEqual(Layer.clip(lower: -1, upper: 1).apply(-3), -1)
        XCTAssertEqual(Layer.clip(lower: 0, upper: .infinity).apply(7), 7)
        XCTAssertEqual(Layer.tanh.apply(0.5), tanh(0.5), accuracy: 16 * 0x1p-53)
        XCTAssertEqual(Layer.sigmoid.apply(0), 0.5)
    }

    /// One input runs the reference pass (index-order sums): `evaluate(batch:count: 1)`,
    /// `evaluate(_:)` and `activations(_:)` give the same floats. A batch runs on BLAS (its own
    /// summation order, fused multiply-adds): every row lies within the row's sound error
    /// bound of the exact outputs, and the batched values are the batched enclosure's.
    func testBatchedPassStaysWithinTheErrorBoundOfTheExactOutputs() throws {
        var rng = SeededGenerator(seed: 7)
        let network = try NeuralNetwork(inputShape: [5], layers: [
            .affine(randomAffine(5, 70, using: &rng)), .relu,
            .affine(randomAffine(70, 9, using: &rng)), .leakyRelu(alpha: 0.1),
            .affine(randomAffine(9, 3, using: &rng)), .clip(lower: -0.5, upper: 0.5),
        ])
        for count in [1, 2, 3, 5, 13, 64] {
            let inputs = (0..<count).map { _ in (0..<5).map { _ in Double.random(in: -2...2, using: &rng) } }
            let batched = network.evaluate(batch: inputs.flatMap { $0 }, count: count)
            let (values, errors) = network.enclosure(batch: inputs.flatMap { $0 }, count: count)
            XCTAssertEqual(values, batched)
            for (index, input) in inputs.enumerated() {
                if count == 1 { XCTAssertEqual(batched, network.evaluate(input)) }
                XCTAssertEqual(network.activations(input).last!, network.evaluate(input))
                let exact = try XCTUnwrap(network.evaluateExactly(input))
                for k in 0..<3 {
                    let distance = exact[k] - ExactDyadic(batched[index * 3 + k])
                    let e = ExactDyadic(errors[index * 3 + k])
                    XCTAssertTrue(-e <= distance && distance <= e, "count \(count) row \(index) output \(k)")
                }
            }
        }
    }

    /// A single row with `referenceOrder: false` (the attacks' descents) runs on BLAS: it stays
    /// within the sound error bound of the exact outputs, as a batch does, and with the
    /// default reference order its outputs are exactly ``NeuralNetwork/evaluate(_:)``'s.
    func testSingleRowBLASPassStaysWithinTheErrorBoundOfTheExactOutputs() throws {
        var rng = SeededGenerator(seed: 11)
        let network = try NeuralNetwork(inputShape: [6], layers: [
            .affine(randomAffine(6, 90, using: &rng)), .relu,
            .affine(randomAffine(90, 40, using: &rng)), .leakyRelu(alpha: 0.2),
            .affine(randomAffine(40, 4, using: &rng)),
        ])
        for _ in 0..<20 {
            let input = (0..<6).map { _ in Double.random(in: -2...2, using: &rng) }
            XCTAssertEqual(network.batchActivations(input, count: 1).outputs, network.evaluate(input))
            let fast = network.batchActivations(input, count: 1, referenceOrder: false)
            XCTAssertEqual(fast.values.count, network.layers.count + 1)
            let (_, errors) = network.enclosure(batch: input, count: 1)
            let exact = try XCTUnwrap(network.evaluateExactly(input))
            for k in 0..<4 {
                let distance = exact[k] - ExactDyadic(fast.outputs[k])
                // The bound covers any summation order of the batched pass.
                let e = ExactDyadic(errors[k])
                XCTAssertTrue(-e <= distance && distance <= e, "output \(k)")
            }
        }
    }

    /// Merging consecutive affine layers keeps the function: random [-1, 1] weights do not
    /// multiply exactly, so those layers stay apart (ExactMergeTests checks exactness); the
    /// identity is dropped.
    func testMergingAffineLayersKeepsTheFunction() throws {
        var rng = SeededGenerator(seed: 11)
        let network = try NeuralNetwork(inputShape: [4], layers: [
            .affine(randomAffine(4, 6, using: &rng)), .affine(randomAffine(6, 5, using: &rng)),
            .relu, .affine(.identity(size: 5)), .affine(randomAffine(5, 2, using: &rng)),
        ])
        let merged = network.mergingAffineLayers()
        XCTAssertEqual(merged.layers.count, 4)
        for _ in 0..<100 {
            let x = (0..<4).map { _ in Double.random(in: -3...3, using: &rng) }
            for (a, b) in zip(network.evaluate(x), merged.evaluate(x)) { XCTAssertEqual(a, b, accuracy: 1e-12) }
        }
    }

    func testArgmaxTakesTheFirstOfTiedMaxima() {
        XCTAssertEqual([0.1, 0.7, 0.7, 0.2].argmax, 1)
        XCTAssertEqual([-1.0].argmax, 0)
        XCTAssertEqual([Double.nan, 1, 3].argmax, 2)
    }

    func testCountsAndPiecewiseLinearity() throws {
        let network = try NeuralNetwork(inputShape: [1, 2], layers: [
            .affine(AffineLayer(inputSize: 2, outputSize: 3, weights: [1, 2, 3, 4, 5, 6], bias: [0, 0, 0])),
            .relu, .clip(lower: 0, upper: 1),
        ])
        XCTAssertEqual(network.parameterCount, 9)
        XCTAssertEqual(network.piecewiseUnitCount, 6)
        XCTAssertTrue(network.isPiecewiseLinear)
        var smooth = network
        smooth.layers.append(.tanh)
        XCTAssertFalse(smooth.isPiecewiseLinear)
    }

    func testLayerChainMismatchIsAnError() {
        XCTAssertThrowsError(try NeuralNetwork(inputShape: [3], layers: [
            .affine(AffineLayer(inputSize: 2, outputSize: 1, weights: [1, 1], bias: [0])),
        ])) { error in
            XCTAssertTrue("\(error)".contains("expected 3 but got 2"), "\(error)")
        }
    }
}
