import XCTest
@testable import Network

/// ``Float32BatchPass``: its batches are ``NeuralNetwork/evaluateFloat32(batch:count:)``'s, and
/// its one-input activations and gradient (the white-box attack's float32 descents) agree with
/// the float64 passes to float32 accuracy on networks with every element-wise layer kind.
final class Float32BatchPassTests: XCTestCase {
    private static func network(_ trial: Int, using rng: inout SeededGenerator) throws -> NeuralNetwork {
        try NeuralNetwork(inputShape: [4], layers: [
            .affine(randomAffine(4, 7, using: &rng)), trial % 2 == 0 ? .relu : .leakyRelu(alpha: 0.2),
            .affine(randomAffine(7, 5, using: &rng)), .tanh,
            .affine(randomAffine(5, 5, using: &rng)), .clip(lower: -0.6, upper: 0.6),
            .enclosedScale(EnclosedScale(nearest: [2, 0.5, 1, 3, 0.25], lower: [2, 0.5, 1, 3, 0.25], upper: [2, 0.5, 1, 3, 0.25], divisors: nil)),
            .affine(randomAffine(5, 3, using: &rng)), .sigmoid,
        ])
    }

    func testBatchesAreTheFloat32BatchedPass() throws {
        var rng = SeededGenerator(seed: 31)
        for trial in 0..<10 {
            let network = try Self.network(trial, using: &rng)
            let pass = Float32BatchPass(network)
            for count in [1, 2, 7] {
                let batch = (0..<(count * 4)).map { _ in Double.random(in: -2...2, using: &rng) }
                XCTAssertEqual(pass.evaluate(batch: batch, count: count).map(\.bitPattern),
                               network.evaluateFloat32(batch: batch, count: count).map(\.bitPattern))
            }
        }
    }

    /// Outputs within `1e-5` of the float64 pass, and the gradient within `1e-4` (relative to
    /// its largest entry) of the float64 reverse pass, at random points away from kinks
    /// (points where the float64 gradient changes under a `1e-4` move are skipped, at least
    /// 40 of 60 are checked).
    func testActivationsAndGradientAgreeWithTheFloat64Passes() throws {
        var rng = SeededGenerator(seed: 32)
        var checked = 0
        for trial in 0..<60 {
            let network = try Self.network(trial, using: &rng)
            let pass = Float32BatchPass(network)
            let weights = (0..<3).map { _ in Double.random(in: -1...1, using: &rng) }
            let x = (0..<4).map { _ in Double(Float(Double.random(in: -1...1, using: &rng))) }
            let forward = pass.activations(x)
            for (a, b) in zip(forward.outputs, network.evaluate(x)) { XCTAssertEqual(a, b, accuracy: 1e-5) }
            let reference = network.valueAndGradient(at: x, outputWeights: weights).gradient
            let moved = network.valueAndGradient(at: x.map { $0 + 1e-4 }, outputWeights: weights).gradient
            let scale = max(reference.map(abs).max()!, 1e-3)
            guard zip(reference, moved).allSatisfy({ abs($0 - $1) < 1e-2 * scale }) else { continue }
            checked += 1
            let gradient = pass.gradient(forward, outputWeights: weights)
            for i in 0..<4 { XCTAssertEqual(gradient[i], reference[i], accuracy: 1e-4 * scale, "trial \(trial) input \(i)") }
        }
        XCTAssertGreaterThanOrEqual(checked, 40)
    }
}
