import Foundation
import XCTest
@testable import Network

/// Real `torch.onnx.export` files (Tests/Fixtures/onnx/export_torch_fixtures.py) and the
/// folding of shape computations (``ONNXShapeProgram``).
final class ONNXShapeFoldingTests: XCTestCase {
    static let torchFixtures = [
        "torch_mlp_opset13", "torch_mlp_view_dynamic_opset13", "torch_cnn_view_dynamic_opset17",
        "torch_cnn_flatten_opset18", "torch_cnn_dynamo_opset18",
    ]

    func testEveryTorchExportMatchesOnnxRuntime() throws {
        for name in Self.torchFixtures {
            let network = try ONNXFixtureTests.assertMatchesOnnxRuntime(name)
            XCTAssertEqual(network.inputShape, [1, 8, 8], name)
            XCTAssertEqual(network.outputShape, [10], name)
        }
    }

    /// The same weights exported with `x.view(x.size(0), -1)` and a dynamic batch (the
    /// Shape -> Gather -> Unsqueeze -> Concat -> Reshape subgraph) and with `torch.flatten`
    /// and a static batch load to the same network.
    func testViewWithDynamicBatchLoadsLikeFlatten() throws {
        let view = try ONNXLoader.load(contentsOf: ONNXTestSupport.fixture("torch_cnn_view_dynamic_opset17.onnx"))
        let flatten = try ONNXLoader.load(contentsOf: ONNXTestSupport.fixture("torch_cnn_flatten_opset18.onnx"))
        XCTAssertEqual(view.layers, flatten.layers)
    }

    // MARK: Hand-built shape computations

    static func int64Tensor(_ name: String, dims: [Int64], values: [Int64]) -> [UInt8] {
        var w = ProtobufWriter()
        for dim in dims { w.int(1, dim) }
        w.int(2, 7)
        for value in values { w.int(7, value) }
        w.string(8, name)
        return w.bytes
    }

    /// `y = Gemm(Reshape(x, target), W)` for `x: [1, 2, 3]`, `W: [2, 6]`, where `target` is
    /// either the constant `[1, 6]` or computed from `Shape(x) = [1, 2, 3]` as
    /// `Concat(Slice(s, 0, 1), Gather(s, [-1]) * Unsqueeze(Squeeze(Gather(s, [1]))) / 1)`
    /// `= Concat([1], [3 * 2 / 1]) = [1, 6]`.
    static func reshapeModel(computed: Bool) -> [UInt8] {
        typealias B = ONNXModelBuilder
        var nodes: [[UInt8]] = []
        var initializers = [
            B.floatTensor("W", dims: [2, 6], values: (0..<12).map { Float($0) / 4 - 1 }, packed: true),
            int64Tensor("zero", dims: [1], values: [0]), int64Tensor("one", dims: [1], values: [1]),
            int64Tensor("last", dims: [1], values: [-1]), int64Tensor("second", dims: [1], values: [1]),
            int64Tensor("axes0", dims: [1], values: [0]), int64Tensor("unit", dims: [], values: [1]),
        ]
        if computed {
            nodes += [
                B.node("Shape", inputs: ["x"], outputs: ["s"], name: "shape"),
                B.node("Slice", inputs: ["s", "zero", "one"], outputs: ["batch"], name: "slice"),
                B.node("Gather", inputs: ["s", "last"], outputs: ["n"], name: "gather_last"),
                B.node("Gather", inputs: ["s", "second"], outputs: ["m1"], name: "gather_second"),
                B.node("Squeeze", inputs: ["m1", "axes0"], outputs: ["m"], name: "squeeze"),
                B.node("Unsqueeze", inputs: ["m", "axes0"], outputs: ["m2"], name: "unsqueeze"),
                B.node("Mul", inputs: ["n", "m2"], outputs: ["p"], name: "mul"),
                B.node("Div", inputs: ["p", "unit"], outputs: ["q"], name: "div"),
                B.node("Concat", inputs: ["batch", "q"], outputs: ["target"], name: "concat",
                       attributes: [B.intAttribute("axis", 0)]),
            ]
        } else {
            initializers.append(int64Tensor("target", dims: [2], values: [1, 6]))
        }
        nodes += [
            B.node("Reshape", inputs: ["x", "target"], outputs: ["flat"], name: "reshape"),
            B.node("Gemm", inputs: ["flat", "W"], outputs: ["y"], name: "gemm", attributes: [B.intAttribute("transB", 1)]),
        ]
        return B.model(nodes: nodes, initializers: initializers, inputDims: [1, 2, 3])
    }

