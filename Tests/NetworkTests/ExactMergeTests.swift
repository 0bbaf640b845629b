import Foundation
import XCTest
@testable import Network

/// Merges and folds keep the network's function exactly (checked with ``OracleDyadic``).
final class ExactMergeTests: XCTestCase {
    static let reproductionGenerator = #"{"input_shape":[1],"layers":[{"type":"dense","weights":[[0.1],[1]],"bias":[0,0]}]}"#
    static let reproductionClassifier = #"{"input_shape":[2],"layers":[{"type":"dense","weights":[[10,-1],[0,0]],"bias":[0,1e-16]}]}"#

    static func json(_ text: String) throws -> NeuralNetwork {
        try JSONNetworkFormat.parse(data: Data(text.utf8), fileName: "test.json")
    }

    /// The issue's reproduction. In exact arithmetic with the files' Doubles,
    /// `y0 = 10 * (0.1d * 3) - 3 = 3 (10 * 0.1d - 1) = 3 * 2^-54` (since `10 * 0.1d = 1 + 2^-54`)
    /// and `y1 = 1e-16d < 3 * 2^-54 ≈ 1.67e-16`, so x = 3 is class 0. A round-to-nearest merge
    /// stores the weight `fl(10 * 0.1d) - 1 = 0` and gives `y0 = 0 < y1` (class 1): fails on the
    /// old merge.
    func testReproductionComposedNetworkIsTheExactComposition() throws {
        let composed = try NeuralNetwork.composing(
            classifier: Self.json(Self.reproductionClassifier), after: Self.json(Self.reproductionGenerator))
        let y = composed.exactEvaluate([3])
        XCTAssertEqual(y[0], OracleDyadic(3) * OracleDyadic(0x1p-54))
        XCTAssertTrue((y[0] - y[1]).isPositive, "exact composition classifies x = 3 as class 0")
        XCTAssertEqual(composed.layers.count, 2, "the inexact merge keeps both layers")
        XCTAssertTrue(composed.roundedConstants.isEmpty)
    }

    func testExactArithmeticRecognisesExactAndInexactOperations() {
        XCTAssertEqual(ExactArithmetic.product(0.5, 3), 1.5)
        XCTAssertNil(ExactArithmetic.product(0.1, 10), "10 * 0.1d = 1 + 2^-54 is not a Double")
        XCTAssertEqual(ExactArithmetic.product(0, 0.1), 0)
        XCTAssertEqual(ExactArithmetic.product(-0.0, 5), 0)
        XCTAssertNil(ExactArithmetic.product(0x1p-600, 0x1p-400), "underflow range is never claimed exact")
        XCTAssertNil(ExactArithmetic.product(0x1p600, 0x1p600), "overflow")
        XCTAssertEqual(ExactArithmetic.product(0x1p-500, 0x1p-400), 0x1p-900)
        XCTAssertEqual(ExactArithmetic.sum(0.5, 0.25), 0.75)
        XCTAssertNil(ExactArithmetic.sum(1, 1e-16))
        XCTAssertNil(ExactArithmetic.sum(0.1, 0.2))
        XCTAssertEqual(ExactArithmetic.sum(1e-16, -1e-16), 0)
        XCTAssertNil(ExactArithmetic.sum(.greatestFiniteMagnitude, .greatestFiniteMagnitude))
        XCTAssertEqual(ExactArithmetic.sum(.leastNonzeroMagnitude, .leastNonzeroMagnitude), 2 * .leastNonzeroMagnitude)
    }

