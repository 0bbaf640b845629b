import XCTest
@testable import Network

final class NNetLoaderTests: XCTestCase {
    /// A 2-2-1 network with normalisation written by hand:
    /// means (1, 2), ranges (2, 4): x̂ = ((x0 - 1)/2, (x1 - 2)/4).
    /// Layer 0: W = [[1, 0], [0, 1]], b = (0, 0), ReLU. Layer 1: W = [1, -1], b = 0.5.
    /// x = (5, 2): x̂ = (2, 0) -> relu (2, 0) -> 2 - 0 + 0.5 = 2.5.
    /// x = (1, 10): x̂ = (0, 2) -> (0, 2) -> -2 + 0.5 = -1.5.
    static let tiny = """
    // a hand-written test network
    // second comment line
    2,2,1,2,
    2,2,1,
    0,
    -10,-10,
    10,10,
    1,2,0,
    2,4,1,
    1,0,
    0,1,
    0,
    0,
    1,-1,
    0.5,
    """

    func testHandDerivedNetworkWithNormalisation() throws {
        let file = try NNetLoader.parse(text: Self.tiny, fileName: "tiny.nnet")
        XCTAssertEqual(file.network.evaluate([5, 2]), [2.5])
        XCTAssertEqual(file.network.evaluate([1, 10]), [-1.5])
        XCTAssertEqual(file.inputMinimums, [-10, -10])
        XCTAssertEqual(file.inputMaximums, [10, 10])
        XCTAssertEqual(file.network.piecewiseUnitCount, 2)
    }

    func testLoadsFromDisk() throws {
        let path = temporaryFile("tiny.nnet", Self.tiny)
        let network = try NetworkFile.load(path)
        XCTAssertEqual(network.evaluate([5, 2]), [2.5])
    }

    func testMissingLinesNameTheProblem() {
        let truncated = Self.tiny.split(separator: "\n").dropLast(2).joined(separator: "\n")
        XCTAssertThrowsError(try NNetLoader.parse(text: truncated, fileName: "cut.nnet")) { error in
            let message = "\(error)"
            XCTAssertTrue(message.hasPrefix("cut.nnet: end of file: missing layer 1"), message)
        }
    }

    func testBadNumbersAndSizesAreErrors() {
        let badNumber = Self.tiny.replacingOccurrences(of: "0.5,", with: "abc,")
        XCTAssertThrowsError(try NNetLoader.parse(text: badNumber, fileName: "bad.nnet")) { error in
            XCTAssertTrue("\(error)".contains("'abc'"), "\(error)")
        }
        let badSizes = Self.tiny.replacingOccurrences(of: "2,2,1,\n", with: "3,2,1,\n")
        XCTAssertThrowsError(try NNetLoader.parse(text: badSizes, fileName: "bad.nnet")) { error in
            XCTAssertTrue("\(error)".contains("layer sizes must start with the input size"), "\(error)")
        }
        XCTAssertThrowsError(try NNetLoader.parse(text: "", fileName: "empty.nnet"))
        let zeroRange = Self.tiny.replacingOccurrences(of: "2,4,1,", with: "2,0,1,")
        XCTAssertThrowsError(try NNetLoader.parse(text: zeroRange, fileName: "zero.nnet"))
    }
}
