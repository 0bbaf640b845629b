import Foundation
import XCTest
@testable import Network

/// The loader against onnxruntime (fixtures made by `Tests/Fixtures/onnx/make_fixtures.py`)
/// and against the VNN-COMP networks.
final class ONNXFixtureTests: XCTestCase {
    /// Agreement criterion: `|ours - ort| <= rtol * max(|ort|, 1)`, i.e. relative error
    /// `rtol` for outputs of magnitude >= 1 and absolute error `rtol` below. onnxruntime
    /// evaluates float32 models in float32 (unit roundoff 6e-8, accumulated over sums of up to
    /// 128 terms here), we evaluate in Double, so 1e-5 leaves a wide margin for float32
    /// rounding while any lowering mistake (a wrong index, sign or constant) shows up as an
    /// O(0.01 .. 1) error. Float64 models must agree to 1e-10.
    static func assertMatchesOnnxRuntime(
        _ name: String, tolerance: Double = 1e-5, file: StaticString = #filePath, line: UInt = #line
    ) throws -> NeuralNetwork {
        let expected = try ONNXFixtureExpectation.load(name)
        let network = try ONNXLoader.load(contentsOf: ONNXTestSupport.fixture(expected.model))
        XCTAssertEqual(network.inputSize, expected.inputShape.reduce(1, *), "input size", file: file, line: line)
        XCTAssertEqual(network.outputSize, expected.outputShape.reduce(1, *), "output size", file: file, line: line)
        XCTAssertEqual(expected.inputs.count, expected.outputs.count)
        for (input, reference) in zip(expected.inputs, expected.outputs) {
            let output = network.evaluate(input)
            XCTAssertEqual(output.count, reference.count, file: file, line: line)
            for (ours, theirs) in zip(output, reference) {
                XCTAssertLessThanOrEqual(
                    abs(ours - theirs), tolerance * max(abs(theirs), 1),
                    "\(name): ours \(ours) vs onnxruntime \(theirs)", file: file, line: line)
            }
        }
        return network
    }

    func testGemmMlpWithSymbolicBatchMatchesOnnxRuntime() throws {
        let network = try Self.assertMatchesOnnxRuntime("mlp_gemm")
        XCTAssertEqual(network.inputShape, [6])
        XCTAssertEqual(network.outputShape, [4])
        // BatchNorm1d's scale/sqrt(var + eps) has no exact Double: an enclosed scale (recorded),
        // followed by the batch norm's bias as an element-wise layer.
        XCTAssertEqual(network.layers.map(\.kindName), ["affine", "enclosed_scale", "affine", "relu", "affine", "relu", "affine"])
        XCTAssertEqual(network.roundedConstants.map(\.origin), [.onnxBatchNormalization(node: "/bn/BatchNormalization")])
        XCTAssertEqual(network.roundedConstants.map(\.layerIndex), [1])
    }

    func testMatMulAddLeakyReluClipMlpMatchesOnnxRuntime() throws {
        let network = try Self.assertMatchesOnnxRuntime("mlp_matmul_clip")
        XCTAssertEqual(network.inputShape, [1, 8])
        XCTAssertEqual(network.outputShape, [1, 3])
        // MatMul and Add merge into one affine layer; the two Clips stay apart.
        XCTAssertEqual(network.layers.map(\.kindName).filter { $0 == "affine" }.count, 3)
        XCTAssertEqual(network.layers.count, 6)
        XCTAssertEqual(network.layers[1], .leakyRelu(alpha: Double(Float(0.1))))
        XCTAssertEqual(network.layers[3], .clip(lower: Double(Float(-0.25)), upper: Double(Float(0.3))))
        XCTAssertEqual(network.layers[4], .clip(lower: -.infinity, upper: Double(Float(0.2))))
    }

    func testSmallCnnWithBatchNormMatchesOnnxRuntime() throws {
        let network = try Self.assertMatchesOnnxRuntime("small_cnn")
        XCTAssertEqual(network.inputShape, [1, 8, 8])
        XCTAssertEqual(network.outputShape, [10])
        // conv1 (4x4x4 = 64 outputs), conv2 (128) with the batch norm's mean folded into its
        // bias, the batch norm's scale as an enclosed scale (recorded), its bias, the final Gemm.
        XCTAssertEqual(network.layers.map(\.kindName), ["affine", "relu", "affine", "enclosed_scale", "affine", "relu", "affine"])
        XCTAssertEqual(network.layerOutputSizes, [64, 64, 128, 128, 128, 128, 10])
        XCTAssertEqual(network.roundedConstants.map(\.layerIndex), [3])
        XCTAssertEqual(network.piecewiseUnitCount, 64 + 128)
    }

    func testConvWithAsymmetricPadsStridesAndKernelMatchesOnnxRuntime() throws {
        let network = try Self.assertMatchesOnnxRuntime("conv_asymmetric")
        XCTAssertEqual(network.inputShape, [2, 5, 7])
        XCTAssertEqual(network.outputShape, [72])
        // The per-channel Add folds into the convolution's bias.
        XCTAssertEqual(network.layers.map(\.kindName), ["affine", "relu"])
    }

    func testNormalisationInFrontAndTanhSigmoidMatchOnnxRuntime() throws {
        let network = try Self.assertMatchesOnnxRuntime("normalized_tanh_sigmoid")
        XCTAssertEqual(network.inputShape, [3, 2, 2])
        // Sub and Div by per-channel float32 constants: 1/c has no exact Double, so the Div is
        // an enclosed scale with the exact divisors (recorded); neither folds into the Gemm.
        XCTAssertEqual(network.layers.map(\.kindName), ["affine", "enclosed_scale(1/c)", "affine", "tanh", "affine", "sigmoid"])
        XCTAssertEqual(network.roundedConstants.map(\.origin), [.onnxDivision(node: "/Div")])
        XCTAssertFalse(network.isPiecewiseLinear)
    }

