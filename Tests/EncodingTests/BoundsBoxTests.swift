import XCTest

@testable import Encoding

final class BoundsBoxTests: XCTestCase {
    func testInitRejectsInvalidBounds() {
        XCTAssertThrowsError(try Box(lower: [0, 1], upper: [1])) { error in
            XCTAssertEqual(error as? BoxError, .dimensionMismatch(lower: 2, upper: 1))
        }
        XCTAssertThrowsError(try Box(lower: [0, 2], upper: [1, 1])) { error in
            XCTAssertEqual(error as? BoxError, .emptyInterval(dimension: 1, lower: 2, upper: 1))
        }
        XCTAssertThrowsError(try Box(lower: [.nan], upper: [1]))
        XCTAssertThrowsError(try Box(lower: [0], upper: [.infinity]))
        XCTAssertThrowsError(try Box(lower: [-.infinity], upper: [0]))
        XCTAssertNoThrow(try Box(lower: [], upper: []))
        XCTAssertNoThrow(try Box(lower: [1, -2], upper: [1, -2]))
    }

    func testErrorDescriptionsNameTheDimension() {
        XCTAssertTrue(BoxError.emptyInterval(dimension: 3, lower: 2, upper: 1).description.contains("dimension 3"))
        XCTAssertTrue(BoxError.invalidRadius(-1).description.contains("-1"))
    }

    func testLinfBallContainsEveryPointWithinTheRadius() throws {
        let box = try Box.linf(center: [0.1, -0.3, 0], radius: 0.2)
        XCTAssertEqual(box.dimension, 3)
        // Rounded outward: the exact 0.1 - 0.2 and 0.1 + 0.2 (of the stored Doubles) are inside.
        XCTAssertLessThanOrEqual(box.lower[0], 0.1 - 0.2)
        XCTAssertGreaterThanOrEqual(box.upper[0], 0.1 + 0.2)
        XCTAssertEqual(box.lower[2], -0.2)
        XCTAssertEqual(box.upper[2], 0.2)
        XCTAssertTrue(box.contains([0.1, -0.3, 0]))
        XCTAssertThrowsError(try Box.linf(center: [0], radius: -1)) { error in
            XCTAssertEqual(error as? BoxError, .invalidRadius(-1))
        }
        XCTAssertThrowsError(try Box.linf(center: [0], radius: .nan))
        XCTAssertThrowsError(try Box.linf(center: [.greatestFiniteMagnitude], radius: .greatestFiniteMagnitude))
        XCTAssertEqual(try Box.linf(center: [3], radius: 0), try Box(lower: [3], upper: [3]))
    }

    func testCenterAndWidths() throws {
        let box = try Box(lower: [-1, 2, 5], upper: [3, 2, 6])
        XCTAssertEqual(box.center, [1, 2, 5.5])
        XCTAssertEqual(box.widths, [4, 0, 1])
        // A width that is not representable is rounded up.
        let thin = try Box(lower: [-1e-30], upper: [1])
        XCTAssertEqual(thin.widths[0], (1.0).nextUp)
        // Huge bounds: the midpoint does not overflow.
        let huge = try Box(lower: [.greatestFiniteMagnitude / 2], upper: [.greatestFiniteMagnitude])
        XCTAssertTrue(huge.center[0].isFinite)
        XCTAssertTrue(huge.contains(huge.center))
    }

    func testSplitHalvesCoverTheBoxExactly() throws {
        let cases: [(Double, Double)] = [(-1, 1), (0, 1), (0.1, 0.7), (1, 1), (1, (1.0).nextUp),
                                         (-Double.greatestFiniteMagnitude, .greatestFiniteMagnitude),
                                         (-.leastNonzeroMagnitude, .leastNonzeroMagnitude), (1e-300, 3e-300)]
        for (l, u) in cases {
            let box = try Box(lower: [-5, l, 7], upper: [5, u, 8])
            let (left, right) = box.split(dimension: 1)
            XCTAssertEqual(left.upper[1], right.lower[1])
            XCTAssertEqual(left.lower[1], l)
            XCTAssertEqual(right.upper[1], u)
            XCTAssertTrue(l <= left.upper[1] && left.upper[1] <= u, "mid of [\(l), \(u)]")
            XCTAssertEqual(left.upper[1], box.center[1])
            // Other dimensions untouched.
            XCTAssertEqual([left.lower[0], left.upper[0], left.lower[2], left.upper[2]], [-5, 5, 7, 8])
            XCTAssertEqual([right.lower[0], right.upper[0], right.lower[2], right.upper[2]], [-5, 5, 7, 8])
        }
        let (left, right) = try Box(lower: [0], upper: [4]).split(dimension: 0)
        XCTAssertEqual(left, try Box(lower: [0], upper: [2]))
        XCTAssertEqual(right, try Box(lower: [2], upper: [4]))
    }

    func testContainsAndClamp() throws {
        let box = try Box(lower: [0, -1], upper: [1, 1])
        XCTAssertTrue(box.contains([0, 1]))
        XCTAssertTrue(box.contains([0.5, -1]))
        XCTAssertFalse(box.contains([(1.0).nextUp, 0]))
        XCTAssertFalse(box.contains([.nan, 0]))
        XCTAssertEqual(box.clamp([2, -3]), [1, -1])
        XCTAssertEqual(box.clamp([0.25, 0.5]), [0.25, 0.5])
        XCTAssertEqual(box.clamp([.nan, .infinity]), [0, 1])
        XCTAssertTrue(box.contains(box.clamp([-7, 9])))
    }
}
