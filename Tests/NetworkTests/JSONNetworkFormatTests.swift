import XCTest
@testable import Network

final class JSONNetworkFormatTests: XCTestCase {
    func testParsesEveryLayerKind() throws {
        let text = """
        { "input_shape": [2], "layers": [
          { "type": "dense", "weights": [[1, -1], [0.5, 2]], "bias": [0, 1] },
          { "type": "relu" }, { "type": "leaky_relu", "alpha": 0.1 },
          { "type": "clip", "min": 0, "max": 3 }, { "type": "hardtanh" },
          { "type": "tanh" }, { "type": "sigmoid" },
          { "type": "dense", "weights": [[1, 1]] } ] }
        """
        let network = try JSONNetworkFormat.parse(data: Data(text.utf8), fileName: "n.json")
        XCTAssertEqual(network.layers.count, 8)
        XCTAssertEqual(network.layers[2], .leakyRelu(alpha: 0.1))
        XCTAssertEqual(network.layers[4], .clip(lower: -1, upper: 1))
        // x = (1, 0): dense -> (1, 1.5) -> relu -> clip[0,3] -> hardtanh (1, 1) -> tanh -> sigmoid -> sum
        let expected = 2 * (1 / (1 + exp(-tanh(1.0))))
        XCTAssertEqual(network.evaluate([1, 0])[0], expected, accuracy: 1e-15)
    }

    func testSerializeRoundTrips() throws {
        var rng = SeededGenerator(seed: 5)
        let network = try NeuralNetwork(inputShape: [3], layers: [
            .affine(randomAffine(3, 4, using: &rng)), .leakyRelu(alpha: 0.2),
            .clip(lower: -.infinity, upper: 2), .affine(randomAffine(4, 2, using: &rng)),
        ])
        let parsed = try JSONNetworkFormat.parse(data: JSONNetworkFormat.serialize(network), fileName: "r.json")
        XCTAssertEqual(parsed, network)
    }

    func testErrorsNameThePlace() {
        let cases: [(String, String)] = [
            ("[]", "top level"),
            ("{\"input_shape\": [2], ", "not valid JSON"),
            (#"{"input_shape": [2], "layers": [{"type": "dense", "weights": [[1, 2, 3]]}]}"#, "layers[0].weights[0]"),
            (#"{"input_shape": [2], "layers": [{"type": "swish"}]}"#, "unknown layer type 'swish'"),
            (#"{"input_shape": [0], "layers": []}"#, "input_shape"),
            (#"{"input_shape": [1], "layers": [{"type": "clip", "min": 2, "max": 1}]}"#, "min 2.0 is above max 1.0"),
            (#"{"input_shape": [1], "layers": [{"type": "dense", "weights": [[1]], "bias": [1, 2]}]}"#, "layers[0].bias"),
        ]
        for (text, fragment) in cases {
            XCTAssertThrowsError(try JSONNetworkFormat.parse(data: Data(text.utf8), fileName: "e.json")) { error in
                XCTAssertTrue("\(error)".contains(fragment), "\(error) should contain \(fragment)")
            }
        }
    }
}
