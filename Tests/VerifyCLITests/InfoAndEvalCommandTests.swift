import Foundation
import XCTest

final class InfoAndEvalCommandTests: XCTestCase {
    let tinyJSON = """
    { "input_shape": [2], "layers": [
      { "type": "dense", "weights": [[1, -1], [2, 0.5]], "bias": [0, -1] },
      { "type": "relu" },
      { "type": "dense", "weights": [[1, 1], [0, 1]] } ] }
    """

    func writeTiny() throws -> String {
        let url = temporaryDirectory().appendingPathComponent("tiny.json")
        try tinyJSON.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    func testInfoDescribesTheShippedClassifier() throws {
        let result = try runVerify(["info", "examples/digits/classifier.onnx"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("input shape:    [64] (64 values)"), result.stdout)
        XCTAssertTrue(result.stdout.contains("output shape:   [10] (10 values)"), result.stdout)
        XCTAssertTrue(result.stdout.contains("affine 64 -> 32"), result.stdout)
        XCTAssertTrue(result.stdout.contains("piecewise linear: yes"), result.stdout)
    }

    func testInfoOnComposedNetworkCountsBothNetworksUnits() throws {
        let result = try runVerify(["info", "examples/digits/classifier.onnx", "--compose", "examples/digits/generator_3.onnx"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("input shape:    [6] (6 values)"), result.stdout)
        XCTAssertTrue(result.stdout.contains("ReLU-like units: 160"), result.stdout)
    }

    /// The paper GAN's one file, loaded with its own hard tanh and with tanh in its place.
    func testInfoLoadsTheGeneratorWithEitherOutputActivation() throws {
        let gan = "examples/mnist/paper/gans/simple_clip.onnx"
        let file = try runVerify(["info", gan])
        XCTAssertEqual(file.status, 0, file.stderr)
        XCTAssertTrue(file.stdout.contains("clip[0.0, 1.0] on 784 units"), file.stdout)
        XCTAssertTrue(file.stdout.contains("piecewise linear: yes"), file.stdout)
        let tanh = try runVerify(["info", gan, "--output-activation", "tanh"])
        XCTAssertEqual(tanh.status, 0, tanh.stderr)
        XCTAssertTrue(tanh.stdout.contains("   7  tanh on 784 units"), tanh.stdout)
        XCTAssertTrue(tanh.stdout.contains("   8  affine element-wise on 784 units"), tanh.stdout)
        XCTAssertTrue(tanh.stdout.contains("piecewise linear: no"), tanh.stdout)
        let wrong = try runVerify(["info", gan, "--output-activation", "hard-tanh"])
        XCTAssertEqual(wrong.status, 2)
        XCTAssertTrue(wrong.stderr.contains(gan) && wrong.stderr.contains("the last activation must be Tanh"), wrong.stderr)
        XCTAssertEqual(wrong.stderr.split(separator: "\n").count, 1, wrong.stderr)
        let unknown = try runVerify(["info", gan, "--output-activation", "sigmoid"])
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.stderr.contains("--output-activation must be one of file, tanh, hard-tanh"), unknown.stderr)
    }

    /// x = (1, 2): hidden (-1, 2) -> relu (0, 2) -> outputs (2, 2): a tie, no class (the old
    /// `argmax: 0`, lowest index, fails this test).
    /// x = (0, 3): hidden (-3, 0.5) -> (0, 0.5) -> (0.5, 0.5): a tie again.
    func testEvalPrintsOutputsAndTies() throws {
        let path = try writeTiny()
        let single = try runVerify(["eval", path, "--input", "1,2"])
        XCTAssertEqual(single.status, 0, single.stderr)
        XCTAssertEqual(single.stdout, "outputs: 2,2  class: TIE(0,1)\n")
        let inputs = temporaryDirectory().appendingPathComponent("inputs.txt")
        try "# two vectors\n1 2\n\n0,3\n".write(to: inputs, atomically: true, encoding: .utf8)
        let batch = try runVerify(["eval", path, "--input-file", inputs.path])
        XCTAssertEqual(batch.stdout, "outputs: 2,2  class: TIE(0,1)\noutputs: 0.5,0.5  class: TIE(0,1)\n")
    }

    func testEvalComposedMatchesClassifierOnGeneratedImage() throws {
        let image = try runVerify(["eval", "examples/digits/generator_4.onnx", "--input", "0.1,-0.2,0.3,0,0.5,-1"])
        XCTAssertEqual(image.status, 0, image.stderr)
        let pixels = image.stdout.components(separatedBy: "outputs: ")[1].components(separatedBy: "  ")[0]
        let direct = try runVerify(["eval", "examples/digits/classifier.onnx", "--input", pixels])
        let composed = try runVerify(["eval", "examples/digits/classifier.onnx",
                                      "--compose", "examples/digits/generator_4.onnx",
                                      "--input", "0.1,-0.2,0.3,0,0.5,-1"])
        XCTAssertEqual(composed.status, 0, composed.stderr)
        let label = { (text: String) in text.components(separatedBy: "class: ").last! }
        XCTAssertEqual(label(composed.stdout), label(direct.stdout))
    }

    func testErrorsAreOneLineWithExitCodeTwo() throws {
        let path = try writeTiny()
        let cases: [([String], String)] = [
            (["eval", path, "--input", "1,2", "--bogus"], "unknown option '--bogus'"),
            (["eval", path, "--input", "1,2,3"], "expected 2 but got 3"),
            (["eval", path, "--input", "1,x"], "'x' is not a finite number"),
            (["eval", path], "give --input"),
            (["info", "/nonexistent/model.onnx"], "/nonexistent/model.onnx: cannot read the file"),
            (["info"], "missing argument MODEL"),
            (["frobnicate"], "unknown subcommand 'frobnicate'"),
            (["info", "examples/digits/classifier.onnx", "--compose", path], "size mismatch"),
            (["info", path, "--adapter-scale", "2"], "need --compose"),
        ]
        for (arguments, fragment) in cases {
            let result = try runVerify(arguments)
            XCTAssertEqual(result.status, 2, "\(arguments): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains(fragment), "\(arguments): \(result.stderr)")
            XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, "one line: \(result.stderr)")
            XCTAssertEqual(result.stdout, "", "no partial output on error")
        }
    }

    func testHelpListsEveryFlag() throws {
        let help = try runVerify(["eval", "--help"])
        XCTAssertEqual(help.status, 0)
        for flag in ["--input", "--input-file", "--compose", "--adapter-scale", "--adapter-shift", "--help"] {
            XCTAssertTrue(help.stdout.contains(flag), "missing \(flag) in \(help.stdout)")
        }
        let top = try runVerify(["--help"])
        XCTAssertTrue(top.stdout.contains("info") && top.stdout.contains("eval"))
    }
}
