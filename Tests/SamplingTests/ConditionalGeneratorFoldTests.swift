import XCTest

import Network
@testable import Sampling

/// Fixing the one-hot class input of a conditional generator, `G_c(z) = G([z; e_c])`, and
/// folding it into the first layer (new bias `b + W[:, p + c]`) must be the same function in
/// exact arithmetic. Oracle: ``NeuralNetwork/evaluateExactly(_:)`` of the unfolded network on
/// `[z; e_c]` (exact dyadic rationals, no rounding anywhere).
final class ConditionalGeneratorFoldTests: XCTestCase {
    /// A conditional generator `[z (p); e (m)] -> hidden (ReLU) -> out` and a classifier on `out`,
    /// with float32-valued weights from a seeded generator (like an ONNX file's).
    private func networks(p: Int, m: Int, hidden: Int, out: Int, seed: UInt64,
                          classColumn: ((Int, Int) -> Double)? = nil,
                          firstBias: ((Int) -> Double)? = nil) throws -> (NeuralNetwork, NeuralNetwork) {
        var state = seed
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(Float(Double(state >> 11) / Double(1 << 53) * 2 - 1))
        }
        let n = p + m
        var w1 = (0..<(hidden * n)).map { _ in next() }
        if let classColumn {
            for i in 0..<hidden { for c in 0..<m { w1[i * n + p + c] = classColumn(i, c) } }
        }
        let b1 = (0..<hidden).map { firstBias?($0) ?? next() }
        let generator = try NeuralNetwork(inputShape: [n], layers: [
            .affine(AffineLayer(inputSize: n, outputSize: hidden, weights: w1, bias: b1)), .relu,
            .affine(AffineLayer(inputSize: hidden, outputSize: out, weights: (0..<(out * hidden)).map { _ in next() },
                                bias: (0..<out).map { _ in next() })),
            .clip(lower: 0, upper: 1),
        ])
        let classifier = try NeuralNetwork(inputShape: [out], layers: [
            .affine(AffineLayer(inputSize: out, outputSize: m, weights: (0..<(m * out)).map { _ in next() },
                                bias: (0..<m).map { _ in next() })),
        ])
        return (generator, classifier)
    }

    private func assertFoldIsExact(_ generator: NeuralNetwork, _ classifier: NeuralNetwork, p: Int, m: Int,
                                   file: StaticString = #filePath, line: UInt = #line) throws -> [NeuralNetwork] {
        var folded: [NeuralNetwork] = []
        var state: UInt64 = 99
        for position in Experiment.OneHotPosition.allCases {
            for c in 0..<m {
                let fixed = try LoadedExperiment.fixingOneHot(generator, noiseSize: p, classCount: m,
                                                              classIndex: c, position: position)
                let composed = try NeuralNetwork.composing(classifier: classifier, after: fixed)
                folded.append(composed)
                let onehot = (0..<m).map { $0 == c ? 1.0 : 0.0 }
                for _ in 0..<20 {
                    let z = (0..<p).map { _ -> Double in
                        state = state &* 6364136223846793005 &+ 1442695040888963407
                        return Double(Int64(bitPattern: state) >> 20) / Double(1 << 40)
                    }
                    // The unfolded chain has no two adjacent affine layers, so composing it merges nothing.
                    let expected = try NeuralNetwork.composing(classifier: classifier, after: generator)
                        .evaluateExactly(position == .after ? z + onehot : onehot + z)
                    XCTAssertEqual(composed.evaluateExactly(z), expected, "\(position) class \(c)", file: file, line: line)
                }
            }
        }
        return folded
    }

    /// Random float32 weights: every sum `b_i + W[i, p + c]` of two float32 values is exact in
    /// Double (their exponents differ by far less than 29), so the one-hot part is folded into
    /// the first layer: the composed chain starts with a `p`-input affine layer followed by ReLU.
    func testFoldedConditionalGeneratorEqualsTheUnfoldedNetworkExactly() throws {
        let (p, m) = (5, 3)
        let (generator, classifier) = try networks(p: p, m: m, hidden: 7, out: 4, seed: 1)
        for network in try assertFoldIsExact(generator, classifier, p: p, m: m) {
            guard case .affine(let first) = network.layers[0], case .relu = network.layers[1] else {
                return XCTFail("expected the one-hot part folded into the first layer: \(network.layers.count) layers")
            }
            XCTAssertEqual(first.inputSize, p)
        }
    }

    /// Crafted: `W[i, p + c] = 1` and `b_i = 2^-60` (both float32 values); `1 + 2^-60` is not a
    /// Double, so folding would round the bias to 1. The loader must keep the exact function:
    /// the composed network still equals the unfolded one exactly (the fixing layer stays
    /// apart instead of being merged with a rounded bias).
    func testInexactFoldKeepsTheOneHotLayerApart() throws {
        let (p, m) = (2, 2)
        let (generator, classifier) = try networks(p: p, m: m, hidden: 3, out: 2, seed: 2,
                                                   classColumn: { _, _ in 1 }, firstBias: { _ in 0x1p-60 })
        for network in try assertFoldIsExact(generator, classifier, p: p, m: m) {
            guard case .affine(let first) = network.layers[0], case .affine = network.layers[1] else {
                return XCTFail("expected the fixing layer kept apart: \(network.layers.count) layers")
            }
            XCTAssertEqual([first.inputSize, first.outputSize], [p, p + m])
        }
    }
}