    func testComputedReshapeTargetEqualsTheConstantOne() throws {
        let computed = try ONNXLoader.load(bytes: Self.reshapeModel(computed: true), fileName: "computed.onnx")
        let constant = try ONNXLoader.load(bytes: Self.reshapeModel(computed: false), fileName: "constant.onnx")
        XCTAssertEqual(computed.layers, constant.layers)
        XCTAssertEqual(computed.inputSize, 6)
        XCTAssertEqual(computed.outputSize, 2)
    }

    func testOperatorsOnShapeVectors() throws {
        func evaluate(_ op: String, _ inputs: [ONNXShapeProgram.Value?], attributes: [ONNXAttributeProto] = [],
                      shapes: [String: [Int]] = [:]) throws -> ONNXShapeProgram.Value {
            var node = ONNXNodeProto()
            node.opType = op
            node.name = op.lowercased()
            node.inputs = op == "Shape" ? ["x"] : inputs.indices.map { "in\($0)" }
            node.outputs = ["out"]
            node.attributes = attributes
            return try ONNXShapeOperator(step: ONNXChain.Step(node: node, index: 0), file: "t.onnx").apply(inputs, shapes: shapes)
        }
        func vector(_ values: [Int]) -> ONNXShapeProgram.Value { .init(shape: [values.count], values: values) }
        func attribute(_ name: String, _ value: Int64) -> ONNXAttributeProto {
            var a = ONNXAttributeProto(); a.name = name; a.i = value; return a
        }
        // Shape with start/end (opset 15): [start, end) with negative indices wrapped.
        XCTAssertEqual(try evaluate("Shape", [nil], attributes: [attribute("start", 1), attribute("end", -1)],
                                    shapes: ["x": [1, 4, 5, 6]]), vector([4, 5]))
        // Slice with a negative step walks backwards: [6, 5, 4, 1][0..<4 step -1 from -1].
        XCTAssertEqual(try evaluate("Slice", [vector([1, 4, 5, 6]), vector([-1]), vector([-10]), vector([0]), vector([-2])]),
                       vector([6, 4]))
        // Integer division truncates toward zero; a single value broadcasts.
        XCTAssertEqual(try evaluate("Div", [vector([7, -7, 6]), vector([2])]), vector([3, -3, 3]))
        XCTAssertEqual(try evaluate("ReduceProd", [vector([2, 3, 4])], attributes: [attribute("keepdims", 0)]),
                       .init(shape: [], values: [24]))
        XCTAssertThrowsError(try evaluate("Div", [vector([1]), vector([0])])) { XCTAssertTrue("\($0)".contains("divides by zero"), "\($0)") }
        XCTAssertThrowsError(try evaluate("Gather", [vector([1, 2]), vector([2])])) { XCTAssertTrue("\($0)".contains("outside"), "\($0)") }
        XCTAssertThrowsError(try evaluate("Concat", [.init(shape: [1, 2], values: [1, 2]), vector([3])])) {
            XCTAssertTrue("\($0)".contains("onnx-simplifier"), "\($0)")
        }
    }

    /// A shape computation the loader cannot fold is an error that names the operator and
    /// the fix, not "the graph branches".
    func testAnUnfoldableShapeComputationNamesItsOperatorAndTheFix() throws {
        typealias B = ONNXModelBuilder
        let model = B.model(nodes: [
            B.node("Shape", inputs: ["x"], outputs: ["s"], name: "shape"),
            B.node("ConstantOfShape", inputs: ["s"], outputs: ["zeros"], name: "fill"),
            B.node("Add", inputs: ["x", "zeros"], outputs: ["y"], name: "add"),
        ], inputDims: [1, 2])
        XCTAssertThrowsError(try ONNXLoader.load(bytes: model, fileName: "m.onnx")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("'fill' (ConstantOfShape)"), text)
            XCTAssertTrue(text.contains("onnxsim"), text)
            XCTAssertFalse(text.contains("the graph branches"), text)
        }
    }
}
