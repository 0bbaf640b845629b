import Foundation
import XCTest

@testable import Sampling

final class SampleSizePlannerTests: XCTestCase {
    func testZeroFailurePlansMatchTheKnownNumbers() {
        // delta = 0.01, alpha = 0.001, no failures:
        //   Clopper-Pearson: 0.001^(1/n) >= 0.99  <=>  n >= ln 0.001 / ln 0.99 = 687.3  ->  688
        //   Hoeffding: n >= ln 1000 / (2 * 0.01^2) = 34,538.8                          ->  34,539
        XCTAssertEqual(SampleSizePlanner.samplesToCertify(delta: 0.01, alpha: 0.001, method: .clopperPearson), 688)
        XCTAssertEqual(SampleSizePlanner.samplesToCertify(delta: 0.01, alpha: 0.001, method: .hoeffding), 34_539)
        // The plans are tight: one sample fewer does not certify.
        XCTAssertGreaterThanOrEqual(ClopperPearson.lowerBound(successes: 688, trials: 688, alpha: 0.001), 0.99)
        XCTAssertLessThan(ClopperPearson.lowerBound(successes: 687, trials: 687, alpha: 0.001), 0.99)
        XCTAssertGreaterThanOrEqual(Hoeffding.lowerBound(successes: 34_539, trials: 34_539, alpha: 0.001), 0.99)
        XCTAssertLessThan(Hoeffding.lowerBound(successes: 34_538, trials: 34_538, alpha: 0.001), 0.99)
    }

    func testHoeffdingPlanWithFailuresMatchesTheClosedForm() {
        // f = 0.005: n = ceil(ln 1000 / (2 * 0.005^2)) = ceil(138,155.1) = 138,156
        XCTAssertEqual(
            SampleSizePlanner.samplesToCertify(delta: 0.01, alpha: 0.001, assumedFailureRate: 0.005, method: .hoeffding),
            138_156)
    }

    func testExactPlanWithFailuresIsTheSmallestByBruteForce() {
        // The plan takes (1 - f) n successes as a real number (see samplesToCertify).
        let delta = 0.05
        let alpha = 0.01
        let f = 0.01
        func certifies(_ n: Int) -> Bool {
            ClopperPearson.lowerBound(successes: (1 - f) * Double(n), trials: Double(n), alpha: alpha) >= 1 - delta
        }
        let bruteForce = (1...5000).first(where: certifies)
        XCTAssertNotNil(bruteForce)
        XCTAssertEqual(
            SampleSizePlanner.samplesToCertify(delta: delta, alpha: alpha, assumedFailureRate: f, method: .clopperPearson),
            bruteForce)
    }

    func testExactRefutationPlanIsTheSmallestByBruteForce() {
        let delta = 0.05
        let alpha = 0.01
        let s = 0.85
        func refutes(_ n: Int) -> Bool {
            ClopperPearson.upperBound(successes: s * Double(n), trials: Double(n), alpha: alpha) < 1 - delta
        }
        let bruteForce = (1...5000).first(where: refutes)
        XCTAssertNotNil(bruteForce)
        XCTAssertEqual(
            SampleSizePlanner.samplesToRefute(delta: delta, alpha: alpha, assumedSuccessRate: s, method: .clopperPearson),
            bruteForce)
        // Hoeffding: s + sqrt(ln(1/alpha)/(2n)) < 0.95  <=>  n > ln 100 / (2 * 0.1^2) = 230.26  ->  231
        XCTAssertEqual(
            SampleSizePlanner.samplesToRefute(delta: delta, alpha: alpha, assumedSuccessRate: s, method: .hoeffding), 231)
    }

