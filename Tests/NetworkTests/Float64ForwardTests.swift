import XCTest
@testable import Network

/// ``Float64Forward``: the float64 batched pass with the composed error bound (oracle: the
/// exact pass in dyadic rationals; the values are ``NeuralNetwork/evaluate(batch:count:)``'s).
final class Float64ForwardTests: XCTestCase {
    /// Random networks (magnitudes from `1e-300` to `1e6`, exact zeros, LeakyReLU, clip,
    /// element-wise affine maps), batches of 2 to 9 rows reusing one workspace: the values are
    /// bit for bit those of the float64 batched pass, and every finite bound contains the exact
    /// output. Fails when the bound loses an affine layer's rounding term, or when the cached
    /// weights are transposed or belong to another layer.
    func testFloat64BoundContainsExactOutputs() throws {
        var rng = SeededGenerator(seed: 64)
        let magnitudes = [1e-300, 1e-30, 1e-8, 0.1, 1, 1 + 0x1p-50, 3e3, 1e6]
        func value() -> Double {
            Int.random(in: 0..<5, using: &rng) == 0 ? 0
                : magnitudes.randomElement(using: &rng)! * (Bool.random(using: &rng) ? 1 : -1) * Double.random(in: 0.5...1.5, using: &rng)
        }
        let workspace = Float64Forward.Workspace()
        var checked = 0
        for trial in 0..<60 {
            var layers: [Layer] = []
            let inputSize = Int.random(in: 1...5, using: &rng)
            var width = inputSize
            for depth in 0..<3 {
                if depth == 1 && Bool.random(using: &rng) {
                    layers.append(.affine(.diagonal(scale: (0..<width).map { _ in value() }, shift: (0..<width).map { _ in value() })))
                } else {
                    let next = depth == 2 ? 4 : Int.random(in: 2...16, using: &rng)
                    layers.append(.affine(AffineLayer(inputSize: width, outputSize: next, weights: (0..<(width * next)).map { _ in value() },
                                                      bias: (0..<next).map { _ in value() })))
                    width = next
                }
                if depth < 2 {
                    layers.append([Layer.relu, .leakyRelu(alpha: -3), .clip(lower: -0.3, upper: 1e10)].randomElement(using: &rng)!)
                }
            }
            let network = try NeuralNetwork(inputShape: [inputSize], layers: layers)
            let count = Int.random(in: 2...9, using: &rng)
            let inputs = (0..<count).map { _ in (0..<inputSize).map { _ in value() } }
            Float64Forward(network).evaluate(batch: inputs.flatMap { $0 }, count: count, workspace: workspace)
            let values = Array(workspace.values), errors = Array(workspace.errors)
            XCTAssertEqual(values, network.evaluate(batch: inputs.flatMap { $0 }, count: count), "trial \(trial)")
            for (row, input) in inputs.enumerated() {
                let exact = try XCTUnwrap(network.evaluateExactly(input))
                for (k, y) in exact.enumerated() where errors[row * 4 + k].isFinite {
                    let distance = y - ExactDyadic(values[row * 4 + k])
                    let e = ExactDyadic(errors[row * 4 + k])
                    XCTAssertTrue(-e <= distance && distance <= e, "trial \(trial) row \(row) output \(k)")
                    checked += 1
                }
            }
        }
        XCTAssertGreaterThan(checked, 500)
    }

    /// `y = (1 + 2^-52) x - x` at `x = 1 + 2^-52`: exactly `y = 2^-52 + 2^-104`. Summed as
    /// `fl(x^2) - x`, `fl(x^2) = 1 + 2^-51` loses the `2^-104` and `ŷ = 2^-52`; a fused
    /// multiply-add on `-x` first keeps it. Either way the bound must cover the distance and
    /// stay below `2^-45`.
    func testFloat64BoundCoversALostLowOrderBit() throws {
        let x = 1 + 0x1p-52
        let network = try NeuralNetwork(inputShape: [2], layers: [
            .affine(AffineLayer(inputSize: 2, outputSize: 1, weights: [x, -1], bias: [0])),
        ])
        let workspace = Float64Forward.Workspace()
        Float64Forward(network).evaluate(batch: [x, x, x, x], count: 2, workspace: workspace)
        let value = workspace.values[0]
        XCTAssertTrue(value == 0x1p-52 || value == 0x1p-52 + 0x1p-104, "\(value)")
        XCTAssertGreaterThanOrEqual(workspace.errors[0], 0x1p-52 + 0x1p-104 - value)
        XCTAssertGreaterThan(workspace.errors[0], 0)
        XCTAssertLessThan(workspace.errors[0], 0x1p-45)
    }
}
