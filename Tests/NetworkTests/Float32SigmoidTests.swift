import Foundation
import XCTest
@testable import Network

/// ``Float32Sigmoid`` against ``Float64Sigmoid`` (proven within `6.14 u |σ64| + 2^-1022` of
/// `Double`, `docs/proofs/float64_sigmoid_bound.py`; the reference's own error is charged as
/// `2^-49 |σ64| + 2^-1022`). The bound the float32 pass relies on is
/// `|σ(x) - ŷ| <= 16 u |ŷ| + 2^-125`, `u = 2^-24`.
final class Float32SigmoidTests: XCTestCase {
    private static let u = 0x1p-24

    /// The worst error in units of `u |ŷ|` (over results `|ŷ| >= 2^-100`, where the absolute
    /// term is negligible) of the floats with bit patterns in `patterns` (no NaN among them),
    /// taking every `stride`-th; fails on the first value over the bound. The values go through
    /// both functions a buffer at a time.
    private static func worstError(patterns: Range<UInt32>, stride: UInt32 = 1) -> (units: Double, at: Float) {
        var worst = (units: 0.0, at: Float(0))
        let chunk = 4_096
        var inputs = [Float](repeating: 0, count: chunk), results = inputs
        var references = [Double](repeating: 0, count: chunk)
        var bits = UInt64(patterns.lowerBound)
        while bits < UInt64(patterns.upperBound) {
            var count = 0
            while count < chunk, bits < UInt64(patterns.upperBound) {
                inputs[count] = Float(bitPattern: UInt32(bits))
                results[count] = inputs[count]
                references[count] = Double(inputs[count])
                bits += UInt64(stride)
                count += 1
            }
            results.withUnsafeMutableBufferPointer { Float32Sigmoid.apply(UnsafeMutableBufferPointer(rebasing: $0[0..<count])) }
            references.withUnsafeMutableBufferPointer { Float64Sigmoid.apply(UnsafeMutableBufferPointer(rebasing: $0[0..<count])) }
            for index in 0..<count {
                let y = Double(results[index]), reference = references[index]
                let error = (y - reference).magnitude + 0x1p-49 * reference.magnitude + 0x1p-1022
                guard error <= 16 * u * y.magnitude + 0x1p-125 else {
                    XCTFail("sigmoid32(\(inputs[index])) = \(results[index]) is \(error) from σ (bound 16 u |ŷ| + 2^-125)")
                    return (.infinity, inputs[index])
                }
                if y.magnitude >= 0x1p-100, error / (u * y.magnitude) > worst.units {
                    worst = (error / (u * y.magnitude), inputs[index])
                }
            }
        }
        return worst
    }

    /// The bit patterns of every non-NaN float: `+0 ... +infinity`, then `-0 ... -infinity`.
    private static let everyFloat: [Range<UInt32>] = [0..<(Float.infinity.bitPattern + 1),
                                                      (-Float(0)).bitPattern..<((-Float.infinity).bitPattern + 1)]

    /// Every 16,381st float of either sign, and every float in the 2^14 around each switch
    /// (0 of either sign, ±87 where the result saturates, and the worst float of the exhaustive
    /// run): within the bound, and within `3 u` (above the exhaustive worst, so a changed
    /// coefficient or a lost Cody-Waite term fails here even when it stays under the bound).
    func testSigmoidWithinItsBoundOnSampledAndSwitchingFloats() {
        var worst = 0.0
        for patterns in Self.everyFloat { worst = max(worst, Self.worstError(patterns: patterns, stride: 16_381).units) }
        for centre: Float in [0, -0.0, 87, -87, -5.8781614] {
            let bits = centre.bitPattern
            let low = centre == 0 ? bits : bits - 8_192
            worst = max(worst, Self.worstError(patterns: low..<(bits + 8_192)).units)
        }
        XCTAssertLessThanOrEqual(worst, 3)
        XCTAssertGreaterThan(worst, 1, "the sample should reach the region where the bound is nearly attained")
    }

    /// All 4,278,190,082 non-NaN floats: the proof of the bound. Runs only with
    /// `VERIFY_EXHAUSTIVE_SIGMOID=1` (about a minute in a release build, far longer in debug):
    ///
    ///     VERIFY_EXHAUSTIVE_SIGMOID=1 swift test -c release -Xswiftc -enable-testing --filter Float32SigmoidTests
    ///
    /// Recorded 2026-12-07: worst 2.992 u at `x = -5.8781614`.
    func testSigmoidWithinItsBoundOnEveryFloat() throws {
        try XCTSkipUnless(ProcessInfo.processInfo.environment["VERIFY_EXHAUSTIVE_SIGMOID"] == "1",
                          "set VERIFY_EXHAUSTIVE_SIGMOID=1 (release build) for the exhaustive check")
        var worst = (units: 0.0, at: Float(0))
        for patterns in Self.everyFloat {
            let part = Self.worstError(patterns: patterns)
            if part.units > worst.units { worst = part }
        }
        print("Float32Sigmoid: worst \(worst.units) u at \(worst.at)")
        XCTAssertLessThanOrEqual(worst.units, 3)
    }

    func testSigmoidSpecialValues() {
        XCTAssertEqual(Float32Sigmoid.value(0), 0.5)
        XCTAssertEqual(Float32Sigmoid.value(-0.0), 0.5)
        XCTAssertEqual(Float32Sigmoid.value(.infinity), 1)
        XCTAssertEqual(Float32Sigmoid.value(-.infinity).bitPattern, Float(0).bitPattern)
        XCTAssertTrue(Float32Sigmoid.value(.nan).isNaN)
        XCTAssertTrue(Float32Sigmoid.value(-Float.nan).isNaN)
        XCTAssertEqual(Float32Sigmoid.value(.leastNonzeroMagnitude), 0.5)
        XCTAssertEqual(Float32Sigmoid.value(-.leastNonzeroMagnitude), 0.5)
        XCTAssertEqual(Float32Sigmoid.value(17), 1)
        XCTAssertEqual(Float32Sigmoid.value(.greatestFiniteMagnitude), 1)
        XCTAssertEqual(Float32Sigmoid.value(-87), 0)
        XCTAssertEqual(Float32Sigmoid.value(-.greatestFiniteMagnitude), 0)
        let justAbove = Float32Sigmoid.value(Float(-87).nextUp)
        XCTAssertTrue(justAbove.isNormal && justAbove < 0x1p-125, "σ(-87⁺) = \(justAbove) should be e^-87 ≈ 1.65e-38")
        XCTAssertEqual(Float32Sigmoid.value(1) + Float32Sigmoid.value(-1), 1, accuracy: 2 * Float.ulpOfOne)
    }

    /// Buffers of every length from 0 to 19 (whole vectors and tails): each value is
    /// ``Float32Sigmoid/value(_:)``'s, NaN included, and nothing past the buffer changes.
    func testApplyMatchesValueOnEveryLength() {
        var rng = SeededGenerator(seed: 8)
        for length in 0..<20 {
            var storage = (0..<(length + 2)).map { _ in Float.random(in: -100...100, using: &rng) }
            if length > 3 { storage[2] = .nan }
            let original = storage
            storage.withUnsafeMutableBufferPointer { Float32Sigmoid.apply(UnsafeMutableBufferPointer(rebasing: $0[0..<length])) }
            for index in 0..<length {
                XCTAssertEqual(storage[index].bitPattern, Float32Sigmoid.value(original[index]).bitPattern, "length \(length), index \(index)")
            }
            XCTAssertEqual(storage[length...].map(\.bitPattern), original[length...].map(\.bitPattern))
        }
    }
}
