/// Decoding of the ONNX messages from the protobuf wire format, with the field numbers of
/// `onnx/onnx.proto` (IR version 10). Unknown fields are skipped; a known field with the
/// wrong wire type throws ``ProtobufError`` naming it.
///
/// Nesting depth is fixed by the schema (model → graph → node → attribute → tensor; subgraph
/// attributes are not descended into), so hostile input cannot cause deep recursion.

extension ONNXModelProto {
    /// `ModelProto`: ir_version = 1, graph = 7, opset_import = 8.
    init(decoding reader: inout ProtobufReader) throws {
        while let field = try reader.next() {
            switch field.number {
            case 1: irVersion = try field.int64("ModelProto.ir_version")
            case 7:
                var sub = try field.message("ModelProto.graph")
                graph = try ONNXGraphProto(decoding: &sub)
            case 8:
                var sub = try field.message("ModelProto.opset_import")
                var domain = "", version: Int64 = 0
                // OperatorSetIdProto: domain = 1, version = 2.
                while let inner = try sub.next() {
                    switch inner.number {
                    case 1: domain = try inner.string("OperatorSetIdProto.domain")
                    case 2: version = try inner.int64("OperatorSetIdProto.version")
                    default: break
                    }
                }
                opsetImports.append((domain, version))
            default: break
            }
        }
    }
}

extension ONNXGraphProto {
    /// `GraphProto`: node = 1, name = 2, initializer = 5, input = 11, output = 12.
    init(decoding reader: inout ProtobufReader) throws {
        while let field = try reader.next() {
            switch field.number {
            case 1:
                var sub = try field.message("GraphProto.node")
                nodes.append(try ONNXNodeProto(decoding: &sub))
            case 2: name = try field.string("GraphProto.name")
            case 5:
                var sub = try field.message("GraphProto.initializer")
                initializers.append(try ONNXTensorProto(decoding: &sub))
            case 11:
                var sub = try field.message("GraphProto.input")
                inputs.append(try ONNXValueInfoProto(decoding: &sub))
            case 12:
                var sub = try field.message("GraphProto.output")
                outputs.append(try ONNXValueInfoProto(decoding: &sub))
            default: break
            }
        }
    }
}

extension ONNXNodeProto {
    /// `NodeProto`: input = 1, output = 2, name = 3, op_type = 4, attribute = 5, domain = 7.
    init(decoding reader: inout ProtobufReader) throws {
        while let field = try reader.next() {
            switch field.number {
            case 1: inputs.append(try field.string("NodeProto.input"))
            case 2: outputs.append(try field.string("NodeProto.output"))
            case 3: name = try field.string("NodeProto.name")
            case 4: opType = try field.string("NodeProto.op_type")
            case 5:
                var sub = try field.message("NodeProto.attribute")
                attributes.append(try ONNXAttributeProto(decoding: &sub))
            case 7: domain = try field.string("NodeProto.domain")
            default: break
            }
        }
    }
}

extension ONNXTensorProto {
    /// `TensorProto`: dims = 1, data_type = 2, float_data = 4, int32_data = 5,
    /// int64_data = 7, name = 8, raw_data = 9, double_data = 10, data_location = 14.
    init(decoding reader: inout ProtobufReader) throws {
        while let field = try reader.next() {
            switch field.number {
            case 1: try field.appendInt64s("TensorProto.dims", to: &dims)
            case 2: dataType = try field.int32("TensorProto.data_type")
            case 4: try field.appendFloats("TensorProto.float_data", to: &floatData)
            case 5: try field.appendInt64s("TensorProto.int32_data", to: &int32Data)
            case 7: try field.appendInt64s("TensorProto.int64_data", to: &int64Data)
            case 8: name = try field.string("TensorProto.name")
            case 9: rawData = try field.bytes("TensorProto.raw_data")
            case 10: try field.appendDoubles("TensorProto.double_data", to: &doubleData)
            case 14: isExternal = try field.int64("TensorProto.data_location") == 1
            default: break
            }
        }
    }
}

extension ONNXAttributeProto {
    /// `AttributeProto`: name = 1, f = 2, i = 3, s = 4, t = 5, floats = 7, ints = 8, type = 20.
    init(decoding reader: inout ProtobufReader) throws {
        while let field = try reader.next() {
            switch field.number {
            case 1: name = try field.string("AttributeProto.name")
            case 2: f = try field.float("AttributeProto.f")
            case 3: i = try field.int64("AttributeProto.i")
            case 4: s = try field.bytes("AttributeProto.s")
            case 5:
                var sub = try field.message("AttributeProto.t")
                t = try ONNXTensorProto(decoding: &sub)
            case 7: try field.appendFloats("AttributeProto.floats", to: &floats)
            case 8: try field.appendInt64s("AttributeProto.ints", to: &ints)
            case 20: type = try field.int32("AttributeProto.type")
            default: break
            }
        }
    }
}

extension ONNXValueInfoProto {
    /// `ValueInfoProto`: name = 1, type = 2; `TypeProto.tensor_type` = 1;
    /// `TypeProto.Tensor.shape` = 2; `TensorShapeProto.dim` = 1;
    /// `Dimension`: dim_value = 1, dim_param = 2.
    init(decoding reader: inout ProtobufReader) throws {
        while let field = try reader.next() {
            switch field.number {
            case 1: name = try field.string("ValueInfoProto.name")
            case 2:
                var type = try field.message("ValueInfoProto.type")
                while let typeField = try type.next() {
                    guard typeField.number == 1 else { continue }
                    var tensor = try typeField.message("TypeProto.tensor_type")
                    while let tensorField = try tensor.next() {
                        guard tensorField.number == 2 else { continue }
                        var shape = try tensorField.message("TypeProto.Tensor.shape")
                        dims = try Self.decodeDims(&shape)
                    }
                }
            default: break
            }
        }
    }

    private static func decodeDims(_ shape: inout ProtobufReader) throws -> [Dimension] {
        var dims: [Dimension] = []
        while let field = try shape.next() {
            guard field.number == 1 else { continue }
            var dim = try field.message("TensorShapeProto.dim")
            var value = Dimension.unknown
            while let dimField = try dim.next() {
                switch dimField.number {
                case 1: value = .value(try dimField.int64("TensorShapeProto.Dimension.dim_value"))
                case 2: value = .symbol(try dimField.string("TensorShapeProto.Dimension.dim_param"))
                default: break
                }
            }
            dims.append(value)
        }
        return dims
    }
}
