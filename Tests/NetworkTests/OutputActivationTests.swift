import Foundation
@testable import Network
import XCTest

/// ``OutputActivation``: one generator file, loaded with its tanh or its hard-tanh output.
final class OutputActivationTests: XCTestCase {
    private typealias B = ONNXModelBuilder

    private static let gemm = B.node("Gemm", inputs: ["x", "W", "b"], outputs: ["h"], name: "fc",
                                     attributes: [B.intAttribute("transB", 1)])
    private static let weights = [
        B.floatTensor("W", dims: [3, 2], values: [1.5, -2, 0.25, 3, -1, 0.75], packed: true),
        B.floatTensor("b", dims: [3], values: [0.5, -0.25, 0.125], packed: true),
        B.floatTensor("half", dims: [], values: [0.5], packed: true),
    ]

    /// `0.5·tanh(h) + 0.5` as `torch.onnx.export` writes it: Tanh, Mul, Add.
    private static func tanhExport() -> [UInt8] {
        B.model(nodes: [gemm,
                        B.node("Tanh", inputs: ["h"], outputs: ["t"], name: "tanh"),
                        B.node("Mul", inputs: ["t", "half"], outputs: ["s"], name: "scale"),
                        B.node("Add", inputs: ["s", "half"], outputs: ["y"], name: "shift")],
                initializers: weights)
    }

    /// `clip(0.5·h + 0.5, lower, upper)`: Mul, Add (constant first), Clip with constant bounds.
    private static func clipExport(lower: Float = 0, upper: Float = 1) -> [UInt8] {
        B.model(nodes: [gemm,
                        B.node("Mul", inputs: ["h", "half"], outputs: ["s"], name: "scale"),
                        B.node("Add", inputs: ["half", "s"], outputs: ["a"], name: "shift"),
                        B.node("Clip", inputs: ["a", "lo", "hi"], outputs: ["y"], name: "clamp")],
                initializers: weights + [B.floatTensor("lo", dims: [], values: [lower], packed: true),
                                         B.floatTensor("hi", dims: [], values: [upper], packed: true)])
    }

    private static func load(_ bytes: [UInt8], _ activation: OutputActivation, name: String = "g.onnx") throws -> NeuralNetwork {
        try ONNXLoader.load(bytes: bytes, fileName: name, outputActivation: activation)
    }

    /// Inputs inside and far outside the unsaturated range of every unit.
    private static let inputs: [[Double]] = [[0, 0], [0.3, -0.2], [-0.7, 0.4], [4, -3], [-5, 6], [0.25, 0.125], [100, 100]]

