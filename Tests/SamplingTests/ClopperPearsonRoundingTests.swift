import Foundation
import Network
import XCTest

@testable import Sampling
import Support

/// The Clopper-Pearson bounds are on the safe side of the exact ones, checked against exact
/// binomial tails in integer arithmetic (``ExactBinomialTail``), for every `k` of every
/// `n <= 60`:
///
/// ```
/// lower L:  P(Bin(n, L) >= k) <= alpha   (L is not above the exact bound: the tail increases in p)
/// upper U:  P(Bin(n, U) <= k) <= alpha   (U is not below the exact bound: the tail decreases in p)
/// ```
///
/// and they are tight: one part in 2^30 further inward the exact tail exceeds alpha.
final class ClopperPearsonRoundingTests: XCTestCase {
    let alphas = [0.05, 0.001]

    func testLowerBoundIsNeverAboveTheExactBoundAndIsTight() {
        for alpha in alphas {
            for n in 1...60 {
                for k in 1...n {
                    let lower = ClopperPearson.lowerBound(successes: k, trials: n, alpha: alpha)
                    XCTAssertTrue(ExactBinomialTail.atLeast(k, trials: n, probability: lower, isAtMost: alpha),
                                  "lower(\(k), \(n), \(alpha)) = \(lower) is above the exact bound")
                    let inward = lower * (1 + 0x1p-30)
                    XCTAssertFalse(ExactBinomialTail.atLeast(k, trials: n, probability: inward, isAtMost: alpha),
                                   "lower(\(k), \(n), \(alpha)) = \(lower) is loose")
                }
                XCTAssertEqual(ClopperPearson.lowerBound(successes: 0, trials: n, alpha: alpha), 0)
            }
        }
    }

    func testUpperBoundIsNeverBelowTheExactBoundAndIsTight() {
        for alpha in alphas {
            for n in 1...60 {
                for k in 0..<n {
                    let upper = ClopperPearson.upperBound(successes: k, trials: n, alpha: alpha)
                    XCTAssertTrue(ExactBinomialTail.atMost(k, trials: n, probability: upper, isAtMost: alpha),
                                  "upper(\(k), \(n), \(alpha)) = \(upper) is below the exact bound")
                    let inward = upper - (1 - upper) * 0x1p-30
                    XCTAssertFalse(ExactBinomialTail.atMost(k, trials: n, probability: inward, isAtMost: alpha),
                                   "upper(\(k), \(n), \(alpha)) = \(upper) is loose")
                }
                XCTAssertEqual(ClopperPearson.upperBound(successes: n, trials: n, alpha: alpha), 1)
            }
        }
    }

    /// The sound tail bound is above the exact tail and within 1e-12 relative of it.
    func testBinomialTailBoundsContainTheExactTails() {
        var generator = SplitMix64(seed: 15)
        for _ in 0..<300 {
            let n = Int.random(in: 1...60, using: &generator)
            let k = Int.random(in: 0...n, using: &generator)
            // Probabilities across scales, including tiny and near-one values.
            let x = [Double.random(in: 0..<1, using: &generator),
                     Foundation.pow(10, -Double.random(in: 0...12, using: &generator)),
                     1 - Foundation.pow(10, -Double.random(in: 1...12, using: &generator))].randomElement(using: &generator)!
            for (bound, exact) in [
                (BinomialTail.atLeastUpperBound(successes: k, trials: n, probability: x),
                 { (alpha: Double) in ExactBinomialTail.atLeast(k, trials: n, probability: x, isAtMost: alpha) }),
                (BinomialTail.atMostUpperBound(successes: k, trials: n, probability: x),
                 { (alpha: Double) in ExactBinomialTail.atMost(k, trials: n, probability: x, isAtMost: alpha) }),
            ] {
                guard !bound.isZero, bound.exponent > -1000, bound.exponent < 0 else { continue }
                let value = Double(sign: .plus, exponent: bound.exponent, significand: bound.significand)
                XCTAssertTrue(exact(value), "n = \(n), k = \(k), x = \(x): \(value) is below the exact tail")
                XCTAssertFalse(exact(value * (1 - 1e-12)), "n = \(n), k = \(k), x = \(x): \(value) is loose")
            }
        }
    }

    func testRoundedUpOperationsBoundTheExactResults() {
        // The double 0.1 is 0.1000000000000000055511151231257827..., times 3 exactly
        // 0.3000000000000000166533453693773481...; the next double above is
        // 0.3000000000000000444089209850062616 (= fl(0.1 * 3)), the one below 0.29999999999999998889...
        let product = RoundedUp(0.1).times(RoundedUp(3))
        XCTAssertEqual(Double(sign: .plus, exponent: product.exponent, significand: product.significand), 0.30000000000000004)
        // 1 / 3 rounds down in round-to-nearest (0.333...33 < 1/3), so RU is its successor.
        let third = RoundedUp(1).dividedBy(RoundedUp(3))
        XCTAssertEqual(Double(sign: .plus, exponent: third.exponent, significand: third.significand), (1.0 / 3).nextUp)
        // 1 + 2^-60 is not a double: RU is nextUp(1); tiny exponents do not underflow.
        let sum = RoundedUp(1).plus(RoundedUp(0x1p-60))
        XCTAssertEqual(Double(sign: .plus, exponent: sum.exponent, significand: sum.significand), (1.0).nextUp)
        let tiny = BinomialTail.power(RoundedUp(0.01), 100_000)
        XCTAssertFalse(tiny.isZero)
        XCTAssertEqual(tiny.exponent, Int((-200_000 * Foundation.log2(10.0)).rounded(.down)))
        // Complement: 1 - 1e-20 rounds to 1, which is above the exact value.
        XCTAssertEqual(Complement.bounds(of: 1e-20).down, (1.0).nextDown)
        XCTAssertEqual(Complement.bounds(of: 1e-20).up, 1)
        XCTAssertEqual(Complement.bounds(of: 0.75).down, 0.25)
    }
}