    /// Property: random tiny networks with weights that make merges inexact (0.1, 0.3,
    /// 1e-16 next to 1, ...), with adapters and ReLUs; the merged/composed network equals the
    /// unmerged layers in exact arithmetic at every box corner and at random points. Also checks
    /// that both outcomes occur (some merges happen, some are refused), so the test can fail.
    func testMergedNetworksEqualUnmergedLayersExactly() throws {
        var rng = SeededGenerator(seed: 15)
        let pool: [Double] = [0.1, 0.3, -0.7, 1, -1, 1e-16, 0.5, 2, -0.25, 3, 1e-300, 0, 0, 0.2]
        func value() -> Double { pool.randomElement(using: &rng)! }
        func affine(_ m: Int, _ n: Int) -> AffineLayer {
            AffineLayer(inputSize: m, outputSize: n, weights: (0..<(m * n)).map { _ in value() },
                        bias: (0..<n).map { _ in value() })
        }
        var merges = 0, kept = 0
        for _ in 0..<150 {
            let inputs = Int.random(in: 2...4, using: &rng)
            var layers: [Layer] = []
            var size = inputs
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                let next = Int.random(in: 1...4, using: &rng)
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: layers.append(.affine(.diagonal(scale: (0..<size).map { _ in value() }, shift: (0..<size).map { _ in value() })))
                case 1: layers.append(.relu)
                default:
                    layers.append(.affine(affine(size, next)))
                    size = next
                }
            }
            if !layers.contains(where: { if case .affine = $0 { true } else { false } }) {
                layers.append(.affine(affine(size, 2)))
            }
            let generator = try NeuralNetwork(inputShape: [inputs], layers: layers)
            let classifier = try NeuralNetwork(inputShape: [generator.outputSize], layers: [
                .affine(affine(generator.outputSize, 3)), .relu, .affine(affine(3, 2)),
            ])
            let adapter = Bool.random(using: &rng)
                ? Adapter(scale: (0..<generator.outputSize).map { _ in value() }, shift: (0..<generator.outputSize).map { _ in value() })
                : nil
            let composed = try NeuralNetwork.composing(classifier: classifier, after: generator, adapter: adapter)
            let unmerged = generator.layers + (try adapter.map { [Layer.affine(try $0.affineLayer(size: generator.outputSize))] } ?? [])
                + classifier.layers
            let reference = try NeuralNetwork(inputShape: [inputs], layers: unmerged)
            let affineCount = { (layers: [Layer]) in layers.filter { if case .affine(let a) = $0 { !a.isIdentity } else { false } }.count }
            if affineCount(composed.layers) < affineCount(unmerged) { merges += 1 }
            if zip(composed.layers, composed.layers.dropFirst()).contains(where: { pair in
                if case .affine = pair.0, case .affine = pair.1 { true } else { false }
            }) { kept += 1 }
            var points: [[Double]] = (0..<(1 << inputs)).map { corner in
                (0..<inputs).map { corner >> $0 & 1 == 1 ? 3 : -3 }
            }
            for _ in 0..<5 { points.append((0..<inputs).map { _ in Double.random(in: -3...3, using: &rng) }) }
            for x in points {
                XCTAssertEqual(composed.exactEvaluate(x), reference.exactEvaluate(x), "layers \(unmerged) at \(x)")
            }
        }
        XCTAssertGreaterThan(merges, 10, "exact merges still happen")
        XCTAssertGreaterThan(kept, 10, "inexact merges are refused")
    }

    /// ONNX-style diagonal pieces (Sub, Div, Mul, Add around dense maps) fold only exactly:
    /// the built layers equal the pieces applied one by one, in exact arithmetic.
    func testONNXDiagonalPiecesFoldOnlyExactly() throws {
        var rng = SeededGenerator(seed: 7)
        let pool: [Double] = [0.1, 0.3, 1, -1, 1e-16, 0.5, 2, 0.25, 0, 3]
        func value() -> Double { pool.randomElement(using: &rng)! }
        for _ in 0..<200 {
            var pieces = ONNXAffinePieces()
            var reference: [Layer] = []
            var size = Int.random(in: 2...3, using: &rng)
            let inputs = size
            for _ in 0..<Int.random(in: 2...5, using: &rng) {
                switch Int.random(in: 0..<3, using: &rng) {
                case 0:
                    let scale = (0..<size).map { _ in value() }, shift = (0..<size).map { _ in value() }
                    pieces.appendDiagonal(scale: scale, shift: shift)
                    reference.append(.affine(.diagonal(scale: scale, shift: shift)))
                case 1:
                    pieces.appendActivation(.relu)
                    reference.append(.relu)
                default:
                    let next = Int.random(in: 1...3, using: &rng)
                    let layer = AffineLayer(inputSize: size, outputSize: next,
                                            weights: (0..<(size * next)).map { _ in value() },
                                            bias: (0..<next).map { _ in value() })
                    pieces.appendDense(layer)
                    reference.append(.affine(layer))
                    size = next
                }
            }
            let built = try NeuralNetwork(inputShape: [inputs], layers: pieces.layers(file: "t", maxDenseEntries: 1 << 20).layers)
            let expected = try NeuralNetwork(inputShape: [inputs], layers: reference)
            for corner in 0..<(1 << inputs) {
                let x = (0..<inputs).map { corner >> $0 & 1 == 1 ? 1.5 : -2.0 }
                XCTAssertEqual(built.exactEvaluate(x), expected.exactEvaluate(x))
                XCTAssertEqual(built.mergingAffineLayers().exactEvaluate(x), expected.exactEvaluate(x))
            }
        }
    }

    /// The common exact cases still merge: a MatMul with an Add bias, a power-of-two adapter
    /// with a representable shift sum, identity layers, a scale-1 diagonal whose shift adds
    /// exactly to the bias.
    func testExactMergesStillHappen() throws {
        var pieces = ONNXAffinePieces()
        pieces.appendDense(AffineLayer(inputSize: 2, outputSize: 2, weights: [0.1, 0.3, -0.7, 1], bias: [0, 0]))
        pieces.appendDiagonal(scale: [1, 1], shift: [0.5, -0.25])   // Add bias: 0 + t exact
        pieces.appendActivation(.relu)
        pieces.appendDiagonal(scale: [1, 1], shift: [0, 0])          // identity: dropped
        pieces.appendDense(AffineLayer(inputSize: 2, outputSize: 1, weights: [3, 5], bias: [1]))
        let (layers, rounded) = try pieces.layers(file: "t", maxDenseEntries: 100)
        XCTAssertEqual(layers.map(\.kindName), ["affine", "relu", "affine"])
        XCTAssertEqual(layers[0], .affine(AffineLayer(inputSize: 2, outputSize: 2, weights: [0.1, 0.3, -0.7, 1], bias: [0.5, -0.25])))
        XCTAssertTrue(rounded.isEmpty)

        // Adapter 0.5 y + 0.5 before W = [[1, 2], [3, 0.5]], b = (0, 1): weights halve exactly,
        // bias (0.5 * (1 + 2), 0.5 * (3 + 0.5) + 1) = (1.5, 2.75) exactly.
        let generator = try NeuralNetwork(inputShape: [2], layers: [.affine(.identity(size: 2)), .relu])
        let classifier = try NeuralNetwork(inputShape: [2], layers: [
            .affine(AffineLayer(inputSize: 2, outputSize: 2, weights: [1, 2, 3, 0.5], bias: [0, 1])),
        ])
        let composed = try NeuralNetwork.composing(classifier: classifier, after: generator,
                                                   adapter: Adapter(scale: 0.5, shift: 0.5))
        XCTAssertEqual(composed.layers, [.relu, .affine(AffineLayer(inputSize: 2, outputSize: 2,
                                                                    weights: [0.5, 1, 1.5, 0.25], bias: [1.5, 2.75]))])
    }

    /// `Div` by 0.3 becomes an enclosed scale with the exact divisor (recorded for `info`);
    /// `Div` by 0.5 is the exact weight 2, folded into the Gemm.
    func testDivisionIsAnEnclosedScaleOnlyWhenTheReciprocalIsInexact() throws {
        func load(divisor: Float) throws -> NeuralNetwork {
            let model = ONNXModelBuilder.model(
                nodes: [
                    ONNXModelBuilder.node("Div", inputs: ["x", "c"], outputs: ["h"], name: "normalise"),
                    ONNXModelBuilder.node("Gemm", inputs: ["h", "W", "b"], outputs: ["y"], name: "gemm",
                                          attributes: [ONNXModelBuilder.intAttribute("transB", 1)]),
                ],
                initializers: [
                    ONNXModelBuilder.floatTensor("c", dims: [1], values: [divisor], packed: true),
                    ONNXModelBuilder.floatTensor("W", dims: [1, 2], values: [1, 3], packed: true),
                    ONNXModelBuilder.floatTensor("b", dims: [1], values: [0.5], packed: true),
                ])
            return try ONNXLoader.load(bytes: model, fileName: "div.onnx")
        }
        let third = try load(divisor: 0.3)
        let c = Double(Float(0.3))
        XCTAssertEqual(third.roundedConstants.map(\.origin), [.onnxDivision(node: "normalise")])
        XCTAssertEqual(third.roundedConstants.map(\.layerIndex), [0])
        guard case .enclosedScale(let scale) = third.layers[0] else { return XCTFail("layer 0: \(third.layers[0])") }
        XCTAssertEqual(scale.divisors, [c, c])
        // Certified: c * lower <= 1 <= c * upper in exact arithmetic (independent oracle).
        for i in 0..<2 {
            XCTAssertFalse((OracleDyadic(1) - OracleDyadic(c) * OracleDyadic(scale.lower[i])).negative)
            XCTAssertFalse((OracleDyadic(c) * OracleDyadic(scale.upper[i]) - OracleDyadic(1)).negative)
            XCTAssertEqual(scale.nearest[i], 1 / c)
        }
        XCTAssertEqual(third.layers.count, 2)

        let half = try load(divisor: 0.5)
        XCTAssertTrue(half.roundedConstants.isEmpty)
        XCTAssertEqual(half.layers, [.affine(AffineLayer(inputSize: 2, outputSize: 1, weights: [2, 6], bias: [0.5]))])
    }

    /// `.nnet` normalisation `(x - mean) / range`: with range 3 the scaling is an enclosed
    /// scale with the exact divisors (3 recorded); ranges that are powers of two fold into
    /// the first layer with nothing recorded (NNetLoaderTests.tiny: ranges 2, 4).
    func testNNetNormalisationKeepsTheExactDivisor() throws {
        let text = NNetLoaderTests.tiny.replacingOccurrences(of: "2,4,1,", with: "2,3,1,")
        let network = try NNetLoader.parse(text: text, fileName: "third.nnet").network
        XCTAssertEqual(network.roundedConstants.map(\.origin), [.nnetInputRange(input: 1)])
        // Centring, the enclosed 1/range, the (identity, dropped) first layer, relu, last layer.
        XCTAssertEqual(network.layers.map(\.kindName), ["affine", "enclosed_scale(1/c)", "relu", "affine"])
        guard case .enclosedScale(let scale) = network.layers[1] else { return XCTFail("layer 1: \(network.layers[1])") }
        XCTAssertEqual(scale.divisors, [2, 3])
        XCTAssertEqual(scale.lower[0], 0.5)
        XCTAssertEqual(scale.upper[0], 0.5)
        XCTAssertEqual(scale.nearest[1], 1.0 / 3)
        let exact = try NNetLoader.parse(text: NNetLoaderTests.tiny, fileName: "tiny.nnet").network
        XCTAssertTrue(exact.roundedConstants.isEmpty)
        XCTAssertEqual(exact.layers.map(\.kindName), ["affine", "relu", "affine"])
    }

    /// Rounded constants keep naming their layer through composition and merging.
    func testRoundedConstantsFollowTheirLayers() throws {
        let constant = RoundedConstant(layerIndex: 2, origin: .onnxDivision(node: "d"), count: 1, relativeError: 0x1p-53)
        let classifier = try NeuralNetwork(inputShape: [2], layers: [
            .affine(.identity(size: 2)), .relu, .affine(.diagonal(scale: [1.0 / 3, 1], shift: [0, 0])),
            .affine(AffineLayer(inputSize: 2, outputSize: 1, weights: [0.1, 1], bias: [0])),
        ], roundedConstants: [constant])
        let generator = try NeuralNetwork(inputShape: [1], layers: [
            .affine(AffineLayer(inputSize: 1, outputSize: 2, weights: [1, 1], bias: [0, 0])), .relu,
        ])
        let composed = try NeuralNetwork.composing(classifier: classifier, after: generator)
        // generator (affine, relu); classifier's identity dropped; relu; diagonal kept; dense.
        XCTAssertEqual(composed.layers.map(\.kindName), ["affine", "relu", "relu", "affine", "affine"])
        XCTAssertEqual(composed.roundedConstants.map(\.layerIndex), [3])
        guard case .affine(let diagonal) = composed.layers[3] else { return XCTFail("layer 3 is affine") }
        XCTAssertEqual(diagonal.diagonalScale, [1.0 / 3, 1])
    }
}

