@testable import Network

/// Builds small ONNX models byte by byte (field numbers from `onnx.proto`), for tests that
/// need shapes `onnx.helper` will not write: unpacked repeated fields, wrong wire types.
enum ONNXModelBuilder {
    /// `ModelProto { ir_version, opset_import { version }, graph { node, name, initializer, input, output } }`.
    static func model(
        nodes: [[UInt8]], initializers: [[UInt8]] = [], inputDims: [Int64] = [1, 2],
        input: String = "x", output: String = "y", opset: Int64 = 13
    ) -> [UInt8] {
        var w = ProtobufWriter()
        w.int(1, 8)
        w.message(8) { $0.int(2, opset) }
        w.message(7) { graph in
            for node in nodes { graph.bytes(1, node) }
            graph.string(2, "test")
            for tensor in initializers { graph.bytes(5, tensor) }
            graph.bytes(11, ProtobufWriter.valueInfo(input, dims: inputDims))
            graph.message(12) { $0.string(1, output) }
        }
        return w.bytes
    }

    /// `NodeProto { input, output, name, op_type, attribute }`.
    static func node(
        _ op: String, inputs: [String], outputs: [String], name: String, attributes: [[UInt8]] = []
    ) -> [UInt8] {
        var w = ProtobufWriter()
        for input in inputs { w.string(1, input) }
        for output in outputs { w.string(2, output) }
        w.string(3, name)
        w.string(4, op)
        for attribute in attributes { w.bytes(5, attribute) }
        return w.bytes
    }

    /// `AttributeProto { name, i, type = INT }`.
    static func intAttribute(_ name: String, _ value: Int64) -> [UInt8] {
        var w = ProtobufWriter()
        w.string(1, name)
        w.int(3, value)
        w.int(20, 2)
        return w.bytes
    }

    /// `AttributeProto { name, ints (unpacked), type = INTS }`.
    static func intsAttribute(_ name: String, _ values: [Int64]) -> [UInt8] {
        var w = ProtobufWriter()
        w.string(1, name)
        for value in values { w.int(8, value) }
        w.int(20, 7)
        return w.bytes
    }

    /// A FLOAT `TensorProto`; `packed: false` writes one field per dim and per value.
    static func floatTensor(_ name: String, dims: [Int64], values: [Float], packed: Bool) -> [UInt8] {
        var w = ProtobufWriter()
        if packed {
            var dimBytes = ProtobufWriter()
            for dim in dims { dimBytes.varint(UInt64(bitPattern: dim)) }
            w.bytes(1, dimBytes.bytes)
        } else {
            for dim in dims { w.int(1, dim) }
        }
        w.int(2, 1)
        if packed {
            var data: [UInt8] = []
            for value in values {
                for shift in stride(from: 0, to: 32, by: 8) { data.append(UInt8(truncatingIfNeeded: value.bitPattern >> shift)) }
            }
            w.bytes(4, data)
        } else {
            for value in values { w.float(4, value) }
        }
        w.string(8, name)
        return w.bytes
    }

    /// A DOUBLE `TensorProto` with unpacked `double_data`.
    static func doubleTensor(_ name: String, dims: [Int64], values: [Double]) -> [UInt8] {
        var w = ProtobufWriter()
        for dim in dims { w.int(1, dim) }
        w.int(2, 11)
        for value in values { w.double(10, value) }
        w.string(8, name)
        return w.bytes
    }

    /// `y = Gemm(x, W, b)` with `x: [1, 2]`, `W: [3, 2]` (transB = 1), `b: [3]`.
    static func gemm(packed: Bool, attributes: [[UInt8]] = [intAttribute("transB", 1)]) -> [UInt8] {
        model(
            nodes: [node("Gemm", inputs: ["x", "W", "b"], outputs: ["y"], name: "gemm", attributes: attributes)],
            initializers: [
                floatTensor("W", dims: [3, 2], values: [1, 2, 3, 4, 5, 6], packed: packed),
                floatTensor("b", dims: [3], values: [0.5, -0.5, 1], packed: packed),
            ])
    }
}
