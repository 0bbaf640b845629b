import Foundation
import Network
import XCTest

/// The float64 enclosure of a sigmoid where `exp(-x)` overflows: the computed value is 0, the
/// true value `1 / (1 + e^720)` lies in `(2^-1039, 2^-1038)` since `720 · log2(e) = 1038.75`.
final class SigmoidUnderflowEnclosureTests: XCTestCase {
    func testSigmoidBelowTheOverflowOfExpIsEnclosed() {
        let enclosure = PointEnclosure(exact: [-720, -1e6]).applying(.sigmoid)
        XCTAssertEqual(enclosure.values, [0, 0], "exp(720) overflows, so the float sigmoid is 0")
        // An additive term of 2^-1070 (or none) would exclude the true value 2^-1038.75.
        XCTAssertGreaterThanOrEqual(enclosure.errors[0], 0x1p-1038)
        XCTAssertGreaterThanOrEqual(enclosure.errors[1], 0x1p-1038)
        XCTAssertLessThan(enclosure.errors[0], 0x1p-1000, "the term stays negligible")
    }
}
