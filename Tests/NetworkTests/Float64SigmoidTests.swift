import Foundation
import XCTest
@testable import Network

/// ``Float64Sigmoid``: the code is the algorithm `docs/proofs/float64_sigmoid_bound.py`
/// proves within `6.14 u |σ̂| + 2^-1022` (`u = 2^-53`), and it agrees with glibc's
/// `1 / (1 + exp(-x))` to a few `u`, so a wrong step fails here.
final class Float64SigmoidTests: XCTestCase {
    private static let u = 0x1p-53

    /// The proof's description, one scalar operation at a time (the script's `sigmoid64`).
    private static func described(_ x: Double) -> Double {
        let a = x.magnitude
        var e = 0.0
        if a < 709 {
            let (k, expm1R) = Float64ExpReductionTests.described(-a)
            e = (Double(sign: .plus, exponent: Int(k) + 64, significand: 1) * (1 + expm1R)) * 0x1p-64
        }
        let denominator = 1 + e
        return x < 0 ? e / denominator : 1 / denominator
    }

    /// Random points on `[-745, 745]`, on `[-40, 40]` and log-uniform in magnitude, and every
    /// `Double` within 256 ulps of the switches (0, ±708.39 where `e^-a` turns subnormal, ±709).
    private static func points() -> [Double] {
        var generator = SeededGenerator(seed: 66)
        var points: [Double] = []
        for _ in 0..<50_000 { points.append(Double.random(in: -745...745, using: &generator)) }
        for _ in 0..<100_000 { points.append(Double.random(in: -40...40, using: &generator)) }
        for _ in 0..<50_000 {
            let magnitude = pow(2, Double.random(in: -40...5, using: &generator))
            points.append(Bool.random(using: &generator) ? magnitude : -magnitude)
        }
        for centre in [0x1p-1074, 708.3964185322641, 709, -708.3964185322641, -709] {
            var below = centre, above = centre
            for _ in 0..<256 {
                below = below.nextDown
                above = above.nextUp
                points += [below, above]
            }
        }
        return points
    }

    func testCodeIsTheProvenAlgorithmBitForBit() {
        for x in Self.points() {
            let y = Float64Sigmoid.value(x)
            let expected = Self.described(x)
            if y.bitPattern != expected.bitPattern {
                XCTFail("sigmoid64(\(x)) = \(y), the proven algorithm gives \(expected)")
                return
            }
        }
    }

    /// Within `6 u` (plus `2^-1022`) of glibc's `1 / (1 + exp(-x))`, itself within about
    /// `3 u` of the exact value (the proof's cross-check sees at most 2.73 u for ours).
    func testCloseToTheCLibrary() {
        var worst = 0.0
        for x in Self.points() {
            let y = Float64Sigmoid.value(x)
            let reference = 1 / (1 + Foundation.exp(-x))
            let excess = (y - reference).magnitude - 0x1p-1022
            guard excess > 0 else { continue }
            let units = excess / (Self.u * y.magnitude)
            if !(units <= 6) {
                XCTFail("sigmoid64(\(x)) = \(y) is \(units) u from glibc's \(reference)")
                return
            }
            worst = max(worst, units)
        }
        XCTAssertGreaterThan(worst, 0.5, "the points should reach values where the two differ")
    }

    /// The threshold the proof ran on; changing it means rerunning the proof.
    func testThresholdIsTheProvenOne() {
        XCTAssertEqual(Float64Sigmoid.saturated, 709)
    }

    func testSpecialValues() {
        XCTAssertEqual(Float64Sigmoid.value(0), 0.5)
        XCTAssertEqual(Float64Sigmoid.value(-0.0), 0.5)
        XCTAssertEqual(Float64Sigmoid.value(.infinity), 1)
        XCTAssertEqual(Float64Sigmoid.value(-.infinity), 0)
        XCTAssertEqual(Float64Sigmoid.value(40), 1)
        XCTAssertEqual(Float64Sigmoid.value(-709), 0)
        XCTAssertTrue(Float64Sigmoid.value(.nan).isNaN)
        XCTAssertTrue(Float64Sigmoid.value(-Double.nan).isNaN)
        XCTAssertGreaterThan(Float64Sigmoid.value(-708.9), 0)
        XCTAssertEqual(Float64Sigmoid.value(-30), Foundation.exp(-30) / (1 + Foundation.exp(-30)), accuracy: 8 * Self.u * 1e-13)
    }

    /// The buffer version equals the scalar one on every tail length.
    func testBufferEqualsScalar() {
        let values = (0..<11).map { Double($0) * 1.7 - 9 }
        for count in 0...values.count {
            var buffer = Array(values[..<count])
            buffer.withUnsafeMutableBufferPointer { Float64Sigmoid.apply($0) }
            XCTAssertEqual(buffer.map(\.bitPattern), values[..<count].map { Float64Sigmoid.value($0).bitPattern })
        }
    }
}
