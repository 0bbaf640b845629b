// Early stopping that stays valid when the data are looked at repeatedly.
//
// Reference: the alpha-spending idea of K. K. G. Lan, D. L. DeMets, "Discrete sequential
// boundaries for clinical trials", Biometrika 70(3), 1983, here in its simplest
// (Bonferroni) form: a union bound over the looks.

import Encoding
import Foundation

/// A sequential test of `p >= 1 - delta` with looks on a geometric schedule.
///
/// ```
/// look k = 1, 2, ...:  n_k     = ceil(n_0 r^(k-1))   (duplicates dropped, capped at n_max)
///                      alpha_k = alpha 6 / (π^2 k^2)     (Basel spending: Σ_k alpha_k = alpha)
///                          or  alpha / 2^k               (geometric spending: Σ_k alpha_k = alpha)
/// at look k: lower = lowerBound(robust, n_k, alpha_k), upper = upperBound(robust + unknown, n_k, alpha_k)
///            stop with HOLDS if lower >= 1 - delta, with FAILS if upper < 1 - delta
/// after the last look without a decision: INCONCLUSIVE
/// ```
///
/// Why it is valid: the verdict is wrong only if at some look `k` a one-sided bound misses
/// `p`, an event of probability at most `alpha_k` (whatever happened before), so by the union
/// bound the error probability is at most `Σ_k alpha_k <= alpha`.
///
/// Why a fixed-`n` bound checked repeatedly is NOT valid: each check alone errs with
/// probability `alpha`, but the checks see overlapping data and the procedure stops at the
/// first one that errs, so the error probability is `P(∪_k E_k)`, not `P(E_k)`. The empirical
/// rate `k/n` wanders around `p` by `~sqrt(p(1-p)/n)`, and by the law of the iterated
/// logarithm it crosses any fixed-quantile boundary `z_alpha sqrt(p(1-p)/n)` infinitely often:
/// with unlimited looks the naive error probability tends to 1 (for `p` at the threshold).
/// With 15 looks at `alpha = 0.1` it is about 0.3 (see the tests).
///
/// For a claim over `m` classes run one test per class with `alpha / m` (see `UnionBound`).
public struct SequentialTest: Sendable, Hashable {
    /// How the error probability `alpha` is spread over the looks.
    public enum AlphaSpending: String, Sendable, Hashable, Codable, CaseIterable {
        /// `alpha_k = alpha 6 / (π^2 k^2)`: decays slowly, suits many looks.
        case basel
        /// `alpha_k = alpha / 2^k`: spends half of `alpha` at the first look.
        case geometric
    }

    public let delta: Double
    /// The test's level, exactly; the looks' levels are exact parts of it.
    public let level: AlphaLevel
    public let method: ConfidenceBoundMethod
    public let spending: AlphaSpending
    /// The sample sizes at which the data are looked at, strictly increasing.
    public let looks: [Int]

    /// A test at `alpha` read as its shortest decimal (see ``AlphaLevel/init(decimalOf:)``).
    public init(
        delta: Double, alpha: Double, initialSampleSize n0: Int, growthFactor r: Double,
        maximumSampleSize: Int, spending: AlphaSpending = .basel,
        method: ConfidenceBoundMethod = .clopperPearson
    ) {
        precondition(alpha > 0 && alpha < 1, "alpha must lie in (0, 1), got \(alpha)")
        self.init(delta: delta, level: AlphaLevel(decimalOf: alpha), initialSampleSize: n0, growthFactor: r,
                  maximumSampleSize: maximumSampleSize, spending: spending, method: method)
    }

    /// A test with looks at `ceil(n_0 r^(k-1))` up to `maximumSampleSize` (always the last look).
    public init(
        delta: Double, level: AlphaLevel, initialSampleSize n0: Int, growthFactor r: Double,
        maximumSampleSize: Int, spending: AlphaSpending = .basel,
        method: ConfidenceBoundMethod = .clopperPearson
    ) {
        precondition(delta > 0 && delta < 1, "delta must lie in (0, 1), got \(delta)")
        precondition(n0 >= 1, "the first look needs at least one sample, got \(n0)")
        precondition(r > 1, "the growth factor must exceed 1, got \(r)")
        precondition(maximumSampleSize >= n0, "the maximum sample size must be at least the first look")
        self.delta = delta
        self.level = level
        self.method = method
        self.spending = spending
        var looks = [Int]()
        var exponent = 0.0
        while true {
            let size = Double(n0) * Foundation.pow(r, exponent)
            let n = size >= Double(maximumSampleSize) ? maximumSampleSize : Int(size.rounded(.up))
            if looks.last.map({ n > $0 }) ?? true { looks.append(n) }
            if n >= maximumSampleSize { break }
            exponent += 1
        }
        self.looks = looks
    }

