/// The subset of the ONNX protobuf schema (`onnx/onnx.proto`) the loader reads, as plain
/// values. Fields not listed here are skipped when decoding. Field numbers are in
/// `ONNXProto+Decoding.swift`.

/// `ModelProto`: the file's root message.
struct ONNXModelProto {
    var irVersion: Int64 = 0
    /// `opset_import`: (domain, version); the default domain is `""` (or `"ai.onnx"`).
    var opsetImports: [(domain: String, version: Int64)] = []
    var graph: ONNXGraphProto?

    /// Version of the default operator set, or `nil` when the file declares none.
    var defaultOpsetVersion: Int64? {
        opsetImports.first { $0.domain.isEmpty || $0.domain == "ai.onnx" }?.version
    }
}

/// `GraphProto`: nodes in topological order, constant tensors, and typed inputs/outputs.
struct ONNXGraphProto {
    var name = ""
    var nodes: [ONNXNodeProto] = []
    var initializers: [ONNXTensorProto] = []
    var inputs: [ONNXValueInfoProto] = []
    var outputs: [ONNXValueInfoProto] = []
}

/// `NodeProto`: one operator application. An empty input name marks an omitted optional input.
struct ONNXNodeProto {
    var inputs: [String] = []
    var outputs: [String] = []
    var name = ""
    var opType = ""
    var domain = ""
    var attributes: [ONNXAttributeProto] = []
}

/// `TensorProto`: a constant tensor. Values are in exactly one of the typed arrays or in
/// `rawData` (little-endian, packed); see `ONNXTensorProto+Values.swift`.
struct ONNXTensorProto {
    var name = ""
    var dims: [Int64] = []
    var dataType: Int32 = 0
    var floatData: [Float] = []
    var doubleData: [Double] = []
    var int64Data: [Int64] = []
    /// `int32_data`, kept as `Int64` (the wire carries sign-extended varints).
    var int32Data: [Int64] = []
    var rawData: ArraySlice<UInt8>?
    /// `data_location == EXTERNAL`: values live in another file, which we do not read.
    var isExternal = false
}

/// `AttributeProto`: a named operator parameter; `type` says which value field is meant.
struct ONNXAttributeProto {
    var name = ""
    var type: Int32 = 0
    var f: Float?
    var i: Int64?
    var s: ArraySlice<UInt8>?
    var t: ONNXTensorProto?
    var floats: [Float] = []
    var ints: [Int64] = []
}

/// `ValueInfoProto`: a graph input or output with its tensor shape, when given.
struct ONNXValueInfoProto {
    enum Dimension: Equatable {
        case value(Int64)
        case symbol(String)
        case unknown
    }

    var name = ""
    /// `type.tensor_type.shape.dim`, or `nil` when the file gives no shape.
    var dims: [Dimension]?
}
