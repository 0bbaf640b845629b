import XCTest
@testable import Network

/// The protobuf wire decoder on hand-written bytes
/// (examples from https://protobuf.dev/programming-guides/encoding/).
final class ONNXProtobufTests: XCTestCase {
    private func varint(_ bytes: [UInt8]) throws -> UInt64 {
        var reader = ProtobufReader(bytes[...])
        return try reader.readVarint()
    }

    func testVarintsDecodeAsInTheSpecification() throws {
        XCTAssertEqual(try varint([0x01]), 1)
        XCTAssertEqual(try varint([0x96, 0x01]), 150)
        XCTAssertEqual(try varint([0xac, 0x02]), 300)
        XCTAssertEqual(try varint([UInt8](repeating: 0xff, count: 9) + [0x01]), UInt64.max)
        // -1 as int64 is ten bytes.
        var writer = ProtobufWriter()
        writer.varint(UInt64(bitPattern: -1))
        XCTAssertEqual(Int64(bitPattern: try varint(writer.bytes)), -1)
    }

    func testMalformedVarintsThrow() {
        XCTAssertThrowsError(try varint([0x80]))
        XCTAssertThrowsError(try varint([]))
        XCTAssertThrowsError(try varint([UInt8](repeating: 0xff, count: 9) + [0x02]))
        XCTAssertThrowsError(try varint([UInt8](repeating: 0x80, count: 11) + [0x00]))
    }

    func testFieldsOfEveryWireTypeDecode() throws {
        var writer = ProtobufWriter()
        writer.int(1, 150)
        writer.double(2, 2.5)
        writer.string(3, "testing")
        writer.float(4, -1.5)
        var reader = ProtobufReader(writer.bytes[...])
        let first = try XCTUnwrap(try reader.next())
        XCTAssertEqual(first.number, 1)
        XCTAssertEqual(try first.int64("a"), 150)
        XCTAssertEqual(Double(bitPattern: try XCTUnwrap({ if case .fixed64(let v) = try reader.next()?.value { v } else { nil } }())), 2.5)
        XCTAssertEqual(try XCTUnwrap(try reader.next()).string("c"), "testing")
        XCTAssertEqual(try XCTUnwrap(try reader.next()).float("d"), -1.5)
        XCTAssertNil(try reader.next())
    }

    func testWrongWireTypeIsNamed() throws {
        var writer = ProtobufWriter()
        writer.int(4, 7)
        var reader = ProtobufReader(writer.bytes[...])
        let field = try XCTUnwrap(try reader.next())
        XCTAssertThrowsError(try field.string("NodeProto.op_type")) { error in
            XCTAssertEqual((error as? ProtobufError)?.problem,
                           "NodeProto.op_type (field 4) has wire type 0 (varint), expected 2 (length-delimited)")
        }
    }

    func testPackedAndUnpackedRepeatedFieldsAgree() throws {
        var unpacked = ProtobufWriter()
        for value: Int64 in [3, 270, -2] { unpacked.int(1, value) }
        var packedPayload = ProtobufWriter()
        for value: Int64 in [3, 270, -2] { packedPayload.varint(UInt64(bitPattern: value)) }
        var packed = ProtobufWriter()
        packed.bytes(1, packedPayload.bytes)
        for bytes in [unpacked.bytes, packed.bytes] {
            var reader = ProtobufReader(bytes[...])
            var values: [Int64] = []
            while let field = try reader.next() { try field.appendInt64s("dims", to: &values) }
            XCTAssertEqual(values, [3, 270, -2])
        }
    }

    func testPackedFloatsWithALengthNotAMultipleOfFourThrow() throws {
        var writer = ProtobufWriter()
        writer.bytes(4, [0, 0, 0x80, 0x3f, 0])
        var reader = ProtobufReader(writer.bytes[...])
        var floats: [Float] = []
        XCTAssertThrowsError(try XCTUnwrap(try reader.next()).appendFloats("float_data", to: &floats))
    }

    func testUnpackedAndPackedTensorsGiveTheSameNetwork() throws {
        let unpacked = try ONNXLoader.load(bytes: ONNXModelBuilder.gemm(packed: false), fileName: "u.onnx")
        let packed = try ONNXLoader.load(bytes: ONNXModelBuilder.gemm(packed: true), fileName: "p.onnx")
        XCTAssertEqual(unpacked, packed)
        // y = W x + b with W = [[1, 2], [3, 4], [5, 6]], b = [0.5, -0.5, 1], x = [1, -1].
        XCTAssertEqual(packed.evaluate([1, -1]), [-0.5, -1.5, 0])
        XCTAssertEqual(packed.inputShape, [2])
    }

    func testDoubleDataAndUnknownFieldsAreRead() throws {
        var model = ONNXModelBuilder.model(
            nodes: [ONNXModelBuilder.node("Mul", inputs: ["x", "s"], outputs: ["y"], name: "scale")],
            initializers: [ONNXModelBuilder.doubleTensor("s", dims: [2], values: [0.1, -3])])
        // An unknown field (number 99, length-delimited) at the end of ModelProto is skipped.
        var extra = ProtobufWriter()
        extra.bytes(99, [1, 2, 3])
        model += extra.bytes
        let network = try ONNXLoader.load(bytes: model, fileName: "d.onnx")
        XCTAssertEqual(network.evaluate([10, 1]), [0.1 * 10, -3])
    }
}
