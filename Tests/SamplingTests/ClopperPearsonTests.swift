import Foundation
import XCTest

import Sampling

final class ClopperPearsonTests: XCTestCase {
    func testTwoSidedIntervalsMatchPublishedValues() {
        // n = 10, k = 0, 95%: upper 0.3085 (Clopper & Pearson's tables; scipy: 0.3084971078187607).
        let zero = ClopperPearson.interval(successes: 0, trials: 10, alpha: 0.05)
        XCTAssertEqual(zero.lower, 0)
        XCTAssertEqual(zero.upper, 0.3084971078187607, accuracy: 1e-12)
        // n = 20, k = 10, 95%: [0.2720, 0.7280] (scipy.stats.beta.ppf: 0.27195784956079183, 0.7280421504392081).
        let half = ClopperPearson.interval(successes: 10, trials: 20, alpha: 0.05)
        XCTAssertEqual(half.lower, 0.27195784956079183, accuracy: 1e-12)
        XCTAssertEqual(half.upper, 0.7280421504392081, accuracy: 1e-12)
        // n = 100, k = 95, 95% (scipy): [0.8871650888945373, 0.9835681208179479].
        let high = ClopperPearson.interval(successes: 95, trials: 100, alpha: 0.05)
        XCTAssertEqual(high.lower, 0.8871650888945373, accuracy: 1e-12)
        XCTAssertEqual(high.upper, 0.9835681208179479, accuracy: 1e-12)
    }

    func testOneSidedBoundsMatchSciPy() {
        // scipy.stats.beta.ppf(0.001, 990, 11) and beta.ppf(0.99, 4, 47), SciPy 1.17.1, computed once.
        XCTAssertEqual(ClopperPearson.lowerBound(successes: 990, trials: 1000, alpha: 0.001), 0.9760361871553114, accuracy: 1e-12)
        XCTAssertEqual(ClopperPearson.upperBound(successes: 3, trials: 50, alpha: 0.01), 0.18720925616529482, accuracy: 1e-12)
    }

    func testEdgesGiveClosedForms() {
        // k = 0: lower 0, upper 1 - alpha^(1/n); k = n: upper 1, lower alpha^(1/n).
        XCTAssertEqual(ClopperPearson.lowerBound(successes: 0, trials: 10, alpha: 0.001), 0)
        XCTAssertEqual(ClopperPearson.upperBound(successes: 0, trials: 10, alpha: 0.001), 0.49881276637272776, accuracy: 1e-13)
        XCTAssertEqual(ClopperPearson.upperBound(successes: 300, trials: 300, alpha: 0.001), 1)
        XCTAssertEqual(ClopperPearson.lowerBound(successes: 300, trials: 300, alpha: 0.001), 0.9772372209558107, accuracy: 1e-13)
        XCTAssertEqual(ClopperPearson.lowerBound(successes: 0, trials: 0, alpha: 0.05), 0)
        XCTAssertEqual(ClopperPearson.upperBound(successes: 0, trials: 0, alpha: 0.05), 1)
    }

    func testExactBoundIsTighterThanHoeffdingWhenFailuresAreRare() {
        let exact = ClopperPearson.lowerBound(successes: 1000, trials: 1000, alpha: 0.001)
        let hoeffding = Hoeffding.lowerBound(successes: 1000, trials: 1000, alpha: 0.001)
        XCTAssertGreaterThan(exact, 0.99)
        XCTAssertLessThan(hoeffding, 0.95)
    }

    func testBoundsAreOrderedAndMonotoneInSuccesses() {
        let n = 40
        var previousLower = -1.0
        for k in 0...n {
            let interval = ClopperPearson.interval(successes: k, trials: n, alpha: 0.05)
            XCTAssertLessThanOrEqual(interval.lower, Double(k) / Double(n))
            XCTAssertGreaterThanOrEqual(interval.upper, Double(k) / Double(n))
            XCTAssertGreaterThan(interval.lower, previousLower)
            previousLower = interval.lower
        }
    }
}
