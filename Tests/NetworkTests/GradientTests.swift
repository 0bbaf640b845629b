import XCTest
@testable import Network

final class GradientTests: XCTestCase {
    /// The reverse pass agrees with central finite differences at random points (away from
    /// kinks: points where a difference quotient disagrees across step sizes are skipped).
    func testGradientMatchesFiniteDifferences() throws {
        var rng = SeededGenerator(seed: 19)
        for trial in 0..<20 {
            let network = try NeuralNetwork(inputShape: [4], layers: [
                .affine(randomAffine(4, 7, using: &rng)), trial % 2 == 0 ? .relu : .leakyRelu(alpha: 0.2),
                .affine(randomAffine(7, 5, using: &rng)), .tanh,
                .affine(randomAffine(5, 5, using: &rng)), .clip(lower: -0.6, upper: 0.6),
                .affine(randomAffine(5, 3, using: &rng)), .sigmoid,
            ])
            let weights = (0..<3).map { _ in Double.random(in: -1...1, using: &rng) }
            let x = (0..<4).map { _ in Double.random(in: -1...1, using: &rng) }
            let (value, gradient) = network.valueAndGradient(at: x, outputWeights: weights)
            let direct = zip(weights, network.evaluate(x)).reduce(0) { $0 + $1.0 * $1.1 }
            XCTAssertEqual(value, direct, accuracy: 1e-14)
            func f(_ point: [Double]) -> Double { zip(weights, network.evaluate(point)).reduce(0) { $0 + $1.0 * $1.1 } }
            for i in 0..<4 {
                func difference(_ h: Double) -> Double {
                    var plus = x, minus = x
                    plus[i] += h
                    minus[i] -= h
                    return (f(plus) - f(minus)) / (2 * h)
                }
                let coarse = difference(1e-5), fine = difference(1e-6)
                guard abs(coarse - fine) < 1e-6 else { continue } // a kink lies within the step
                XCTAssertEqual(gradient[i], fine, accuracy: 1e-6, "trial \(trial) input \(i)")
            }
        }
    }
}
