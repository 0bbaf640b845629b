import Foundation
import Network
import XCTest

/// `verify attack` end to end: exit codes, the printed pair, and the JSON file re-checked
/// against the networks loaded here.
final class AttackCommandTests: XCTestCase {
    let experiment = "examples/digits/experiment.json"
    let small = ["--steps", "20", "--restarts", "2"]

    struct PairFile: Decodable {
        var `class`: Int
        var target: String
        var eps: Double
        var noise: [Double]
        var adversarial_noise: [Double]
        var image: [Double]
        var adversarial_image: [Double]
        var logits: [Double]
        var adversarial_logits: [Double]
        var adversarial_prediction: Int
        var noise_distance: Double
    }

    func testFoundPairExitsOneAndItsJSONReproduces() throws {
        let json = temporaryDirectory().appendingPathComponent("pair.json").path
        let result = try runVerify(["attack", experiment, "--class", "1", "--method", "whitebox", "--eps", "0.2",
                                    "--start", "2", "--samples", "1", "--json", json] + small)
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("NOT ROBUST: realistic adversarial example 1 -> "), result.stdout)
        XCTAssertTrue(result.stdout.contains("||x' - x||_inf"), result.stdout)
        let pair = try JSONDecoder().decode(PairFile.self, from: Data(contentsOf: URL(fileURLWithPath: json)))
        XCTAssertEqual(pair.class, 1)
        XCTAssertEqual(pair.target, "any")
        XCTAssertEqual(pair.eps, 0.2)
        XCTAssertLessThanOrEqual(zip(pair.noise, pair.adversarial_noise).map { abs($0 - $1) }.max()!, 0.2 + 1e-15)
        let digits = repositoryRoot.appendingPathComponent("examples/digits").path
        let classifier = try NetworkFile.load(digits + "/classifier.onnx")
        let generator = try NetworkFile.load(digits + "/generator_1.onnx")
        XCTAssertEqual(generator.evaluate(pair.adversarial_noise), pair.adversarial_image)
        let logits = classifier.evaluate(pair.adversarial_image)
        XCTAssertEqual(logits, pair.adversarial_logits)
        XCTAssertEqual(logits.argmax, pair.adversarial_prediction)
        XCTAssertNotEqual(pair.adversarial_prediction, 1)
        XCTAssertGreaterThanOrEqual(logits[pair.adversarial_prediction], logits[1])
        XCTAssertEqual(classifier.evaluate(generator.evaluate(pair.noise)).argmax, 1)
    }

    /// The PNG: signature, and an IHDR whose size is the grid of two 8x8 images upscaled 16x
    /// (`2 (128 + 2·2) + 3·4` wide) with caption and legend strips below.
    func testPNGShowsThePairSideBySide() throws {
        let png = temporaryDirectory().appendingPathComponent("pair.png").path
        let result = try runVerify(["attack", experiment, "--class", "1", "--method", "blackbox", "--eps", "0.2",
                                    "--start", "2", "--samples", "1", "--png", png] + small)
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: png)))
        XCTAssertEqual(Array(bytes[0..<8]), [137, 80, 78, 71, 13, 10, 26, 10])
        XCTAssertEqual(String(decoding: bytes[12..<16], as: UTF8.self), "IHDR")
        let width = bytes[16..<20].reduce(0) { $0 << 8 | Int($1) }
        let height = bytes[20..<24].reduce(0) { $0 << 8 | Int($1) }
        XCTAssertEqual(width, 2 * (128 + 4) + 3 * 4)
        XCTAssertGreaterThan(height, 128 + 4 + 2 * 4)
        XCTAssertTrue(result.stdout.contains("wrote \(png)"), result.stdout)
    }

    /// `--paper` sets the paper's budget (printed: 1 start x 16 steps, alpha = eps / 16 =
    /// 0.2 / 16 = 0.0125) and still finds the known pair at sample 2; a flag given with it wins.
    func testPaperPresetPrintsItsBudgetAndFindsThePair() throws {
        let base = ["attack", experiment, "--class", "1", "--eps", "0.2", "--start", "2", "--samples", "1", "--paper"]
        let white = try runVerify(base + ["--method", "whitebox"])
        XCTAssertEqual(white.status, 1, white.stdout + white.stderr)
        XCTAssertTrue(white.stdout.contains("budget per sample: 1 start x 16 steps, step size 0.0125\n"), white.stdout)
        XCTAssertTrue(white.stdout.contains("NOT ROBUST: realistic adversarial example 1 -> "), white.stdout)
        let black = try runVerify(base + ["--method", "blackbox"])
        XCTAssertEqual(black.status, 1, black.stdout + black.stderr)
        XCTAssertTrue(black.stdout.contains("budget per sample: 1 start x 16 steps, 8 moves per step\n"), black.stdout)
        let overridden = try runVerify(base + ["--method", "whitebox", "--steps", "8"])
        XCTAssertTrue(overridden.stdout.contains("budget per sample: 1 start x 8 steps, step size 0.025\n"), overridden.stdout)
        let plain = try runVerify(["attack", experiment, "--class", "1", "--method", "whitebox", "--eps", "0.2", "--start", "2", "--samples", "1"])
        XCTAssertTrue(plain.stdout.contains("budget per sample: 5 starts x 100 steps, step size 0.002\n"), plain.stdout)
    }

    func testNothingFoundExitsThreeWithoutAClaim() throws {
        let zero = try runVerify(["attack", experiment, "--class", "1", "--method", "blackbox", "--eps", "0",
                                  "--samples", "3", "--steps", "2", "--restarts", "1"])
        XCTAssertEqual(zero.status, 3, zero.stdout + zero.stderr)
        XCTAssertTrue(zero.stdout.contains("no realistic adversarial example found: 3 samples attacked"), zero.stdout)
        XCTAssertFalse(zero.stdout.contains("NOT ROBUST"))
        // Class 1 -> 0 around sample 2 at eps 0.01: far from any such pair (margin 0.08 to class 8, 2.4 to class 0).
        let impossible = try runVerify(["attack", experiment, "--class", "1", "--method", "whitebox", "--target", "0",
                                        "--eps", "0.01", "--start", "2", "--samples", "1"] + small)
        XCTAssertEqual(impossible.status, 3, impossible.stdout + impossible.stderr)
    }

    /// `--attack` picks the exact pipeline's attack step; each choice decides this box by attack.
    func testPipelineAttackFlagChoosesTheAttackStep() throws {
        let noise = "-0.35612,1.2414,0.95571,1.1832,-2.3046,-0.59947"   // sample 2 of class 1, rounded
        let base = ["local", "--classifier", "examples/digits/classifier.onnx", "--generator", "examples/digits/generator_1.onnx",
                    "--noise", noise, "--eps", "0.2", "--class", "1"]
        for method in ["gradient", "random", "both"] {
            let result = try runVerify(base + ["--attack", method])
            XCTAssertEqual(result.status, 1, "\(method): \(result.stdout) \(result.stderr)")
            XCTAssertTrue(result.stdout.contains("counterexample found by attack"), "\(method): \(result.stdout)")
        }
        let bad = try runVerify(base + ["--attack", "greedy"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("--attack expects gradient, random or both"), bad.stderr)
    }

    func testBadInputsExitTwoNamingTheFlag() throws {
        let cases: [([String], String)] = [
            (["--class", "12", "--method", "blackbox"], "attack class"),
            (["--class", "-1", "--method", "blackbox"], "--class"),
            (["--method", "blackbox"], "--class"),
            (["--class", "1", "--method", "greybox"], "--method"),
            (["--class", "1"], "--method"),
            (["--class", "1", "--method", "whitebox", "--eps", "-0.1"], "--eps"),
            (["--class", "1", "--method", "whitebox", "--eps", "abc"], "--eps"),
            (["--class", "1", "--method", "whitebox", "--target", "1"], "attack target"),
            (["--class", "1", "--method", "whitebox", "--target", "x"], "--target"),
        ]
        for (flags, expected) in cases {
            let result = try runVerify(["attack", experiment] + flags)
            XCTAssertEqual(result.status, 2, "\(flags): \(result.stdout) \(result.stderr)")
            XCTAssertTrue(result.stderr.contains(expected), "\(flags): \(result.stderr)")
            XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, "\(flags): one line: \(result.stderr)")
        }
    }
}