    /// The test's level rounded down to a Double.
    public var alpha: Double { level.value }

    /// The level `alpha_k` of look `k` (1-based) rounded down to a Double: the levels used sum
    /// to at most the exact `alpha`. See ``level(atLook:)``.
    public func alpha(atLook k: Int) -> Double { level(atLook: k).value }

    /// The exact level `alpha_k` of look `k` (1-based): `alpha · w_k` with a rational weight
    /// `w_k`, and `Σ_k w_k <= 1`.
    ///
    /// Basel: `w_k` is `6 / (π^2 k^2)` computed in Double and rounded below the real value:
    /// four roundings and `Double.pi` (relative error below `u = 2^-53` each, `k^2` exact for
    /// `k < 2^26`) put the computed value within `5u` relative of the real one; eight
    /// `nextDown` steps (each at least `u` relative) put it below. Geometric: `w_k = 2^-k`,
    /// exact.
    public func level(atLook k: Int) -> AlphaLevel {
        precondition(k >= 1, "looks are numbered from 1, got \(k)")
        switch spending {
        case .basel:
            var weight = 6 / (Double.pi * Double.pi * Double(k) * Double(k))
            for _ in 0..<8 { weight = weight.nextDown }
            return level.scaled(by: ExactRational(weight))
        case .geometric:
            return level.scaled(by: ExactRational(Double(sign: .plus, exponent: -k, significand: 1)))
        }
    }

    /// The decision at look `k` (1-based) from the counts of the first `looks[k-1]` samples:
    /// HOLDS or FAILS stop the test, INCONCLUSIVE continues.
    public func decision(atLook k: Int, counts: VerdictCounts) -> SequentialTest.Look {
        precondition(k >= 1 && k <= looks.count, "look \(k) is outside 1...\(looks.count)")
        precondition(counts.n == looks[k - 1], "look \(k) is at \(looks[k - 1]) samples, got \(counts.n)")
        let look = level(atLook: k)
        let bounds = ProportionInterval(
            lower: method.lowerBound(successes: counts.pessimisticSuccesses, trials: counts.n, alpha: look.value),
            upper: method.upperBound(successes: counts.optimisticSuccesses, trials: counts.n, alpha: look.value))
        return Look(
            index: k, counts: counts, level: look, bounds: bounds,
            verdict: StatisticalVerdict(lower: bounds.lower, upper: bounds.upper, delta: delta))
    }

    /// Draws samples `0, 1, 2, ...` from `outcome` until a look decides or the schedule ends.
    ///
    /// Postconditions: the result's verdict is wrong with probability at most `alpha`.
    public func run(_ outcome: (Int) throws -> SampleOutcome) rethrows -> SequentialTest.Look {
        var counts = VerdictCounts()
        var last: Look?
        for (offset, size) in looks.enumerated() {
            while counts.n < size { counts.record(try outcome(counts.n)) }
            let look = decision(atLook: offset + 1, counts: counts)
            if look.verdict != .inconclusive { return look }
            last = look
        }
        return last!
    }

    /// What one look saw and decided.
    public struct Look: Sendable, Hashable, Codable {
        /// 1-based.
        public var index: Int
        public var counts: VerdictCounts
        /// `alpha_k`, exactly (JSON key `alpha`).
        public var level: AlphaLevel
        /// Lower bound from `robust`, upper from `robust + unknown`, each one-sided at `alpha_k`.
        public var bounds: ProportionInterval
        public var verdict: StatisticalVerdict

        enum CodingKeys: String, CodingKey {
            case index, counts, bounds, verdict
            case level = "alpha"
        }

        /// `alpha_k` rounded down: the level of this look's bounds.
        public var alpha: Double { level.value }
    }
}
