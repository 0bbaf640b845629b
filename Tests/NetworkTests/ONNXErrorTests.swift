import Foundation
import XCTest
@testable import Network

/// Invalid files give a ``NetworkError`` whose one-line message names the file, the place,
/// the problem and the fix.
final class ONNXErrorTests: XCTestCase {
    private func message(loading bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) -> String {
        ONNXTestSupport.errorDescription(file: file, line: line) {
            _ = try ONNXLoader.load(bytes: bytes, fileName: "model.onnx")
        }
    }

    private func message(loadingFixture name: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        ONNXTestSupport.errorDescription(file: file, line: line) {
            _ = try ONNXLoader.load(contentsOf: ONNXTestSupport.fixture(name))
        }
    }

    private func assertContains(_ text: String, _ parts: [String], file: StaticString = #filePath, line: UInt = #line) {
        for part in parts {
            XCTAssertTrue(text.contains(part), "'\(text)' should contain '\(part)'", file: file, line: line)
        }
    }

    func testMissingFileIsUnreadable() {
        let text = ONNXTestSupport.errorDescription { _ = try ONNXLoader.load(contentsOf: "/nonexistent/net.onnx") }
        assertContains(text, ["/nonexistent/net.onnx", "cannot read", "no such file"])
    }

    func testTruncatedFileNamesTheByteAndSaysReexport() throws {
        let bytes = try ONNXTestSupport.bytes(ofFixture: "mlp_gemm.onnx")
        let text = message(loading: Array(bytes.prefix(bytes.count / 2)))
        assertContains(text, ["model.onnx: byte ", "declares", "bytes but only", "remain", "re-export"])
    }

    func testEveryTruncationOfAFixtureIsRejectedCleanly() throws {
        let bytes = try ONNXTestSupport.bytes(ofFixture: "mlp_matmul_clip.onnx")
        for length in 0..<bytes.count {
            do {
                _ = try ONNXLoader.load(bytes: Array(bytes.prefix(length)), fileName: "cut.onnx")
                // A cut exactly between top-level fields may still parse; then the graph is gone.
            } catch let error as NetworkError {
                XCTAssertTrue(error.description.hasPrefix("cut.onnx: "), error.description)
            }
        }
    }

    func testRandomBytesAreRejected() {
        var generator = ONNXSeededGenerator(seed: 42)
        for _ in 0..<50 {
            let bytes = (0..<512).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let text = message(loading: bytes)
            XCTAssertTrue(text.hasPrefix("model.onnx: "), text)
        }
    }

    func testEmptyFileIsNotAModel() {
        assertContains(message(loading: []), ["model.onnx: model: has no ir_version", "not an ONNX model"])
    }

    func testWrongWireTypeNamesTheField() {
        // ir_version = 8, then graph (field 7) as a varint instead of a message.
        assertContains(message(loading: [0x08, 0x08, 0x38, 0x01]),
                       ["model.onnx: byte 2", "ModelProto.graph (field 7) has wire type 0 (varint), expected 2 (length-delimited)"])
        // A node whose op_type (field 4) is a 32-bit value.
        var node = ProtobufWriter()
        node.string(1, "x")
        node.float(4, 1)
        let model = ONNXModelBuilder.model(nodes: [node.bytes])
        assertContains(message(loading: model), ["NodeProto.op_type (field 4) has wire type 5 (32-bit)"])
    }

    func testOverlongVarintAndLengthPastTheEndAreRejected() {
        assertContains(message(loading: [0x08] + [UInt8](repeating: 0xff, count: 10) + [0x01]),
                       ["byte 1", "varint is longer than 10 bytes"])
        assertContains(message(loading: [0x3a, 0x05, 0x00]), ["byte 0", "declares 5 bytes but only 1 remain"])
        assertContains(message(loading: [0x08, 0x80]), ["varint is truncated"])
        assertContains(message(loading: [0x0b]), ["unknown wire type 3"])
    }

    func testTensorLengthDisagreeingWithDimsNamesTheTensor() {
        assertContains(message(loadingFixture: "bad_length.onnx"),
                       ["bad_length.onnx", "tensor 'fc.weight'", "holds 15 values but its dims [4, 4] need 16", "re-export"])
    }

    func testNaNWeightNamesTheTensorAndNode() {
        assertContains(message(loadingFixture: "bad_nan_weight.onnx"),
                       ["bad_nan_weight.onnx", "tensor 'fc.weight'", "node '/fc/Gemm' (Gemm)", "nan at index 9", "must be finite"])
    }

    func testUnsupportedOperatorNamesOpNodeAndSupportedList() {
        assertContains(message(loadingFixture: "bad_unsupported.onnx"),
                       ["bad_unsupported.onnx: node '/softmax/Softmax': operator Softmax is not supported",
                        "supported: Gemm, MatMul", "BatchNormalization"])
    }

    func testBranchingGraphNamesTheNodesAndWhatIsSupported() {
        assertContains(message(loadingFixture: "bad_branch.onnx"),
                       ["bad_branch.onnx: tensor 'input'", "feeds 2 nodes", "'/fc/Gemm' (Gemm)", "'/Add' (Add)",
                        "the graph branches", "supported: a single chain", "skip connections"])
    }

    func testTwoDataInputsAreRejected() {
        assertContains(message(loadingFixture: "bad_two_inputs.onnx"),
                       ["graph inputs: 2 data inputs 'x', 'y'", "supported: a single chain"])
    }

    func testGemmWithTransposedDataIsUnsupported() {
        let model = ONNXModelBuilder.gemm(packed: true, attributes: [
            ONNXModelBuilder.intAttribute("transA", 1), ONNXModelBuilder.intAttribute("transB", 1),
        ])
        assertContains(message(loading: model),
                       ["node 'gemm': operator Gemm (transA=1) is not supported", "supported: Gemm with transA=0"])
    }

    func testTransposeThatMovesDataIsUnsupported() {
        let model = ONNXModelBuilder.model(
            nodes: [ONNXModelBuilder.node("Transpose", inputs: ["x"], outputs: ["y"], name: "swap",
                                          attributes: [ONNXModelBuilder.intsAttribute("perm", [0, 2, 1])])],
            inputDims: [1, 2, 3])
        assertContains(message(loading: model),
                       ["node 'swap': operator Transpose (perm [0, 2, 1] on shape [1, 2, 3] reorders the data)",
                        "supported: Transpose only when it moves dimensions of size 1"])
    }

    func testDivisionOfAConstantByTheDataIsUnsupported() {
        let model = ONNXModelBuilder.model(
            nodes: [ONNXModelBuilder.node("Div", inputs: ["c", "x"], outputs: ["y"], name: "reciprocal")],
            initializers: [ONNXModelBuilder.floatTensor("c", dims: [], values: [1], packed: true)])
        assertContains(message(loading: model), ["node 'reciprocal': operator Div (constant / data)"])
    }

    func testChainThatMissesTheOutputIsRejected() {
        let model = ONNXModelBuilder.model(
            nodes: [ONNXModelBuilder.node("Relu", inputs: ["x"], outputs: ["h"], name: "relu")])
        assertContains(message(loading: model),
                       ["tensor 'h': ends the chain from input 'x' but the graph output is 'y'"])
    }

    func testSecondDataOperandFromElsewhereIsRejected() {
        let model = ONNXModelBuilder.model(
            nodes: [ONNXModelBuilder.node("Add", inputs: ["x", "z"], outputs: ["y"], name: "add")])
        assertContains(message(loading: model),
                       ["node 'add' (Add): input 'z' is neither a constant nor the previous node's output 'x'"])
    }
}
