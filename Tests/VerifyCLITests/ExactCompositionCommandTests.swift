import Foundation
import XCTest

/// `verify local` decides the exact composition, and `verify info` lists the file's constants
/// that are stored rounded (issue 15, item 1).
final class ExactCompositionCommandTests: XCTestCase {
    /// At x = 3 the exact composition gives `y0 = 3 * 2^-54 > 1e-16 = y1` (class 0); a
    /// round-to-nearest merge stored the weight 0 and printed ROBUST.
    func testLocalOnTheIssueReproductionIsNotRobust() throws {
        let directory = temporaryDirectory()
        let generator = directory.appendingPathComponent("gen.json")
        let classifier = directory.appendingPathComponent("cls.json")
        try #"{"input_shape":[1],"layers":[{"type":"dense","weights":[[0.1],[1]],"bias":[0,0]}]}"#
            .write(to: generator, atomically: true, encoding: .utf8)
        try #"{"input_shape":[2],"layers":[{"type":"dense","weights":[[10,-1],[0,0]],"bias":[0,1e-16]}]}"#
            .write(to: classifier, atomically: true, encoding: .utf8)
        let result = try runVerify(["local", "--classifier", classifier.path, "--generator", generator.path,
                                    "--noise", "3", "--eps", "1", "--class", "1"])
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.hasPrefix("NOT ROBUST class 1"), result.stdout)
    }

    /// A `.nnet` range of 3 has no exact reciprocal: `info` names it; ranges 2 and 4 do.
    func testInfoListsRoundedConstants() throws {
        let text = """
        2,2,1,2,
        2,2,1,
        0,
        -10,-10,
        10,10,
        1,2,0,
        2,RANGE,1,
        1,0,
        0,1,
        0,
        0,
        1,-1,
        0.5,
        """
        let directory = temporaryDirectory()
        let rounded = directory.appendingPathComponent("third.nnet")
        let exact = directory.appendingPathComponent("quarter.nnet")
        try text.replacingOccurrences(of: "RANGE", with: "3").write(to: rounded, atomically: true, encoding: .utf8)
        try text.replacingOccurrences(of: "RANGE", with: "4").write(to: exact, atomically: true, encoding: .utf8)
        let roundedInfo = try runVerify(["info", rounded.path])
        XCTAssertEqual(roundedInfo.status, 0, roundedInfo.stderr)
        XCTAssertTrue(roundedInfo.stdout.contains("enclosed constants: 1"), roundedInfo.stdout)
        XCTAssertTrue(roundedInfo.stdout.contains(".nnet input 1 normalisation: weight 1/range"), roundedInfo.stdout)
        let exactInfo = try runVerify(["info", exact.path])
        XCTAssertTrue(exactInfo.stdout.contains("enclosed constants: none"), exactInfo.stdout)
    }
}
