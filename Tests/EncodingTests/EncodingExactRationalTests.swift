import XCTest
@testable import Encoding

final class EncodingExactRationalTests: XCTestCase {
    func testBigNaturalDecimalRoundTrip() {
        for text in ["0", "1", "4294967295", "4294967296", "18446744073709551616",
                     "123456789012345678901234567890123456789"] {
            XCTAssertEqual(BigNatural(decimal: text)?.description, text)
        }
        XCTAssertNil(BigNatural(decimal: ""))
        XCTAssertNil(BigNatural(decimal: "12a"))
        XCTAssertNil(BigNatural(decimal: "-1"))
    }

    func testBigNaturalShiftsAndDivision() {
        let two100 = BigNatural(1).shiftedLeft(100)
        XCTAssertEqual(two100.description, "1267650600228229401496703205376")
        XCTAssertEqual(two100.bitWidth, 101)
        XCTAssertEqual(two100.trailingZeroBitCount, 100)
        XCTAssertEqual(two100.shiftedRight(99), BigNatural(2))
        let (q, r) = BigNatural(decimal: "1000000000000000000000007")!.quotientAndRemainder(dividingBy: BigNatural(1_000_000_007))
        XCTAssertEqual(q.description, "999999993000000")
        XCTAssertEqual(r.description, "49000007")
    }

    /// Values from the brief, with the exact dyadic expansions derived by hand:
    /// 0.1 = 3602879701896397 / 2^55, 1e-5 = 5902958103587057 / 2^69 (checked with Python fractions.Fraction).
    func testDoublesBecomeTheirExactRationals() {
        XCTAssertEqual(ExactRational(0.1).fractionString, "3602879701896397/36028797018963968")
        XCTAssertEqual(ExactRational(1e-5).fractionString, "5902958103587057/590295810358705651712")
        XCTAssertEqual(ExactRational(1.5e3).fractionString, "1500")
        XCTAssertEqual(ExactRational(-0.5).fractionString, "-1/2")
        XCTAssertEqual(ExactRational(0.0).fractionString, "0")
        XCTAssertEqual(ExactRational(-0.0).fractionString, "0")
        XCTAssertEqual(ExactRational(1e308).fractionString,
                       "1000000000000000010979063629440455417404923096773118463368106829031575" +
                       "8540491149153716332897849468889906124966972117251561159028374314008832" +
                       "8307009198146046031271664502933027185697489699588559043338384466165001" +
                       "1784268976262129451776280911957867074581227839701717844151052918028932" +
                       "07873272974885715430223118336")
        let tiny = ExactRational(-Double.leastNonzeroMagnitude)
        XCTAssertTrue(tiny.isNegative)
        XCTAssertEqual(tiny.numerator, BigNatural(1))
        XCTAssertEqual(tiny.denominator, BigNatural(1).shiftedLeft(1074))
    }

    func testSMTLIBNumeralForms() {
        XCTAssertEqual(ExactRational(0.75).smtlib2(), "(/ 3 4)")
        XCTAssertEqual(ExactRational(-0.75).smtlib2(), "(- (/ 3 4))")
        XCTAssertEqual(ExactRational(-3).smtlib2(), "(- 3)")
        XCTAssertEqual(ExactRational(2).smtlib2(realLiterals: true), "2.0")
        XCTAssertEqual(ExactRational(-0.75).smtlib2(realLiterals: true), "(- (/ 3.0 4.0))")
        for value in [1e-300, 1e300, 0.1, -123.456] {
            let text = ExactRational(value).smtlib2()
            XCTAssertFalse(text.contains("e") || text.contains("E") || text.contains("."), text)
        }
    }

    func testFractionParsing() {
        XCTAssertEqual(ExactRational(fraction: "-3/4"), ExactRational(-0.75))
        XCTAssertEqual(ExactRational(fraction: "7"), ExactRational(7))
        XCTAssertNil(ExactRational(fraction: "1/0"))
        XCTAssertNil(ExactRational(fraction: "1.5"))
        XCTAssertNil(ExactRational(fraction: "1e5"))
        XCTAssertNil(ExactRational(fraction: "--1"))
    }

    func testNearestDoubleRoundTripsEveryDouble() {
        var rng = EncodingSeededGenerator(seed: 7)
        var values: [Double] = [0, -0.0, 1, -1, 0.1, 1e-5, 1.5e3, 1e308, -1e308, .greatestFiniteMagnitude,
                                .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .leastNormalMagnitude,
                                Double.leastNormalMagnitude.nextDown, 3.0.nextUp]
        for _ in 0..<2000 { values.append(Double(bitPattern: rng.next())) }
        for value in values where value.isFinite {
            XCTAssertEqual(ExactRational(value).nearestDouble.bitPattern, value.bitPattern == (-0.0).bitPattern ? 0.0.bitPattern : value.bitPattern, "\(value)")
        }
    }

    /// For p, q < 2^53, `Double(p) / Double(q)` is correctly rounded (IEEE division), an
    /// independent oracle for the rounding of non-dyadic rationals.
    func testNearestDoubleMatchesIEEEDivision() {
        var rng = EncodingSeededGenerator(seed: 11)
        for _ in 0..<2000 {
            let p = UInt64.random(in: 1..<(1 << 53), using: &rng) >> UInt64.random(in: 0..<50, using: &rng)
            let q = UInt64.random(in: 1..<(1 << 53), using: &rng) >> UInt64.random(in: 0..<50, using: &rng)
            let exact = ExactRational(isNegative: false, numerator: BigNatural(p), denominator: BigNatural(max(q, 1)))
            XCTAssertEqual(exact.nearestDouble, Double(p) / Double(max(q, 1)), "\(p)/\(q)")
        }
    }

    func testNearestDoubleTiesAndExtremes() {
        let two53 = BigNatural(1).shiftedLeft(53)
        func value(_ n: BigNatural, _ d: BigNatural = BigNatural(1)) -> Double {
            ExactRational(isNegative: false, numerator: n, denominator: d).nearestDouble
        }
        XCTAssertEqual(value(BigNatural(decimal: "9007199254740993")!), 9007199254740992)   // 2^53+1: tie, to even
        XCTAssertEqual(value(BigNatural(decimal: "9007199254740995")!), 9007199254740996)   // 2^53+3: tie, to even
        XCTAssertEqual(value(BigNatural(1).shiftedLeft(1024)), .infinity)
        XCTAssertEqual(value(BigNatural(1), BigNatural(1).shiftedLeft(1075)), 0)           // half the least subnormal: tie to 0
        XCTAssertEqual(value(BigNatural(3), BigNatural(1).shiftedLeft(1076)), .leastNonzeroMagnitude) // 0.75 of it
        XCTAssertEqual(value(BigNatural(1), BigNatural(1).shiftedLeft(1100)), 0)
        XCTAssertEqual(value(two53, BigNatural(3)), Double(1 << 53) / 3)
    }
}