    func testImpossiblePlansAreNil() {
        XCTAssertNil(SampleSizePlanner.samplesToCertify(delta: 0.01, alpha: 0.001, assumedFailureRate: 0.01, method: .hoeffding))
        XCTAssertNil(SampleSizePlanner.samplesToCertify(delta: 0.01, alpha: 0.001, assumedFailureRate: 0.02, method: .clopperPearson))
        XCTAssertNil(SampleSizePlanner.samplesToRefute(delta: 0.1, alpha: 0.001, assumedSuccessRate: 0.95, method: .clopperPearson))
        XCTAssertNil(SampleSizePlanner.samplesToCertify(
            delta: 0.01, alpha: 0.001, method: .clopperPearson, maximumSampleSize: 500))
    }

    func testPlansNearTheThresholdAreFast() {
        // f = 0.0099 against delta = 0.01 needs tens of millions of samples; the search is
        // doubling plus bisection, a few dozen bound evaluations.
        let plan = SampleSizePlanner.samplesToCertify(
            delta: 0.01, alpha: 0.001, assumedFailureRate: 0.0099, method: .clopperPearson)
        XCTAssertNotNil(plan)
        if let plan {
            XCTAssertGreaterThan(plan, 1_000_000)
            let n = Double(plan)
            XCTAssertGreaterThanOrEqual(ClopperPearson.lowerBound(successes: 0.9901 * n, trials: n, alpha: 0.001), 0.99)
        }
    }

    func testFurtherSamplesForAnInconclusiveClassWithoutFailures() {
        // 300 robust of 300, delta = 0.01, alpha = 0.001: lower 0.001^(1/300) = 0.977 < 0.99.
        let counts = VerdictCounts(robust: 300)
        let exact = SampleSizePlanner.furtherSamples(counts: counts, delta: 0.01, alpha: 0.001, method: .clopperPearson)
        XCTAssertEqual(exact, FurtherSamples(target: .holds, totalSamples: 688, additionalSamples: 388))
        let hoeffding = SampleSizePlanner.furtherSamples(counts: counts, delta: 0.01, alpha: 0.001, method: .hoeffding)
        XCTAssertEqual(hoeffding, FurtherSamples(target: .holds, totalSamples: 34_539, additionalSamples: 34_239))
    }

    func testFurtherSamplesTowardFailsAndTheStraddlingCase() {
        // 80 robust, 20 not robust, delta = 0.1: s = 0.8 < 0.9, heading for FAILS.
        let failing = VerdictCounts(robust: 80, notRobust: 20)
        let plan = SampleSizePlanner.furtherSamples(counts: failing, delta: 0.1, alpha: 1e-6, method: .clopperPearson)
        XCTAssertEqual(plan?.target, .fails)
        if let plan {
            XCTAssertGreaterThan(plan.totalSamples, 100)
            XCTAssertEqual(plan.additionalSamples, plan.totalSamples - 100)
            // At the plan, 80% robust refutes; one sample earlier it does not.
            let n = Double(plan.totalSamples)
            XCTAssertLessThan(ClopperPearson.upperBound(successes: 0.8 * n, trials: n, alpha: 1e-6), 0.9)
            XCTAssertGreaterThanOrEqual(ClopperPearson.upperBound(successes: 0.8 * (n - 1), trials: n - 1, alpha: 1e-6), 0.9)
            // Integer counts at a multiple of 5 agree with the real-valued plan's verdict.
            let m = (plan.totalSamples + 4) / 5 * 5
            XCTAssertLessThan(ClopperPearson.upperBound(successes: m / 5 * 4, trials: m, alpha: 1e-6), 0.9)
        }
        // 85 robust, 10 unknown, 5 not robust at delta = 0.1: pessimistic rate 0.85 < 0.9 but
        // optimistic 0.95 >= 0.9, so only resolving the unknowns can decide.
        let straddling = VerdictCounts(robust: 85, notRobust: 5, unknown: 10)
        XCTAssertNil(SampleSizePlanner.furtherSamples(counts: straddling, delta: 0.1, alpha: 0.01, method: .hoeffding))
        XCTAssertNil(SampleSizePlanner.furtherSamples(counts: VerdictCounts(), delta: 0.1, alpha: 0.01, method: .hoeffding))
    }
}
