import Foundation
@testable import Network
import Support
import XCTest

/// Loading and evaluating factors with no exact `Double` (``EnclosedScale``).
final class EnclosedScaleTests: XCTestCase {
    /// The reproduction network of `SolverTests.EnclosedScaleVerdictTests` written as ONNX
    /// (`Gemm`, `Div` by (3, 1), `Gemm`): it loads as exactly the layers that test verifies,
    /// the `Div` an enclosed scale with the exact divisors (before: `fl(1/3)` as a weight).
    func testONNXDivisionLoadsAsTheExactDivisor() throws {
        let c = Float(1.5 * 0x1p-54)
        let model = ONNXModelBuilder.model(
            nodes: [
                ONNXModelBuilder.node("Gemm", inputs: ["x", "A"], outputs: ["h"], name: "copy",
                                      attributes: [ONNXModelBuilder.intAttribute("transB", 1)]),
                ONNXModelBuilder.node("Div", inputs: ["h", "c"], outputs: ["q"], name: "third"),
                ONNXModelBuilder.node("Gemm", inputs: ["q", "W", "b"], outputs: ["y"], name: "margin",
                                      attributes: [ONNXModelBuilder.intAttribute("transB", 1)]),
            ],
            initializers: [
                ONNXModelBuilder.floatTensor("A", dims: [2, 1], values: [1, 1], packed: true),
                ONNXModelBuilder.floatTensor("c", dims: [2], values: [3, 1], packed: true),
                ONNXModelBuilder.floatTensor("W", dims: [2, 2], values: [3, -1, 0, 0], packed: true),
                ONNXModelBuilder.floatTensor("b", dims: [2], values: [c, 0], packed: true),
            ], inputDims: [1, 1])
        let network = try ONNXLoader.load(bytes: model, fileName: "third.onnx")
        XCTAssertEqual(network.layers, [
            .affine(AffineLayer(inputSize: 1, outputSize: 2, weights: [1, 1], bias: [0, 0])),
            .enclosedScale(try XCTUnwrap(EnclosedScale.reciprocals([3, 1]))),
            .affine(AffineLayer(inputSize: 2, outputSize: 2, weights: [3, -1, 0, 0], bias: [Double(c), 0])),
        ])
        XCTAssertEqual(network.roundedConstants.map(\.origin), [.onnxDivision(node: "third")])
        // The dyadic pass cannot represent x/3: it declines rather than use fl(1/3).
        XCTAssertNil(network.evaluateExactly([1.5]))
        guard case .enclosedScale(let scale) = network.layers[1] else { return XCTFail() }
        XCTAssertEqual(scale.lower[1], 1)
        XCTAssertEqual(scale.upper[1], 1)
        XCTAssertEqual(scale.upper[0], scale.lower[0].nextUp)
    }

    /// Certified enclosures of `1/c` over many divisors: `c lower <= 1 <= c upper` (for
    /// `c > 0`; reversed for `c < 0`) in exact arithmetic (``OracleDyadic``), adjacent or
    /// equal Doubles, the nearest `fl(1/c)` inside.
    func testReciprocalEnclosuresAreCertifiedAndTight() throws {
        var rng = SplitMix64(seed: 1515)
        for _ in 0..<500 {
            let c = Double(bitPattern: 0x3F00_0000_0000_0000 &+ (rng.next() % 0x0100_0000_0000_0000)) * (rng.next() % 2 == 0 ? 1 : -1)
            let scale = try XCTUnwrap(EnclosedScale.reciprocals([c]))
            let (lower, upper) = (OracleDyadic(c) * OracleDyadic(scale.lower[0]), OracleDyadic(c) * OracleDyadic(scale.upper[0]))
            let one = OracleDyadic(1)
            if c > 0 {
                XCTAssertFalse((one - lower).negative, "c \(c)")
                XCTAssertFalse((upper - one).negative, "c \(c)")
            } else {
                XCTAssertFalse((lower - one).negative, "c \(c)")
                XCTAssertFalse((one - upper).negative, "c \(c)")
            }
            XCTAssertTrue(scale.upper[0] == scale.lower[0] || scale.upper[0] == scale.lower[0].nextUp, "c \(c)")
            XCTAssertEqual(scale.nearest[0], 1 / c)
        }
        XCTAssertNil(EnclosedScale.reciprocals([0]))
        XCTAssertNil(EnclosedScale.reciprocals([0x1p1023 * 1.5]))  // 1/c subnormal
        XCTAssertTrue(try XCTUnwrap(EnclosedScale.reciprocals([4, -0.5])).isExact)
    }

