import Network
import Foundation
import XCTest

import Sampling
import Support

/// Coverage by simulation: over many seeded Bernoulli runs, a one-sided bound at level alpha
/// must miss the true p in at most an alpha fraction of runs (up to simulation noise).
final class CoverageSimulationTests: XCTestCase {
    private let runs = 2000
    private let trials = 200

    /// The largest miss rate simulation noise can explain: alpha + 4 standard errors of a
    /// binomial proportion over `runs` runs.
    private func allowedMissRate(_ alpha: Double) -> Double {
        alpha + 4 * (alpha * (1 - alpha) / Double(runs)).squareRoot()
    }

    private func successes(p: Double, using generator: inout SplitMix64) -> Int {
        var k = 0
        for _ in 0..<trials where Double.random(in: 0..<1, using: &generator) < p { k += 1 }
        return k
    }

    func testLowerAndUpperBoundsCoverTheTrueProportion() {
        let alpha = 0.05
        var generator = SplitMix64(seed: 20_240_601)
        for p in [0.5, 0.9, 0.98] {
            var misses: [ConfidenceBoundMethod: (lower: Int, upper: Int)] = [.hoeffding: (0, 0), .clopperPearson: (0, 0)]
            for _ in 0..<runs {
                let k = successes(p: p, using: &generator)
                for method in ConfidenceBoundMethod.allCases {
                    if method.lowerBound(successes: k, trials: trials, alpha: alpha) > p { misses[method]!.lower += 1 }
                    if method.upperBound(successes: k, trials: trials, alpha: alpha) < p { misses[method]!.upper += 1 }
                }
            }
            for (method, count) in misses {
                XCTAssertLessThanOrEqual(Double(count.lower) / Double(runs), allowedMissRate(alpha), "\(method) lower, p = \(p)")
                XCTAssertLessThanOrEqual(Double(count.upper) / Double(runs), allowedMissRate(alpha), "\(method) upper, p = \(p)")
            }
        }
    }

    func testExactBoundIsNotFarFromItsNominalLevel() {
        // Clopper-Pearson is conservative but not absurdly so at p = 0.5 (misses ~ 0.03-0.05),
        // while Hoeffding is loose (misses ~ 0.01): this guards against an exact bound that is
        // trivially valid because it is too wide.
        let alpha = 0.05
        var generator = SplitMix64(seed: 7)
        var exactMisses = 0
        for _ in 0..<runs {
            let k = successes(p: 0.5, using: &generator)
            if ClopperPearson.lowerBound(successes: k, trials: trials, alpha: alpha) > 0.5 { exactMisses += 1 }
        }
        XCTAssertGreaterThan(Double(exactMisses) / Double(runs), 0.02)
    }

    func testVerdictsWithUnknownsAreWrongAtMostAlphaOfTheTime() {
        // Each sample is robust with probability 0.93 and, independently, the checker gives up
        // on 5% of samples (UNKNOWN, whatever the truth). At delta = 0.07 the class sits exactly
        // at the threshold, so FAILS is the only wrong verdict.
        let alpha = 0.05
        var generator = SplitMix64(seed: 99)
        var wrong = 0
        for _ in 0..<runs {
            var counts = VerdictCounts()
            for _ in 0..<trials {
                let robust = Double.random(in: 0..<1, using: &generator) < 0.93
                let unknown = Double.random(in: 0..<1, using: &generator) < 0.05
                counts.record(unknown ? .unknown : (robust ? .robust : .notRobust))
            }
            let entry = ClassAssessment(classIndex: 0, counts: counts, alpha: alpha, delta: 0.07, method: .clopperPearson)
            if entry.verdict == .fails { wrong += 1 }
        }
        XCTAssertLessThanOrEqual(Double(wrong) / Double(runs), allowedMissRate(alpha))
    }
}
