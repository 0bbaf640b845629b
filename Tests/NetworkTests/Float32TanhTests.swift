import Foundation
import XCTest
@testable import Network

/// ``Float32Tanh`` against ``Float64Tanh`` (proven within `16 u` of `Double`,
/// `docs/proofs/float64_tanh_bound.py`, a `2^-25` fraction of a `Float` `u`; the reference's
/// own error is charged as `2^-49 |t|`).
/// The bound the float32 pass relies on is `|tanh(x) - ŷ| <= 16 u |ŷ|`, `u = 2^-24`.
final class Float32TanhTests: XCTestCase {
    /// `|tanh(x) - ŷ| / (u |ŷ|)`, the reference's error added; 0 for `ŷ = tanh(x) = 0`.
    private static func errorInUnits(_ x: Float) -> Double {
        let y = Float32Tanh.value(x)
        let reference = Float64Tanh.value(Double(x))
        let error = (Double(y) - reference).magnitude + 0x1p-49 * reference.magnitude
        if y == 0 { return x == 0 ? 0 : .infinity }
        return error / (0x1p-24 * Double(y).magnitude)
    }

    /// The worst error in units of `u` over the non-negative floats with bit patterns in
    /// `patterns`, taking every `stride`-th; fails on the first value over `16 u`, and on any
    /// value where `tanh(-x) != -tanh(x)` bit for bit.
    private static func worstError(patterns: Range<UInt32>, stride: UInt32 = 1) -> (units: Double, at: Float) {
        var worst = (units: 0.0, at: Float(0))
        var bits = patterns.lowerBound
        while bits < patterns.upperBound {
            let x = Float(bitPattern: bits)
            let units = errorInUnits(x)
            if !(units <= 16) {
                XCTFail("tanh32(\(x)) = \(Float32Tanh.value(x)) is \(units) u from tanh (bound 16 u)")
                return (units, x)
            }
            if Float32Tanh.value(-x).bitPattern != (-Float32Tanh.value(x)).bitPattern {
                XCTFail("tanh32(-\(x)) is not -tanh32(\(x))")
            }
            if units > worst.units { worst = (units, x) }
            let (next, overflow) = bits.addingReportingOverflow(stride)
            if overflow { break }
            bits = next
        }
        return worst
    }

    /// Every 16,381st float below 9, and every float in the 2^14 around each switch of
    /// formula (`2^-12`, `0.625`, `9`) and around the worst float of the exhaustive run:
    /// within `16 u`, and within `2.4 u` (the exhaustive worst, so a changed coefficient or
    /// a lost Cody-Waite term fails here even when it stays under the bound).
    func testTanhWithinItsBoundOnSampledAndSwitchingFloats() {
        var worst = Self.worstError(patterns: 0..<Float(9).bitPattern, stride: 16_381).units
        for centre: Float in [0x1p-12, 0.625, 9, 0.62830955] {
            let bits = centre.bitPattern
            worst = max(worst, Self.worstError(patterns: (bits - 8_192)..<(bits + 8_192)).units)
        }
        XCTAssertLessThanOrEqual(worst, 2.4)
        XCTAssertGreaterThan(worst, 1, "the sample should reach the region where the bound is nearly attained")
    }

    /// All 1,091,567,616 non-negative floats below 9 (above, the result is 1 and
    /// `1 - tanh(a) < 2 e^-18 < u`, see ``Float32Tanh``): the proof of the bound. Runs only with
    /// `VERIFY_EXHAUSTIVE_TANH=1` (about 100 s in a release build, far longer in debug):
    ///
    ///     VERIFY_EXHAUSTIVE_TANH=1 swift test -c release -Xswiftc -enable-testing --filter Float32TanhTests
    ///
    /// Recorded 2026-12-07 against ``Float64Tanh`` (and earlier against glibc, the same):
    /// worst 2.389 u (1.33 ulps) at `x = 0.62830955`.
    func testTanhWithinItsBoundOnEveryFloat() throws {
        try XCTSkipUnless(ProcessInfo.processInfo.environment["VERIFY_EXHAUSTIVE_TANH"] == "1",
                          "set VERIFY_EXHAUSTIVE_TANH=1 (release build) for the exhaustive check")
        let worst = Self.worstError(patterns: 0..<Float(9).bitPattern)
        print("Float32Tanh: worst \(worst.units) u at \(worst.at)")
        XCTAssertLessThanOrEqual(worst.units, 2.4)
    }

    func testTanhSpecialValues() {
        XCTAssertEqual(Float32Tanh.value(0).bitPattern, Float(0).bitPattern)
        XCTAssertEqual(Float32Tanh.value(-0.0).bitPattern, Float(-0.0).bitPattern)
        XCTAssertEqual(Float32Tanh.value(.infinity), 1)
        XCTAssertEqual(Float32Tanh.value(-.infinity), -1)
        XCTAssertTrue(Float32Tanh.value(.nan).isNaN)
        XCTAssertTrue(Float32Tanh.value(-Float.nan).isNaN)
        XCTAssertEqual(Float32Tanh.value(.leastNonzeroMagnitude), .leastNonzeroMagnitude)
        XCTAssertEqual(Float32Tanh.value(-0x1p-127), -0x1p-127)
        XCTAssertEqual(Float32Tanh.value(0x1p-13), 0x1p-13)
        XCTAssertEqual(Float32Tanh.value(9), 1)
        XCTAssertEqual(Float32Tanh.value(-.greatestFiniteMagnitude), -1)
        XCTAssertEqual(Float32Tanh.value(Float(9).nextDown), 0x1.fffffep-1)
    }

    /// Buffers of every length from 0 to 19 (whole vectors and tails): each value is
    /// ``Float32Tanh/value(_:)``'s, NaN included, and nothing past the buffer changes.
    func testApplyMatchesValueOnEveryLength() {
        var rng = SeededGenerator(seed: 7)
        for length in 0..<20 {
            var storage = (0..<(length + 2)).map { _ in Float.random(in: -12...12, using: &rng) }
            if length > 3 { storage[2] = .nan }
            let original = storage
            storage.withUnsafeMutableBufferPointer { Float32Tanh.apply(UnsafeMutableBufferPointer(rebasing: $0[0..<length])) }
            for index in 0..<length {
                XCTAssertEqual(storage[index].bitPattern, Float32Tanh.value(original[index]).bitPattern, "length \(length), index \(index)")
            }
            XCTAssertEqual(storage[length...].map(\.bitPattern), original[length...].map(\.bitPattern))
        }
    }
}
