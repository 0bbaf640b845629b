import Foundation
import XCTest

/// `verify local` under the one tie semantics, and the float32 re-run of its counterexample.
final class TieAndFloat32CommandTests: XCTestCase {
    func writeModel(_ bias0: String) throws -> String {
        let path = temporaryDirectory().appendingPathComponent("near-tie.json").path
        try """
        { "input_shape": [1], "layers": [ { "type": "dense", "weights": [[1], [1]], "bias": [\(bias0), 0] } ] }
        """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The reproduction, `y = (x + 2^-60, x)` around 1: float ties everywhere, exactly
    /// `y_0 - y_1 = 2^-60 > 0`: ROBUST with and without the attack (the old centre check
    /// printed NOT ROBUST).
    func testNearTieIsRobustWithAndWithoutAttack() throws {
        let model = try writeModel("8.673617379884035e-19")
        for extra in [[], ["--disable", "attack"], ["--disable", "attack,linear,split"]] {
            let run = try runVerify(["local", "--model", model, "--point", "1", "--eps", "0.5", "--class", "0"] + extra)
            XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
            XCTAssertTrue(run.stdout.hasPrefix("ROBUST"), run.stdout)
        }
        // Without --class, the centre's exact class is 0 (the float argmax would also say 0,
        // but by the lowest-index rule, not by the margin).
        let run = try runVerify(["eval", model, "--input", "1"])
        XCTAssertEqual(run.stdout, "outputs: 1,1  class: 0\n")
    }

    /// `y = (x + 2^-30, x)` at 1, class 1: NOT ROBUST (exactly and in float64 class 0), while
    /// float32 rounds `1 + 2^-30` to 1 and ties: the output says that the precisions disagree.
    func testCounterexampleReportsFloat32Disagreement() throws {
        let model = try writeModel("9.313225746154785e-10")
        let run = try runVerify(["local", "--model", model, "--point", "1", "--eps", "0", "--class", "1"])
        XCTAssertEqual(run.status, 1, run.stdout + run.stderr)
        XCTAssertTrue(run.stdout.hasPrefix("NOT ROBUST class 1"), run.stdout)
        XCTAssertTrue(run.stdout.contains("exact:   class 0; check violated"), run.stdout)
        XCTAssertTrue(run.stdout.contains("float32: outputs 1,1; class TIE(0,1)"), run.stdout)
        XCTAssertTrue(run.stdout.contains("note: float32 and float64 disagree"), run.stdout)
    }
}
