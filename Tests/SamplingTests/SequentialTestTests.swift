import Network
import Foundation
import XCTest

import Sampling
import Support

final class SequentialTestTests: XCTestCase {
    func testScheduleIsGeometricAndSpendingSumsToAtMostAlpha() {
        let test = SequentialTest(delta: 0.2, alpha: 0.1, initialSampleSize: 20, growthFactor: 1.25, maximumSampleSize: 455)
        // ceil(20 * 1.25^k), k = 0 ... 14
        XCTAssertEqual(test.looks, [20, 25, 32, 40, 49, 62, 77, 96, 120, 150, 187, 233, 292, 364, 455])
        XCTAssertEqual(test.alpha(atLook: 1), 0.1 * 6 / (Double.pi * Double.pi), accuracy: 1e-15)
        let baselTotal = (1...100_000).reduce(0.0) { $0 + test.alpha(atLook: $1) }
        XCTAssertLessThanOrEqual(baselTotal, 0.1)
        XCTAssertEqual(baselTotal, 0.1, accuracy: 1e-5)
        let geometric = SequentialTest(
            delta: 0.2, alpha: 0.1, initialSampleSize: 20, growthFactor: 1.25, maximumSampleSize: 455, spending: .geometric)
        // alpha_1 = (1/10) / 2 = 1/20 exactly, rounded down (the Double 0.05 is above 1/20).
        XCTAssertEqual(geometric.alpha(atLook: 1), 0.05.nextDown)
        XCTAssertEqual(geometric.level(atLook: 1).decimal, "0.05")
        XCTAssertLessThanOrEqual((1...60).reduce(0.0) { $0 + geometric.alpha(atLook: $1) }, 0.1)
        // Duplicated sizes are dropped, the maximum is always the last look.
        let slow = SequentialTest(delta: 0.1, alpha: 0.05, initialSampleSize: 1, growthFactor: 1.1, maximumSampleSize: 10)
        XCTAssertEqual(slow.looks, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    }

    func testStopsAtTheFirstDecidingLook() {
        let test = SequentialTest(delta: 0.01, alpha: 0.001, initialSampleSize: 100, growthFactor: 2, maximumSampleSize: 100_000)
        var drawn = 0
        let look = test.run { index in
            drawn += 1
            return .robust
        }
        XCTAssertEqual(look.verdict, .holds)
        XCTAssertEqual(drawn, look.counts.n)
        XCTAssertEqual(look.counts.n, test.looks[look.index - 1])
        // All robust: look k decides once alpha_k^(1/n_k) >= 0.99; the fixed-n plan needs 688,
        // the sequential one pays for its looks with a slightly later look.
        XCTAssertEqual(look.counts.n, 1600)
        XCTAssertGreaterThanOrEqual(look.bounds.lower, 0.99)
    }

    func testAllUnknownNeverDecides() {
        let test = SequentialTest(delta: 0.1, alpha: 0.05, initialSampleSize: 10, growthFactor: 2, maximumSampleSize: 1000)
        let look = test.run { _ in .unknown }
        XCTAssertEqual(look.verdict, .inconclusive)
        XCTAssertEqual(look.counts.n, 1000)
    }

    /// At p exactly at the threshold (p = 1 - delta = 0.8) only FAILS is wrong. With 15 looks
    /// at alpha = 0.1, re-checking a fixed-level bound at every look errs in about 30% of runs;
    /// spending alpha over the looks keeps the error below alpha.
    func testRepeatedLooksNeedSpentAlphaWhileTheNaiveCheckExceedsAlpha() {
        let alpha = 0.1
        let delta = 0.2
        let p = 1 - delta
        let runs = 1000
        let test = SequentialTest(delta: delta, alpha: alpha, initialSampleSize: 20, growthFactor: 1.25, maximumSampleSize: 455)
        var generator = SplitMix64(seed: 31_415)
        var sequentialErrors = 0
        var naiveErrors = 0
        for _ in 0..<runs {
            let outcomes = (0..<455).map { _ in Double.random(in: 0..<1, using: &generator) < p }
            let look = test.run { outcomes[$0] ? .robust : .notRobust }
            if look.verdict == .fails { sequentialErrors += 1 }
            // Naive: the same looks, each checked with a fixed-n bound at the full alpha.
            var robust = 0
            var seen = 0
            for size in test.looks {
                while seen < size {
                    if outcomes[seen] { robust += 1 }
                    seen += 1
                }
                let lower = ClopperPearson.lowerBound(successes: robust, trials: size, alpha: alpha)
                let upper = ClopperPearson.upperBound(successes: robust, trials: size, alpha: alpha)
                let verdict = StatisticalVerdict(lower: lower, upper: upper, delta: delta)
                if verdict == .fails { naiveErrors += 1 }
                if verdict != .inconclusive { break }
            }
        }
        let slack = 4 * (alpha * (1 - alpha) / Double(runs)).squareRoot()  // 0.038
        XCTAssertLessThanOrEqual(Double(sequentialErrors) / Double(runs), alpha + slack)
        // Naive error rate ~0.3; 2 alpha = 0.2 is more than 6 standard errors below it.
        XCTAssertGreaterThan(Double(naiveErrors) / Double(runs), 2 * alpha)
        // A single fixed-n check at the last look alone is valid (the contrast is the re-checking).
    }

    func testSequentialTestDetectsAClearFailureEarly() {
        let test = SequentialTest(delta: 0.05, alpha: 0.01, initialSampleSize: 20, growthFactor: 1.5, maximumSampleSize: 10_000)
        var generator = SplitMix64(seed: 8)
        let look = test.run { _ in Double.random(in: 0..<1, using: &generator) < 0.7 ? .robust : .notRobust }
        XCTAssertEqual(look.verdict, .fails)
        XCTAssertLessThan(look.counts.n, 200)
    }
}
