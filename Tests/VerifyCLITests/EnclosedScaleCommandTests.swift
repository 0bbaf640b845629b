import Foundation
import XCTest

/// `verify local` and `verify info` on a network that divides by 3 (JSON `divide`).
///
/// Hand derivation (as in `SolverTests.EnclosedScaleVerdictTests`): with `(h, x) = (x/3, x)`,
/// `y0 = 3 h - x + c`, `y1 = 0`, the file's network has `y0 = c` everywhere; with the weight
/// `fl(1/3)` it has `y0 = c - 2^-54 x` (`3 fl(1/3) = 1 - 2^-54`). For `c = 1.5 · 2^-54` on the
/// box `x in [1, 2]` (point 1.5, eps 0.5) the file's network is class 0 everywhere; the
/// rounded weight used to turn that into NOT ROBUST (class 1 for `x > 1.5`).
final class EnclosedScaleCommandTests: XCTestCase {
    private func write(offset: Double) throws -> URL {
        let url = temporaryDirectory().appendingPathComponent("third.json")
        let json = """
        {"input_shape":[1],"layers":[
         {"type":"dense","weights":[[1],[1]],"bias":[0,0]},
         {"type":"divide","by":[3,1]},
         {"type":"dense","weights":[[3,-1],[0,0]],"bias":[\(offset),0]}]}
        """
        try json.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    func testLocalIsRobustForTheExactQuotient() throws {
        let model = try write(offset: 1.5 * 0x1p-54)
        let result = try runVerify(["local", "--model", model.path, "--point", "1.5", "--eps", "0.5", "--class", "0"])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.hasPrefix("ROBUST (method: smt) class 0"), result.stdout)
    }

    /// y0 = 2^-55 > 0 exactly: class 1 is violated at the centre, confirmed in exact
    /// (rational) arithmetic although the float error bound is wider than 2^-55.
    func testLocalFindsTheViolationOfTheExactQuotient() throws {
        let model = try write(offset: 0.5 * 0x1p-54)
        let result = try runVerify(["local", "--model", model.path, "--point", "1.5", "--eps", "0.5", "--class", "1"])
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.hasPrefix("NOT ROBUST class 1"), result.stdout)
    }

    func testInfoNamesTheEnclosedScale() throws {
        let model = try write(offset: 0)
        let result = try runVerify(["info", model.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("enclosed scale on 2 units (y_i = s_i x_i, s_i = 1/c_i, c_i exact)"), result.stdout)
        XCTAssertTrue(result.stdout.contains("enclosed constants: 1"), result.stdout)
        XCTAssertTrue(result.stdout.contains("JSON layers[1] (divide): weight 1/c"), result.stdout)
    }
}