    /// `gamma / sqrt(var + eps)`: `gamma = 1, var + eps = 4` is exactly 0.5 (no enclosure);
    /// `gamma = 1, var = 2, eps = 0` encloses 1/sqrt(2): `lower^2 2 <= 1 <= upper^2 2`.
    func testBatchNormalizationEnclosures() throws {
        let exact = try XCTUnwrap(EnclosedScale.batchNormalization(gamma: [1, -3], variance: [4, 9], epsilon: 0))
        XCTAssertTrue(exact.isExact)
        XCTAssertEqual(exact.nearest, [0.5, -1])
        let root = try XCTUnwrap(EnclosedScale.batchNormalization(gamma: [1, -1], variance: [2, 2], epsilon: 0))
        XCTAssertFalse(root.isExact)
        for i in 0..<2 {
            let (small, large) = i == 0 ? (root.lower[i], root.upper[i]) : (-root.upper[i], -root.lower[i])
            XCTAssertFalse((OracleDyadic(1) - OracleDyadic(2) * OracleDyadic(small) * OracleDyadic(small)).negative)
            XCTAssertFalse((OracleDyadic(2) * OracleDyadic(large) * OracleDyadic(large) - OracleDyadic(1)).negative)
        }
        XCTAssertNil(EnclosedScale.batchNormalization(gamma: [1], variance: [-1], epsilon: 1e-5))
    }

    /// The JSON `divide` layer: exact reciprocals become a diagonal affine layer, others an
    /// enclosed scale; `serialize` writes it back as `divide` and the round trip is equal.
    func testJSONDivideLayerRoundTrips() throws {
        let json = #"{"input_shape":[2],"layers":[{"type":"divide","by":[3,0.5]},{"type":"relu"},{"type":"divide","by":[2,4]}]}"#
        let network = try JSONNetworkFormat.parse(data: Data(json.utf8), fileName: "d.json")
        XCTAssertEqual(network.layers.map(\.kindName), ["enclosed_scale(1/c)", "relu", "affine"])
        XCTAssertEqual(network.evaluate([3, 1]), [3 * (1.0 / 3) * 0.5, 2 * 0.25])
        let again = try JSONNetworkFormat.parse(data: JSONNetworkFormat.serialize(network), fileName: "again.json")
        XCTAssertEqual(again.layers[0], network.layers[0])
        XCTAssertThrowsError(try JSONNetworkFormat.parse(data: Data(#"{"input_shape":[1],"layers":[{"type":"divide","by":[0]}]}"#.utf8), fileName: "z.json"))
    }

    /// Forward, float32 and enclosure passes: the float pass multiplies by the nearest
    /// factor, float32 divides by the divisor, and the point enclosure contains the exact
    /// `x / 3` (hand: x = 1 -> 1/3; `|fl(1/3) - 1/3| = 2^-54 / 3`).
    func testFloatPassesAndTheirErrorBound() throws {
        let network = try NeuralNetwork(inputShape: [1], layers: [.enclosedScale(try XCTUnwrap(EnclosedScale.reciprocals([3])))])
        XCTAssertEqual(network.evaluate([1]), [1.0 / 3])
        XCTAssertEqual(network.evaluateFloat32([1]), [Float(1) / Float(3)])
        let enclosure = network.enclosure([1])
        XCTAssertEqual(enclosure.values, [1.0 / 3])
        XCTAssertGreaterThanOrEqual(enclosure.errors[0], 0x1p-54 / 3)
        XCTAssertLessThan(enclosure.errors[0], 0x1p-50)
        let gradient = network.valueAndGradient(at: [2], outputWeights: [1]).gradient
        XCTAssertEqual(gradient, [1.0 / 3])
    }

    /// `Gemm` with `alpha`, `beta` on double tensors: `alpha B` and `beta C` are not Doubles,
    /// so the loader keeps `B x`, then `alpha ⊙ . + fl(beta C)`, then `+ residual`; evaluated
    /// exactly, the layers equal `alpha (B x) + beta C` computed by the oracle (before:
    /// `fl(alpha B)` and `fl(beta C)` as weights, another function).
    func testGemmScalingIsKeptExact() throws {
        func floatAttribute(_ name: String, _ value: Float) -> [UInt8] {
            var w = ProtobufWriter()
            w.string(1, name)
            w.float(2, value)
            w.int(20, 1)
            return w.bytes
        }
        let (alpha, beta) = (Float(0.1), Float(0.3))
        let b: [Double] = [0.1, 3, -0.7, 1e-3], c: [Double] = [0.7, -0.3]
        let model = ONNXModelBuilder.model(
            nodes: [ONNXModelBuilder.node("Gemm", inputs: ["x", "B", "C"], outputs: ["y"], name: "scaled",
                                          attributes: [ONNXModelBuilder.intAttribute("transB", 1),
                                                       floatAttribute("alpha", alpha), floatAttribute("beta", beta)])],
            initializers: [ONNXModelBuilder.doubleTensor("B", dims: [2, 2], values: b),
                           ONNXModelBuilder.doubleTensor("C", dims: [2], values: c)])
        let network = try ONNXLoader.load(bytes: model, fileName: "gemm.onnx")
        XCTAssertTrue(network.roundedConstants.isEmpty)
        XCTAssertFalse(network.hasEnclosedScale)
        let a = OracleDyadic(Double(alpha)), bt = OracleDyadic(Double(beta))
        for x in [[1.0, 2.0], [-3, 0.5], [0.1, -7]] {
            let want = (0..<2).map { i in
                a * (OracleDyadic(b[2 * i]) * OracleDyadic(x[0]) + OracleDyadic(b[2 * i + 1]) * OracleDyadic(x[1])) + bt * OracleDyadic(c[i])
            }
            XCTAssertEqual(network.exactEvaluate(x), want, "x = \(x), layers \(network.layers)")
        }
    }
}
