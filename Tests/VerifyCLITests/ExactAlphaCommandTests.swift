import Foundation
import XCTest

/// Outputs print the claimed alpha as the decimal the confidence implies (0.99 -> 0.01), not
/// the binary `1 - 0.99 = 0.010000000000000009`; splits print their exact decimal.
final class ExactAlphaCommandTests: XCTestCase {
    func testCorrectnessPrintsTheDecimalAlphaInTextAndJSON() throws {
        let json = temporaryDirectory().appendingPathComponent("correctness.json").path
        let generators = ["0", "1", "8", "9"].flatMap { ["--generator", "\($0)=examples/digits/generator_\($0).onnx"] }
        let result = try runVerify(["correctness", "examples/digits/experiment.json", "--samples", "20", "--confidence", "0.99",
                                    "--json", json] + generators)
        XCTAssertNotEqual(result.status, 2, result.stderr)
        XCTAssertTrue(result.stdout.contains("confidence 0.99 (alpha 0.01)"), result.stdout)
        XCTAssertTrue(result.stdout.contains("alpha_c = alpha / 4 = 0.0025"), result.stdout)
        let text = try String(contentsOfFile: json, encoding: .utf8)
        XCTAssertTrue(text.contains("\"per_class_alpha\" : 0.0025"), text)
        XCTAssertTrue(text.contains("\"alpha\" : 0.01,"), text)
        XCTAssertFalse(text.contains("0.010000000000000009"), text)
    }

    func testPlanPrintsTheExactPerClassDecimal() throws {
        // alpha_c = (1 - 0.99) / 3 = 1/300: the shortest decimal between the Double used
        // (1/300 rounded down) and 1/300 has 19 places (see AlphaLevelTests).
        let result = try runVerify(["plan", "--delta", "0.01", "--confidence", "0.99", "--classes", "3"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("(alpha_c = 0.0033333333333333333)"), result.stdout)
    }
}
