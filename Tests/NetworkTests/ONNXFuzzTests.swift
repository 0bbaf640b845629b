import XCTest
@testable import Network

/// Mutation fuzzing: corrupted versions of valid fixtures must load or throw a
/// ``NetworkError``, never trap, hang or throw anything else. Deterministic (seeded).
final class ONNXFuzzTests: XCTestCase {
    /// One random mutation: flip bits, replace bytes, truncate, insert or delete bytes.
    private static func mutate(_ bytes: [UInt8], using generator: inout ONNXSeededGenerator) -> [UInt8] {
        var result = bytes
        let edits = Int.random(in: 1...4, using: &generator)
        for _ in 0..<edits where !result.isEmpty {
            let position = Int.random(in: 0..<result.count, using: &generator)
            switch Int.random(in: 0..<6, using: &generator) {
            case 0: result[position] ^= 1 << UInt8.random(in: 0..<8, using: &generator)
            case 1: result[position] = UInt8.random(in: 0...255, using: &generator)
            case 2: result[position] = [0x00, 0x7f, 0x80, 0xff][Int.random(in: 0..<4, using: &generator)]
            case 3: result.removeSubrange(position...)
            case 4:
                let count = Int.random(in: 1...8, using: &generator)
                result.insert(contentsOf: (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }, at: position)
            default:
                result.removeSubrange(position..<min(result.count, position + Int.random(in: 1...8, using: &generator)))
            }
        }
        return result
    }

    func testMutatedFixturesLoadOrThrowNetworkError() throws {
        let fixtures = ["mlp_gemm.onnx", "small_cnn.onnx", "mlp_matmul_clip.onnx", "normalized_tanh_sigmoid.onnx",
                        "mlp_double.onnx", "misc_ops.onnx", "conv_asymmetric.onnx"]
        let originals = try fixtures.map(ONNXTestSupport.bytes(ofFixture:))
        var generator = ONNXSeededGenerator(seed: 0x0_0A_0B_0C)
        var loaded = 0, rejected = 0
        let runs = 3_600
        for run in 0..<runs {
            let original = originals[run % originals.count]
            let mutated = Self.mutate(original, using: &generator)
            do {
                // A small dense-size limit keeps mutated shapes from allocating gigabytes.
                let network = try ONNXLoader.load(bytes: mutated, fileName: "fuzz.onnx", maxDenseEntries: 1 << 20)
                if network.inputSize > 0 && network.inputSize < 1 << 16 {
                    _ = network.evaluate([Double](repeating: 0.5, count: network.inputSize))
                }
                loaded += 1
            } catch let error as NetworkError {
                XCTAssertFalse(error.description.isEmpty)
                rejected += 1
            } catch {
                XCTFail("run \(run): unexpected error type \(error)")
            }
        }
        XCTAssertEqual(loaded + rejected, runs)
        // Both outcomes occur: mutations of weight bytes load, structural ones are rejected.
        XCTAssertGreaterThan(loaded, 100)
        XCTAssertGreaterThan(rejected, 100)
    }
}
