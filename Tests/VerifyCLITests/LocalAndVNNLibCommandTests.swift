import Foundation
import XCTest

final class LocalAndVNNLibCommandTests: XCTestCase {
    let sat = ["vnnlib", "Tests/Fixtures/vnncomp/vnncomp-test/test_sat.onnx", "Tests/Fixtures/vnncomp/vnncomp-test/test_prop.vnnlib"]

    func testVNNLibSatWritesAReplayableCounterexample() throws {
        let directory = temporaryDirectory()
        let result = directory.appendingPathComponent("result.txt").path
        let certificate = directory.appendingPathComponent("cert.json").path
        let run = try runVerify(sat + ["--result", result, "--json", certificate])
        XCTAssertEqual(run.status, 1, run.stderr)
        XCTAssertEqual(run.stdout, "sat\n")
        let text = try String(contentsOfFile: result, encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("sat\n((X_0 "), text)
        // Replay the counterexample's inputs through `verify eval` (the plain forward pass).
        let inputs = text.split(separator: "\n").filter { $0.contains("(X_") }.map { line -> String in
            String(line.split(separator: " ")[1].filter { $0 != ")" })
        }
        XCTAssertEqual(inputs.count, 5)
        let eval = try runVerify(["eval", "Tests/Fixtures/vnncomp/vnncomp-test/test_sat.onnx", "--input", inputs.joined(separator: ",")])
        XCTAssertEqual(eval.status, 0, eval.stderr)
        let certificateText = try String(contentsOfFile: certificate, encoding: .utf8)
        XCTAssertTrue(certificateText.contains("\"model_sha256\""), certificateText)
        XCTAssertTrue(certificateText.contains("\"counterexample\""), certificateText)
    }

    func testVNNLibUnsatExitsZero() throws {
        let run = try runVerify(["vnnlib", "Tests/Fixtures/vnncomp/vnncomp-test/test_unsat.onnx",
                                 "Tests/Fixtures/vnncomp/vnncomp-test/test_prop.vnnlib"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.stdout, "unsat\n")
    }

    func testLocalRobustnessOnTheDigitsModels() throws {
        let base = ["local", "--classifier", "examples/digits/classifier.onnx",
                    "--generator", "examples/digits/generator_1.onnx", "--noise", "0.3,-0.5,1.0,0.2,-1.1,0.4"]
        let robust = try runVerify(base + ["--eps", "0.05", "--class", "1"])
        XCTAssertEqual(robust.status, 0, robust.stdout + robust.stderr)
        XCTAssertTrue(robust.stdout.hasPrefix("ROBUST (method: "), robust.stdout)
        // The centre is classified as 1, so claiming class 0 fails at the centre.
        let wrongClass = try runVerify(base + ["--eps", "0.05", "--class", "0"])
        XCTAssertEqual(wrongClass.status, 1, wrongClass.stdout)
        XCTAssertTrue(wrongClass.stdout.hasPrefix("NOT ROBUST class 0"), wrongClass.stdout)
        XCTAssertTrue(wrongClass.stdout.contains("counterexample found by center"), wrongClass.stdout)
    }

    /// `local` searches without strong branching unless asked: on a digits box that needs
    /// the split search, `--strong-branching 0` reproduces the default search exactly (same
    /// certificate statistics) and `--strong-branching 8` changes the tree, not the verdict.
    func testLocalStrongBranchingIsOffByDefaultAndOnWhenAsked() throws {
        let directory = temporaryDirectory()
        let base = ["local", "--classifier", "examples/digits/classifier.onnx",
                    "--generator", "examples/digits/generator_1.onnx", "--class", "1", "--eps", "0.3", "--timeout", "600",
                    "--noise", "0.33129651546390537,-0.6811822336031818,-0.08685546082535892,1.0640099851416747,-3.097196811269878,0.6800022838478539"]
        func statistics(_ extra: [String], _ name: String) throws -> [String: Any] {
            let json = directory.appendingPathComponent(name).path
            let run = try runVerify(base + extra + ["--json", json])
            XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
            XCTAssertTrue(run.stdout.hasPrefix("ROBUST (method: split)"), run.stdout)
            let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as! [String: Any]
            return object["statistics"] as! [String: Any]
        }
        let byDefault = try statistics([], "default.json")
        let off = try statistics(["--strong-branching", "0"], "off.json")
        let strong = try statistics(["--strong-branching", "8"], "strong.json")
        XCTAssertEqual(byDefault["nodes"] as? Int, off["nodes"] as? Int)
        XCTAssertGreaterThan(byDefault["nodes"] as! Int, 16, "the box must need a real split search")
        XCTAssertNotEqual(strong["nodes"] as? Int, off["nodes"] as? Int)
    }

    func testBadInputIsAOneLineErrorWithExitCodeTwo() throws {
        let directory = temporaryDirectory()
        let unbalanced = directory.appendingPathComponent("bad.vnnlib")
        try "(declare-const X_0 Real)\n(assert (<= X_0 1)".write(to: unbalanced, atomically: true, encoding: .utf8)
        let base = ["local", "--classifier", "examples/digits/classifier.onnx",
                    "--generator", "examples/digits/generator_1.onnx", "--noise", "0,0,0,0,0,0"]
        let cases: [([String], String)] = [
            (base + ["--eps", "-0.1"], "--eps must be >= 0"),
            (base + ["--eps", "0.1", "--class", "10"], "out of range"),
            (base + ["--eps", "0.1", "--disable", "magic"], "unknown step 'magic'"),
            (base + ["--eps", "0.1", "--threads", "0"], "--threads"),
            (base + ["--eps", "0.1", "--strong-branching", "-1"], "--strong-branching"),
            (base + ["--eps", "0.1", "--phase-beta-rate", "-1"], "--phase-beta-rate expects a positive number"),
            (base + ["--eps", "0.1", "--phase-child-slope-rate", "0"], "--phase-child-slope-rate expects a positive number"),
            (base + ["--eps", "0.1", "--phase-optimiser", "sgd"], "--phase-optimiser expects adam or sign"),
            (["local", "--model", "Tests/Fixtures/vnncomp/vnncomp-test/test_sat.onnx", "--point", "1,2", "--eps", "0.1"], "expected 5 but got 2"),
            (["vnnlib", "Tests/Fixtures/vnncomp/vnncomp-test/test_sat.onnx", unbalanced.path], "bad.vnnlib"),
            (["vnnlib", "Tests/Fixtures/vnncomp/vnncomp-test/test_sat.onnx", "Tests/Fixtures/vnncomp/vnncomp-test/test_tiny.vnnlib"], "test_tiny.vnnlib"),
        ]
        for (arguments, fragment) in cases {
            let result = try runVerify(arguments)
            XCTAssertEqual(result.status, 2, "\(arguments): \(result.stdout) \(result.stderr)")
            XCTAssertTrue(result.stderr.contains(fragment), "\(arguments): \(result.stderr)")
            XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
        }
    }
}