/// Element-wise layers take the `O(n)` path in the forward pass and gradients; it must give
/// the same Doubles as the dense formulas `y_i = fl(Σ_j W_ij x_j) + b_i`, `g'_j = Σ_i g_i W_ij`.
final class ElementWiseLayerTests: XCTestCase {
    func testElementWiseForwardAndGradientEqualTheDenseFormulas() throws {
        var rng = SeededGenerator(seed: 5)
        let n = 7
        let scale = (0..<n).map { _ in Double.random(in: -2...2, using: &rng) }
        let shift = (0..<n).map { _ in Double.random(in: -1...1, using: &rng) }
        let layer = AffineLayer.diagonal(scale: scale, shift: shift)
        XCTAssertEqual(layer.diagonalScale, scale)
        XCTAssertNil(randomAffine(n, n, using: &rng).diagonalScale)
        XCTAssertNil(AffineLayer(inputSize: 2, outputSize: 1, weights: [1, 0], bias: [0]).diagonalScale)
        let dense = randomAffine(n, 3, using: &rng)
        let network = try NeuralNetwork(inputShape: [n], layers: [.affine(layer), .tanh, .affine(dense)])
        for _ in 0..<20 {
            let x = (0..<n).map { _ in Double.random(in: -3...3, using: &rng) }
            let expected = (0..<n).map { i in
                var sum = 0.0
                for j in 0..<n { sum += layer.weights[i * n + j] * x[j] }
                return sum + layer.bias[i]
            }
            XCTAssertEqual(Layer.affine(layer).apply(x), expected)
            XCTAssertEqual(network.activations(x)[1], expected)
            // The batched pass (BLAS order) and the single pass (index order) enclose the same
            // exact outputs: they differ by at most the sum of their sound error bounds.
            let batched = network.enclosure(batch: x + x, count: 2), single = network.enclosure(x)
            XCTAssertEqual(batched.values, network.evaluate(batch: x + x, count: 2))
            XCTAssertEqual(single.values, network.evaluate(x))
            for k in 0..<6 {
                XCTAssertLessThanOrEqual(abs(batched.values[k] - single.values[k % 3]), batched.errors[k] + single.errors[k % 3])
            }
            XCTAssertEqual(network.evaluate(x), Layer.affine(dense).apply(expected.map(Float64Tanh.value)))
            let weights = [1.0, -2, 0.5]
            let (_, gradient) = network.valueAndGradient(at: x, outputWeights: weights)
            // Chain rule by hand: through the dense layer, tanh, then diag(scale).
            let t = expected.map(Float64Tanh.value)
            let expectedGradient = (0..<n).map { j in
                var pulled = 0.0
                for i in 0..<3 { pulled += weights[i] * dense.weights[i * n + j] }
                return pulled * (1 - t[j] * t[j]) * scale[j]
            }
            XCTAssertEqual(gradient, expectedGradient)
        }
    }
}