/// `"noise_dimension"` through the command line: a mismatch exits 2 with one line naming the
/// file and the key (the digits generators take 6 noise inputs).
final class NoiseDimensionCommandTests: XCTestCase {
    func testMismatchExitsTwoWithOneLine() throws {
        let directory = temporaryDirectory()
        let digits = repositoryRoot.appendingPathComponent("examples/digits").path
        func write(_ dimension: Int) throws -> String {
            let path = directory.appendingPathComponent("experiment_\(dimension).json").path
            let generators = (0..<10).map { "\"\($0)\": \"\(digits)/generator_\($0).onnx\"" }.joined(separator: ", ")
            try "{\"classifier\": \"\(digits)/classifier.onnx\", \"generators\": {\(generators)}, \"eps\": 0.05, \"noise_dimension\": \(dimension)}"
                .write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        let bad = try write(7)
        let result = try runVerify(["correctness", bad, "--samples", "2"])
        XCTAssertEqual(result.status, 2, result.stdout + result.stderr)
        XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains(bad + ": field \"noise_dimension\": is 7, but the generator "), result.stderr)
        XCTAssertTrue(result.stderr.contains("takes 6 noise inputs"), result.stderr)
        let good = try runVerify(["correctness", try write(6), "--samples", "2"])
        XCTAssertNotEqual(good.status, 2, good.stdout + good.stderr)
    }
}
