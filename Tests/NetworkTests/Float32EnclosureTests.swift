import XCTest
@testable import Network

/// ``NeuralNetwork/enclosureFloat32(batch:count:)``: the float32 batched pass with a sound
/// bound on its distance to the exact outputs (oracle: the exact pass in dyadic rationals).
final class Float32EnclosureTests: XCTestCase {
    /// Random networks with weights of mixed magnitudes that are not floats (0.1-like
    /// decimals, `1 + 2^-40`), LeakyReLU slopes and clip bounds that are not floats either:
    /// every row of every batch size lies within its bound of the exact outputs, and the
    /// values are the float32 batched pass's.
    func testFloat32EnclosureContainsExactOutputs() throws {
        var rng = SeededGenerator(seed: 21)
        let magnitudes = [1e-8, 0.1, 0.3, 1, 1 + 0x1p-40, 7, 1e3]
        for trial in 0..<60 {
            var layers: [Layer] = []
            var width = Int.random(in: 1...6, using: &rng)
            let inputSize = width
            for depth in 0..<3 {
                let next = depth == 2 ? 3 : Int.random(in: 2...40, using: &rng)
                let weights = (0..<(width * next)).map { _ in
                    magnitudes.randomElement(using: &rng)! * (Bool.random(using: &rng) ? 1 : -1) * Double.random(in: 0.5...1.5, using: &rng)
                }
                let bias = (0..<next).map { _ in Double.random(in: -1...1, using: &rng) }
                layers.append(.affine(AffineLayer(inputSize: width, outputSize: next, weights: weights, bias: bias)))
                if depth < 2 {
                    layers.append([Layer.relu, .leakyRelu(alpha: 0.1), .clip(lower: -0.3, upper: 2.1)].randomElement(using: &rng)!)
                }
                width = next
            }
            let network = try NeuralNetwork(inputShape: [inputSize], layers: layers)
            let count = [1, 2, 7].randomElement(using: &rng)!
            let inputs = (0..<count).map { _ in (0..<inputSize).map { _ in Double.random(in: -2...2, using: &rng) } }
            let (values, errors) = try XCTUnwrap(network.enclosureFloat32(batch: inputs.flatMap { $0 }, count: count))
            XCTAssertEqual(values, network.evaluateFloat32(batch: inputs.flatMap { $0 }, count: count))
            for (row, input) in inputs.enumerated() {
                let exact = try XCTUnwrap(network.evaluateExactly(input))
                for (k, y) in exact.enumerated() where errors[row * 3 + k].isFinite {
                    let distance = y - ExactDyadic(Double(values[row * 3 + k]))
                    let e = ExactDyadic(Double(errors[row * 3 + k]))
                    XCTAssertTrue(-e <= distance && distance <= e, "trial \(trial) row \(row) output \(k)")
                }
            }
        }
    }

    /// `y = x + 2^-30` at `x = 1`: float32 computes 1 (ulp 2^-23), the exact value is
    /// `1 + 2^-30`; the bound must cover the `2^-30` (and stay below `2^-20`: it is
    /// `(γ_2 + u)(|1| + |2^-30|)`-sized, not vacuous). The input `1 + 2^-40` rounds to 1
    /// in float32: that rounding is part of the bound too.
    func testFloat32BoundCoversTheRoundingOfSumsAndInputs() throws {
        let network = try NeuralNetwork(inputShape: [1], layers: [
            .affine(AffineLayer(inputSize: 1, outputSize: 1, weights: [1], bias: [0x1p-30])),
        ])
        let (values, errors) = try XCTUnwrap(network.enclosureFloat32(batch: [1, 1 + 0x1p-40], count: 2))
        XCTAssertEqual(values, [1, 1])
        XCTAssertGreaterThanOrEqual(Double(errors[0]), 0x1p-30)
        XCTAssertGreaterThanOrEqual(Double(errors[1]), 0x1p-30 + 0x1p-40)
        XCTAssertLessThan(Double(errors[1]), 0x1p-20)
    }

    /// tanh, sigmoid and enclosed scales have no float32 bound: nil, so callers take the
    /// float64 enclosure.
    func testNetworksWithSmoothActivationsHaveNoFloat32Enclosure() throws {
        let network = try NeuralNetwork(inputShape: [2], layers: [.tanh])
        XCTAssertNil(network.enclosureFloat32(batch: [0.1, 0.2], count: 1))
        XCTAssertEqual(network.evaluateFloat32(batch: [0.1, 0.2, 0.3, 0.4], count: 2),
                       network.evaluateFloat32([0.1, 0.2]) + network.evaluateFloat32([0.3, 0.4]))
    }
}