    private static func assertClose(_ actual: [Double], _ expected: [Double], _ message: String,
                                    file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, expected.count, message, file: file, line: line)
        for (a, e) in zip(actual, expected) { XCTAssertEqual(a, e, accuracy: 1e-12, message, file: file, line: line) }
    }

    func testTanhOfTheClipFileIsTheNetworkOfTheTanhFile() throws {
        let rewritten = try Self.load(Self.clipExport(), .tanh)
        XCTAssertEqual(rewritten, try Self.load(Self.tanhExport(), .file))
        XCTAssertEqual(rewritten.layers.map(\.kindName), ["affine", "tanh", "affine"])
        for x in Self.inputs {
            let h = [1.5 * x[0] - 2 * x[1] + 0.5, 0.25 * x[0] + 3 * x[1] - 0.25, -x[0] + 0.75 * x[1] + 0.125]
            Self.assertClose(rewritten.evaluate(x), h.map { 0.5 * Foundation.tanh($0) + 0.5 }, "at \(x)")
        }
    }

    func testHardTanhOfTheTanhFileComputesTheClipFile() throws {
        let rewritten = try Self.load(Self.tanhExport(), .hardTanh)
        let clip = try Self.load(Self.clipExport(), .file)
        XCTAssertTrue(rewritten.isPiecewiseLinear)
        XCTAssertFalse(try Self.load(Self.tanhExport(), .file).isPiecewiseLinear)
        for x in Self.inputs {
            // The exact (dyadic) values: c·clip(h, -1, 1) + d and clip(c·h + d, d - c, d + c) agree.
            let exact = try XCTUnwrap(rewritten.evaluateExactly(x))
            XCTAssertEqual(exact, try XCTUnwrap(clip.evaluateExactly(x)), "at \(x)")
            XCTAssertEqual(rewritten.evaluate(x), clip.evaluate(x), "at \(x)")
        }
        XCTAssertEqual(rewritten.evaluate([100, 100]), [0, 1, 0])
    }

    func testAClipWithoutRescaleIsTheBareHardTanh() throws {
        let model = B.model(nodes: [Self.gemm, B.node("Clip", inputs: ["h", "lo", "hi"], outputs: ["y"], name: "hardtanh")],
                            initializers: Self.weights + [B.floatTensor("lo", dims: [], values: [-1], packed: true),
                                                          B.floatTensor("hi", dims: [], values: [1], packed: true)])
        let rewritten = try Self.load(model, .tanh)
        XCTAssertEqual(rewritten.layers.map(\.kindName), ["affine", "tanh"])
        Self.assertClose(rewritten.evaluate([0.3, -0.2]), [1.35, -0.775, -0.325].map { Foundation.tanh($0) }, "at [0.3, -0.2]")
    }

    func testAClipThatIsNoHardTanhIsRefused() {
        let message = ONNXTestSupport.errorDescription { _ = try Self.load(Self.clipExport(lower: 0, upper: 2), .tanh, name: "wide.onnx") }
        XCTAssertTrue(message.contains("wide.onnx"), message)
        XCTAssertTrue(message.contains("'clamp'"), message)
        XCTAssertTrue(message.contains("not to [d - |c|, d + |c|]"), message)
    }

    func testAMissingTailIsRefusedNamingTheLastNodes() {
        let relu = B.model(nodes: [Self.gemm, B.node("Relu", inputs: ["h"], outputs: ["y"], name: "relu")],
                           initializers: Self.weights)
        let noClip = ONNXTestSupport.errorDescription { _ = try Self.load(relu, .tanh, name: "relu.onnx") }
        XCTAssertTrue(noClip.contains("relu.onnx") && noClip.contains("ends in Gemm, Relu"), noClip)
        XCTAssertTrue(noClip.contains("hard tanh to replace by tanh"), noClip)

        let noTanh = ONNXTestSupport.errorDescription { _ = try Self.load(Self.clipExport(), .hardTanh) }
        XCTAssertTrue(noTanh.contains("the last activation must be Tanh"), noTanh)

        // A tanh that is not the last activation is not the output activation.
        let tanhThenRelu = B.model(nodes: [Self.gemm, B.node("Tanh", inputs: ["h"], outputs: ["t"], name: "tanh"),
                                           B.node("Relu", inputs: ["t"], outputs: ["y"], name: "relu")],
                                   initializers: Self.weights)
        let buried = ONNXTestSupport.errorDescription { _ = try Self.load(tanhThenRelu, .hardTanh) }
        XCTAssertTrue(buried.contains("ends in Gemm, Tanh, Relu"), buried)
    }

    func testOtherFormatsRefuseAnotherOutputActivation() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("output-activation-\(UUID()).nnet").path
        try "not read".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let message = ONNXTestSupport.errorDescription { _ = try NetworkFile.load(path, outputActivation: .hardTanh) }
        XCTAssertTrue(message.contains("only available for ONNX files"), message)
    }

    func testExactSumIsNilWhenTheDoubleSumRounds() {
        XCTAssertEqual(ONNXChain.exactSum(0.5, -0.5), 0)
        XCTAssertEqual(ONNXChain.exactSum(0.5, 0.5), 1)
        XCTAssertNil(ONNXChain.exactSum(1, 0x1p-60))
        XCTAssertNil(ONNXChain.exactSum(.greatestFiniteMagnitude, .greatestFiniteMagnitude))
    }
}
