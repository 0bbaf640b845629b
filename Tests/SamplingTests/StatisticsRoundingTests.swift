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
}
