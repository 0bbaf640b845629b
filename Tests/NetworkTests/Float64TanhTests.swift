import Foundation
import XCTest
@testable import Network

/// ``Float64Tanh``: the code is the algorithm `docs/proofs/float64_tanh_bound.py` proves
/// within `8.91 u` (`u = 2^-53`), and it agrees with glibc's `tanh` (within 1 ulp, `2 u`) to
/// a few `u`, so a wrong coefficient or a lost reduction term fails here.
final class Float64TanhTests: XCTestCase {
    private static let u = 0x1p-53

    /// The proof's description, one scalar operation at a time (the script's `tanh64`).
    private static func described(_ x: Double) -> Double {
        let a = x.magnitude
        let y: Double
        if a < 0x1p-26 {
            y = a
        } else if a >= 18 {
            y = 1
        } else {
            let z = a + a
            let (k, expm1R) = Float64ExpReductionTests.described(z)
            let twoToK = Double(sign: .plus, exponent: Int(k), significand: 1)
            let e = twoToK * expm1R + (twoToK - 1)
            y = e / (e + 2)
        }
        return x.sign == .minus ? -y : y
    }

    /// Random points of every region (uniform on `[0, 20]`, log-uniform on `[2^-30, 1]`),
    /// their negatives, and every `Double` within 256 ulps of each switch: of formula
    /// (`2^-26`, 18) and of reduction step (`z log2 e = k + 1/2`, `a = (k + 1/2) ln2 / 2`).
    private static func points() -> [Double] {
        var generator = SeededGenerator(seed: 64)
        var points: [Double] = []
        for _ in 0..<100_000 { points.append(Double.random(in: 0...20, using: &generator)) }
        for _ in 0..<50_000 { points.append(pow(2, Double.random(in: -30...0, using: &generator))) }
        var centres: [Double] = [0x1p-26, 18]
        for k in 0...52 { centres.append((Double(k) + 0.5) * M_LN2 / 2) }
        for centre in centres {
            var below = centre, above = centre
            for _ in 0..<256 {
                below = below.nextDown
                above = above.nextUp
                points += [below, above]
            }
        }
        return points + points.map { -$0 }
    }

    func testCodeIsTheProvenAlgorithmBitForBit() {
        for x in Self.points() {
            let y = Float64Tanh.value(x)
            let expected = Self.described(x)
            if y.bitPattern != expected.bitPattern {
                XCTFail("tanh64(\(x)) = \(y), the proven algorithm gives \(expected)")
                return
            }
        }
    }

    /// Within `6 u` of glibc's value (the proof's `8.91 u` is a worst case; the script's
    /// cross-check against 30 digits sees at most 3.6 u, glibc adds at most 2 u), and odd bit
    /// for bit.
    func testCloseToTheCLibrary() {
        var worst = 0.0
        for x in Self.points() {
            let y = Float64Tanh.value(x)
            let units = (y - Foundation.tanh(x)).magnitude / (Self.u * y.magnitude)
            if !(units <= 6) {
                XCTFail("tanh64(\(x)) = \(y) is \(units) u from glibc's \(Foundation.tanh(x))")
                return
            }
            XCTAssertEqual(Float64Tanh.value(-x).bitPattern, (-y).bitPattern)
            worst = max(worst, units)
        }
        XCTAssertGreaterThan(worst, 1, "the points should reach values where the two differ")
    }

    /// The thresholds the proof ran on (`docs/proofs/float64_tanh_bound.txt`); changing one
    /// means rerunning `docs/proofs/float64_tanh_bound.py` and updating this test.
    func testThresholdsAreTheProvenOnes() {
        XCTAssertEqual([Float64Tanh.small, Float64Tanh.saturated].map(\.bitPattern), [0x3e50_0000_0000_0000, 0x4032_0000_0000_0000])
    }

    func testSpecialValues() {
        XCTAssertEqual(Float64Tanh.value(0).bitPattern, Double(0).bitPattern)
        XCTAssertEqual(Float64Tanh.value(-0.0).bitPattern, Double(-0.0).bitPattern)
        XCTAssertEqual(Float64Tanh.value(.infinity), 1)
        XCTAssertEqual(Float64Tanh.value(-.infinity), -1)
        XCTAssertEqual(Float64Tanh.value(18), 1)
        XCTAssertEqual(Float64Tanh.value(-1e300), -1)
        XCTAssertTrue(Float64Tanh.value(.nan).isNaN)
        XCTAssertTrue(Float64Tanh.value(-Double.nan).isNaN)
        XCTAssertEqual(Float64Tanh.value(.leastNonzeroMagnitude), .leastNonzeroMagnitude)
        XCTAssertEqual(Float64Tanh.value(-0x1p-1030), -0x1p-1030)
        XCTAssertEqual(Float64Tanh.value(0x1p-27), 0x1p-27)
        XCTAssertLessThan(Float64Tanh.value(17.9), 1)
    }

    /// The buffer version equals the scalar one on every tail length.
    func testBufferEqualsScalar() {
        let values = (0..<11).map { Double($0) * 0.37 - 1.5 }
        for count in 0...values.count {
            var buffer = Array(values[..<count])
            buffer.withUnsafeMutableBufferPointer { Float64Tanh.apply($0) }
            XCTAssertEqual(buffer.map(\.bitPattern), values[..<count].map { Float64Tanh.value($0).bitPattern })
        }
    }
}
