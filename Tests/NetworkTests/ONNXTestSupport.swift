import Foundation
import XCTest
@testable import Network
import Support

/// Paths and helpers shared by the ONNX loader tests.
enum ONNXTestSupport {
    /// The repository root, found from this file's path (no resource bundles).
    static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // NetworkTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()

    static let onnxFixtures = repositoryRoot.appendingPathComponent("Tests/Fixtures/onnx")
    static let vnncomp = repositoryRoot.appendingPathComponent("Tests/Fixtures/vnncomp")

    static func fixture(_ name: String) -> String {
        onnxFixtures.appendingPathComponent(name).path
    }

    static func bytes(ofFixture name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: onnxFixtures.appendingPathComponent(name)))
    }

    /// `.onnx` files of a folder, sorted by name.
    static func onnxFiles(in folder: URL) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "onnx" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// Runs `body`, expecting a ``NetworkError``; returns its description (fails otherwise).
    static func errorDescription(
        file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Void
    ) -> String {
        do {
            try body()
            XCTFail("expected a NetworkError, but loading succeeded", file: file, line: line)
        } catch let error as NetworkError {
            return error.description
        } catch {
            XCTFail("expected a NetworkError, got \(error)", file: file, line: line)
        }
        return ""
    }
}

/// Expected outputs stored beside a fixture by `make_fixtures.py` (computed by onnxruntime).
struct ONNXFixtureExpectation: Decodable {
    let model: String
    let inputShape: [Int]
    let outputShape: [Int]
    let inputs: [[Double]]
    let outputs: [[Double]]

    enum CodingKeys: String, CodingKey {
        case model, inputs, outputs
        case inputShape = "input_shape"
        case outputShape = "output_shape"
    }

    static func load(_ name: String) throws -> ONNXFixtureExpectation {
        let data = try Data(contentsOf: ONNXTestSupport.onnxFixtures.appendingPathComponent("\(name).json"))
        return try JSONDecoder().decode(ONNXFixtureExpectation.self, from: data)
    }
}

typealias ONNXSeededGenerator = SplitMix64

/// A tiny protobuf writer for hand-made test messages (wire types 0, 1, 2, 5).
struct ProtobufWriter {
    private(set) var bytes: [UInt8] = []

    mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7f) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func key(_ field: Int, _ wireType: Int) { varint(UInt64(field << 3 | wireType)) }

    mutating func int(_ field: Int, _ value: Int64) {
        key(field, 0)
        varint(UInt64(bitPattern: value))
    }

    mutating func bytes(_ field: Int, _ payload: [UInt8]) {
        key(field, 2)
        varint(UInt64(payload.count))
        bytes.append(contentsOf: payload)
    }

    mutating func string(_ field: Int, _ value: String) { bytes(field, Array(value.utf8)) }

    mutating func message(_ field: Int, _ build: (inout ProtobufWriter) -> Void) {
        var inner = ProtobufWriter()
        build(&inner)
        bytes(field, inner.bytes)
    }

    mutating func float(_ field: Int, _ value: Float) {
        key(field, 5)
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value.bitPattern >> shift)) }
    }

    mutating func double(_ field: Int, _ value: Double) {
        key(field, 1)
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value.bitPattern >> shift)) }
    }

    /// A `ValueInfoProto` with a float tensor type of the given dims.
    static func valueInfo(_ name: String, dims: [Int64]) -> [UInt8] {
        var w = ProtobufWriter()
        w.string(1, name)
        w.message(2) { type in
            type.message(1) { tensor in
                tensor.int(1, 1)
                tensor.message(2) { shape in
                    for dim in dims { shape.message(1) { $0.int(1, dim) } }
                }
            }
        }
        return w.bytes
    }
}
