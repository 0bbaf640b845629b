import Foundation
import XCTest

import Sampling

final class HoeffdingTests: XCTestCase {
    func testOneSidedBoundsMatchHandArithmetic() {
        // n = 100, k = 90, alpha = 0.05: t = sqrt(ln 20 / 200) = sqrt(2.995732 / 200) = 0.122387
        XCTAssertEqual(Hoeffding.radius(trials: 100, alpha: 0.05), 0.1223873415340408, accuracy: 1e-15)
        XCTAssertEqual(Hoeffding.lowerBound(successes: 90, trials: 100, alpha: 0.05), 0.7776126584659592, accuracy: 1e-15)
        // 0.9 + 0.122 > 1: clamped.
        XCTAssertEqual(Hoeffding.upperBound(successes: 90, trials: 100, alpha: 0.05), 1)
        // n = 100, k = 10, alpha = 0.01: 0.1 + sqrt(ln 100 / 200) = 0.1 + 0.151743 = 0.251743
        XCTAssertEqual(Hoeffding.upperBound(successes: 10, trials: 100, alpha: 0.01), 0.25174271293851463, accuracy: 1e-15)
    }

    func testTwoSidedIntervalUsesLogTwoOverAlpha() {
        // n = 100, k = 90, alpha = 0.05: 0.9 - sqrt(ln 40 / 200) = 0.9 - 0.135810 = 0.764190
        let interval = Hoeffding.interval(successes: 90, trials: 100, alpha: 0.05)
        XCTAssertEqual(interval.lower, 0.7641898484259381, accuracy: 1e-15)
        XCTAssertEqual(interval.upper, 1)
    }

    func testBoundsAreClampedToTheUnitInterval() {
        XCTAssertEqual(Hoeffding.lowerBound(successes: 0, trials: 10, alpha: 0.05), 0)
        XCTAssertEqual(Hoeffding.upperBound(successes: 10, trials: 10, alpha: 0.05), 1)
        XCTAssertEqual(Hoeffding.lowerBound(successes: 0, trials: 0, alpha: 0.05), 0)
        XCTAssertEqual(Hoeffding.upperBound(successes: 0, trials: 0, alpha: 0.05), 1)
        XCTAssertEqual(Hoeffding.radius(trials: 0, alpha: 0.05), .infinity)
    }

    func testBoundsTightenWithMoreSamples() {
        var previous = 0.0
        for n in [10, 100, 1000, 10_000] {
            let lower = Hoeffding.lowerBound(successes: n, trials: n, alpha: 0.01)
            XCTAssertGreaterThan(lower, previous)
            previous = lower
        }
    }

    func testMethodDispatchAgreesWithTheBoundTypes() {
        XCTAssertEqual(
            ConfidenceBoundMethod.hoeffding.lowerBound(successes: 7, trials: 9, alpha: 0.1),
            Hoeffding.lowerBound(successes: 7, trials: 9, alpha: 0.1))
        XCTAssertEqual(
            ConfidenceBoundMethod.clopperPearson.upperBound(successes: 7, trials: 9, alpha: 0.1),
            ClopperPearson.upperBound(successes: 7, trials: 9, alpha: 0.1))
        XCTAssertEqual(ConfidenceBoundMethod(rawValue: "clopper-pearson"), .clopperPearson)
    }
}
