import Foundation
import Network
import XCTest

/// `verify table` with a `test_set` of IDX files named as MNIST and Fashion-MNIST ship them
/// (`t10k-images-idx3-ubyte`, `t10k-labels-idx1-ubyte`, not gzipped): a small synthetic set
/// written here byte by byte, and the test accuracy checked against a brute-force count with
/// the classifier loaded here (pixels / 255; a tie is an error).
final class TableIDXTestSetTests: XCTestCase {
    static func idx(type: UInt8, shape: [Int], payload: [UInt8]) -> Data {
        var bytes: [UInt8] = [0, 0, type, UInt8(shape.count)]
        for size in shape { bytes += [UInt8(size >> 24 & 0xFF), UInt8(size >> 16 & 0xFF), UInt8(size >> 8 & 0xFF), UInt8(size & 0xFF)] }
        return Data(bytes + payload)
    }

    func testSyntheticIDXTestSetGivesTheBruteForceAccuracy() throws {
        let dir = temporaryDirectory()
        // 40 images of 8x8 bytes (the digits classifier's input), deterministic pseudo-random.
        var state: UInt64 = 12345
        func next() -> UInt8 { state = state &* 6364136223846793005 &+ 1442695040888963407; return UInt8(state >> 56) }
        let count = 40
        let pixels = (0..<(count * 64)).map { _ in next() }
        let labels = (0..<count).map { UInt8($0 % 10) }
        try Self.idx(type: 0x08, shape: [count, 8, 8], payload: pixels).write(to: dir.appendingPathComponent("t10k-images-idx3-ubyte"))
        try Self.idx(type: 0x08, shape: [count], payload: labels).write(to: dir.appendingPathComponent("t10k-labels-idx1-ubyte"))
        let matrix = try TableCommandTests.writeMatrix(in: dir, extra: """
            , "noise_dimension": 6, "test_set": {"images": "\(dir.path)/t10k-images-idx3-ubyte", "labels": "\(dir.path)/t10k-labels-idx1-ubyte"}
            """)
        let json = dir.appendingPathComponent("table.json").path
        let result = try runVerify(["table", matrix, "--samples", "5", "--json", json])
        XCTAssertEqual(result.status, 0, result.stderr)

        let classifier = try NetworkFile.load(repositoryRoot.appendingPathComponent("examples/digits/classifier.onnx").path)
        var correct = 0
        for i in 0..<count {
            let logits = classifier.evaluate(pixels[(i * 64)..<((i + 1) * 64)].map { Double($0) / 255 })
            let label = Int(labels[i])
            if logits.indices.allSatisfy({ $0 == label || logits[$0] < logits[label] }) { correct += 1 }
        }
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as! [String: Any]
        let accuracy = (object["test_accuracy"] as! [[String: Any]])[0]
        XCTAssertEqual(accuracy["trials"] as? Int, count)
        XCTAssertEqual(accuracy["successes"] as? Int, correct)
        XCTAssertTrue(correct > 0 && correct < count, "the synthetic set separates right from wrong labels: \(correct)")
    }

    /// A shared `"noise_dimension"` in the matrix is checked for every cell (the digits
    /// generators take 6 noise inputs).
    func testMatrixNoiseDimensionMismatchExitsTwo() throws {
        let matrix = try TableCommandTests.writeMatrix(in: temporaryDirectory(), extra: ", \"noise_dimension\": 10")
        let result = try runVerify(["table", matrix, "--samples", "5"])
        XCTAssertEqual(result.status, 2, result.stdout + result.stderr)
        XCTAssertTrue(result.stderr.contains("field \"noise_dimension\": is 10, but the generator "), result.stderr)
        XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
    }

    /// Images whose size is not the classifier's input (a 28x28 Fashion-MNIST file given to
    /// an 8x8 classifier) are a one-line input error.
    func testImageSizeMismatchIsAnInputError() throws {
        let dir = temporaryDirectory()
        try Self.idx(type: 0x08, shape: [2, 28, 28], payload: [UInt8](repeating: 7, count: 2 * 784)).write(to: dir.appendingPathComponent("i"))
        try Self.idx(type: 0x08, shape: [2], payload: [1, 2]).write(to: dir.appendingPathComponent("l"))
        let matrix = try TableCommandTests.writeMatrix(in: dir, extra: ", \"test_set\": {\"images\": \"\(dir.path)/i\", \"labels\": \"\(dir.path)/l\"}")
        let result = try runVerify(["table", matrix, "--samples", "5"])
        XCTAssertEqual(result.status, 2, result.stdout + result.stderr)
        XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains("784"), result.stderr)
    }
}