    func testDoublePrecisionModelMatchesOnnxRuntimeToDoubleAccuracy() throws {
        let network = try Self.assertMatchesOnnxRuntime("mlp_double", tolerance: 1e-10)
        // `c - x` before the first Gemm and `Mul` by a scalar after the last one do not fold
        // exactly into float64 weights, so they stay element-wise layers.
        XCTAssertEqual(network.layers.map(\.kindName), ["affine", "affine", "relu", "affine", "affine"])
        XCTAssertTrue(network.roundedConstants.isEmpty)
    }

    func testIdentityTransposeLeftMatMulAndClipAttributesMatchOnnxRuntime() throws {
        let network = try Self.assertMatchesOnnxRuntime("misc_ops")
        XCTAssertEqual(network.layers.map(\.kindName), ["affine", "clip[-0.5, 0.75]", "affine"])
    }

    func testLoadingFromBytesEqualsLoadingFromPath() throws {
        let fromPath = try ONNXLoader.load(contentsOf: ONNXTestSupport.fixture("small_cnn.onnx"))
        let fromBytes = try ONNXLoader.load(bytes: ONNXTestSupport.bytes(ofFixture: "small_cnn.onnx"), fileName: "x.onnx")
        XCTAssertEqual(fromPath, fromBytes)
    }

    /// The 45 ACAS Xu networks: 5 inputs, 6 x 50 ReLUs, 5 outputs. The input normalisation
    /// (`Sub` of `input_AvgImg`) folds into the first layer, so there are 7 affine layers.
    func testAllAcasXuNetworksLoad() throws {
        let files = try ONNXTestSupport.onnxFiles(in: ONNXTestSupport.vnncomp.appendingPathComponent("acasxu"))
        XCTAssertEqual(files.count, 45)
        for url in files {
            let network = try ONNXLoader.load(contentsOf: url.path)
            XCTAssertEqual(network.inputSize, 5, url.lastPathComponent)
            XCTAssertEqual(network.outputSize, 5, url.lastPathComponent)
            XCTAssertEqual(network.piecewiseUnitCount, 300, url.lastPathComponent)
            XCTAssertEqual(network.layers.filter { $0 == .relu }.count, 6, url.lastPathComponent)
            XCTAssertEqual(network.layers.count, 13, url.lastPathComponent)
            XCTAssertEqual(network.inputShape, [1, 1, 5], url.lastPathComponent)
        }
    }

    func testVnncompTestNetworksLoad() throws {
        let files = try ONNXTestSupport.onnxFiles(in: ONNXTestSupport.vnncomp.appendingPathComponent("vnncomp-test"))
        XCTAssertEqual(files.map(\.lastPathComponent),
                       ["test_nano.onnx", "test_sat.onnx", "test_small.onnx", "test_tiny.onnx", "test_unsat.onnx"])
        for url in files {
            let network = try ONNXLoader.load(contentsOf: url.path)
            XCTAssertGreaterThan(network.layers.count, 0, url.lastPathComponent)
        }
    }

    /// `test_nano`: `y = relu(w x)` with one weight (1-D input `[1]` keeps its shape);
    /// `test_small` writes `y = W x` with the constant as the left MatMul operand.
    func testVnncompTinyNetworksComputeWhatTheirWeightsSay() throws {
        let nano = try ONNXLoader.load(contentsOf: ONNXTestSupport.vnncomp.appendingPathComponent("vnncomp-test/test_nano.onnx").path)
        XCTAssertEqual(nano.inputShape, [1])
        XCTAssertEqual(nano.outputSize, 1)
        guard case .affine(let layer) = nano.layers.first else { return XCTFail("expected an affine layer") }
        let w = layer.weights[0]
        XCTAssertEqual(nano.evaluate([2]), [max(0, 2 * w + layer.bias[0])])
        let small = try ONNXLoader.load(contentsOf: ONNXTestSupport.vnncomp.appendingPathComponent("vnncomp-test/test_small.onnx").path)
        XCTAssertEqual(small.layerOutputSizes, [2, 2, 2, 2, 1])
    }

    /// ACAS Xu 1-1 and 5-9 and the VNN-COMP test networks against onnxruntime at seeded
    /// inputs (`vnncomp_reference.json`, written by `make_fixtures.py`).
    func testVnncompNetworksMatchOnnxRuntime() throws {
        struct Entry: Decodable {
            let model: String
            let inputs: [[Double]]
            let outputs: [[Double]]
        }
        let data = try Data(contentsOf: ONNXTestSupport.onnxFixtures.appendingPathComponent("vnncomp_reference.json"))
        let entries = try JSONDecoder().decode([Entry].self, from: data)
        XCTAssertEqual(entries.count, 5)
        for entry in entries {
            let network = try ONNXLoader.load(contentsOf: ONNXTestSupport.vnncomp.appendingPathComponent(entry.model).path)
            for (input, reference) in zip(entry.inputs, entry.outputs) {
                let output = network.evaluate(input)
                XCTAssertEqual(output.count, reference.count, entry.model)
                for (ours, theirs) in zip(output, reference) {
                    XCTAssertLessThanOrEqual(abs(ours - theirs), 1e-5 * max(abs(theirs), 1), entry.model)
                }
            }
        }
    }
}
