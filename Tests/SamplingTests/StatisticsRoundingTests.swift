import Foundation
import XCTest

@testable import Sampling

/// The levels and the threshold comparison of the statistics are on the safe side of the
/// exact reals, checked in exact integer arithmetic (``OracleNatural``).
final class StatisticsRoundingTests: XCTestCase {
    /// `a / 2^e` for a double in `(0, 1]`, as integers.
    func exact(_ x: Double) -> (OracleNatural, Int) { ExactBinomialTail.dyadic(x) }

    func testPerClassLevelsSumToAtMostAlpha() {
        // fl(0.01 / 3) * 3 > 0.01 exactly (and likewise for the other pairs found below):
        // a level rounded to nearest would let the m levels sum above alpha.
        var roundedUpBefore = 0
        for alpha in [0.1, 0.05, 0.01, 0.001] {
            for m in 1...40 {
                let q = UnionBound.perClassAlpha(overall: alpha, classCount: m)
                let (qn, qe) = exact(q), (an, ae) = exact(alpha)
                // q m <= alpha  <=>  qn m 2^ae <= an 2^qe
                XCTAssertFalse(an.shifted(qe) < (qn * OracleNatural(UInt64(m))).shifted(ae), "alpha \(alpha), m \(m): \(q)")
                // Tight: the next double up is above alpha / m.
                let (un, ue) = exact(q.nextUp)
                XCTAssertTrue(an.shifted(ue) < (un * OracleNatural(UInt64(m))).shifted(ae), "alpha \(alpha), m \(m): \(q) is loose")
                if alpha / Double(m) != q { roundedUpBefore += 1 }
            }
        }
        XCTAssertGreaterThan(roundedUpBefore, 0, "no case where round-to-nearest was above alpha / m")
    }

    func testBaselSpendingLevelsAreBelowTheExactSeries() {
        // alpha_k <= alpha 6 / (π^2 k^2)  <=>  alpha_k π^2 k^2 <= 6 alpha, which follows from
        // alpha_k πhi^2 k^2 <= 6 alpha with πhi = 3.141592653589793239 > π = 3.14159265358979323846...
        // (Double.pi is below π, so a level computed in round-to-nearest is above the series.)
        let piHigh = OracleNatural(3_141_592_653_589_793_239), scale = OracleNatural(1_000_000_000_000_000_000)
        for alpha in [0.1, 0.01, 0.003] {
            let test = SequentialTest(delta: 0.1, alpha: alpha, initialSampleSize: 1, growthFactor: 2, maximumSampleSize: 2)
            let (an, ae) = exact(alpha)
            for k in 1...200 {
                let level = test.alpha(atLook: k)
                let (ln, le) = exact(level)
                let kk = OracleNatural(UInt64(k * k))
                // ln/2^le · πhi^2/10^36 · k^2 <= 6 an / 2^ae
                let left = (ln * piHigh * piHigh * kk).shifted(ae)
                let right = (OracleNatural(6) * an * scale * scale).shifted(le)
                XCTAssertFalse(right < left, "alpha \(alpha), look \(k): \(level)")
            }
        }
    }

    func testThresholdIsComparedExactly() {
        // delta = 0.01 is 0.01000000000000000020816681711721685...; 1 - delta exactly is
        // 0.98999999999999999979183318288278315..., but fl(1 - 0.01) = 0.98999999999999999111821580299875
        // lies below it. A lower bound equal to that double is below 1 - delta: not HOLDS.
        let below = 1 - 0.01
        XCTAssertEqual(StatisticalVerdict(lower: below, upper: 1, delta: 0.01), .inconclusive)
        XCTAssertEqual(StatisticalVerdict(lower: below.nextUp, upper: 1, delta: 0.01), .holds)
        // An upper bound equal to fl(1 - 0.01) is below 1 - delta: FAILS.
        XCTAssertEqual(StatisticalVerdict(lower: 0, upper: below, delta: 0.01), .fails)
        XCTAssertEqual(StatisticalVerdict(lower: 0, upper: below.nextUp, delta: 0.01), .inconclusive)
        // Exact equality: 0.75 + 0.25 = 1 holds (lower >= 1 - delta), and is not FAILS.
        XCTAssertEqual(StatisticalVerdict(lower: 0.75, upper: 0.75, delta: 0.25), .holds)
        XCTAssertEqual(StatisticalVerdict(lower: 0.5, upper: 0.75, delta: 0.25), .inconclusive)
    }

    /// Whether the double `x` in `[0, 1]` is `<=` (or `>=`) the decimal `0.digits` (exactly).
    func compare(_ x: Double, _ digits: String) -> (atMost: Bool, atLeast: Bool) {
        let (m, e) = exact(x)
        let d = OracleNatural(decimal: digits)
        var power = OracleNatural(1)
        for _ in 0..<digits.count { power = power * OracleNatural(10) }
        // x = m / 2^e,  decimal = d / 10^digits.count
        let left = m * power, right = d.shifted(e)
        return (!(right < left), !(left < right))
    }

    func testHoeffdingBoundsAreRoundedOutward() {
        // Exact bounds k/n -+ sqrt(ln(1/alpha) / (2n)), 45 digits by mpmath (80-digit
        // arithmetic), truncated: the exact value lies in [0.digits, 0.digits + 10^-45].
        // Each case is one where round-to-nearest lands on the wrong side, e.g. the double
        // nearest to 0.8 - sqrt(ln 20 / 20) is 0.4129772439795051 > 0.41297724397950506701...
        let lower: [(Int, Int, Double, String)] = [
            (8, 10, 0.05, "412977243979505067014995398660517089667674477"),
            (9, 50, 0.05, "0069181617397714677853090672915239194495308286"),
            (13, 100, 0.05, "00761265846595917381512211425446107691541165436"),
            (41, 1000, 0.05, "00229772439795050670149953986605170896676744772"),
        ]
        for (k, n, alpha, digits) in lower {
            let bound = Hoeffding.lowerBound(successes: k, trials: n, alpha: alpha)
            XCTAssertTrue(compare(bound, digits).atMost, "lower(\(k), \(n), \(alpha)) = \(bound)")
            XCTAssertEqual(bound, Double("0." + digits)!, accuracy: 1e-14)
        }
        let upper: [(Int, Int, Double, String)] = [
            (0, 10, 0.001, "587697000119199903647335289772651866870657418"),
            (0, 50, 0.05, "173081838260228532214690932708476080550469171"),
            (0, 100, 0.05, "122387341534040826184877885745538923084588346"),
            (0, 1000, 0.001, "0587697000119199903647335289772651866870657418"),
        ]
        for (k, n, alpha, digits) in upper {
            let bound = Hoeffding.upperBound(successes: k, trials: n, alpha: alpha)
            // bound >= 0.digits + 10^-len: the decimal one unit up in the last place.
            let next = OracleNatural(decimal: digits) + OracleNatural(1)
            let (m, e) = exact(bound)
            var power = OracleNatural(1)
            for _ in 0..<digits.count { power = power * OracleNatural(10) }
            XCTAssertFalse(m * power < next.shifted(e), "upper(\(k), \(n), \(alpha)) = \(bound)")
            XCTAssertEqual(bound, Double("0." + digits)!, accuracy: 1e-14)
        }
    }
}
