import Foundation
import XCTest

@testable import Encoding

/// Directed rounding against exact Float80 arithmetic (exact for the operands drawn here:
/// sums of Doubles whose exponents differ by at most 10, products of 26-bit significands).
final class BoundsRoundingTests: XCTestCase {
    /// The largest Double `<=` an exact Float80 value.
    private func roundDown(_ x: Float80) -> Double {
        let d = Double(x)
        return Float80(d) <= x ? d : d.nextDown
    }

    private func roundUp(_ x: Float80) -> Double {
        let d = Double(x)
        return Float80(d) >= x ? d : d.nextUp
    }

    func testSpecialCases() {
        typealias R = DirectedRounding
        XCTAssertEqual(R.addDown(1, 0x1p-60), 1)
        XCTAssertEqual(R.addUp(1, 0x1p-60), (1.0).nextUp)
        XCTAssertEqual(R.addDown(1, 2), 3)
        XCTAssertEqual(R.addUp(1, 2), 3)
        // fl(1/3) * 3 = 1 - 2^-54 exactly, which rounds to nearest (tie to even) to 1.
        XCTAssertEqual(R.mulDown(1.0 / 3.0, 3), (1.0).nextDown)
        XCTAssertEqual(R.mulUp(1.0 / 3.0, 3), 1)
        XCTAssertEqual(R.mulDown(0, .infinity), 0)
        XCTAssertEqual(R.mulDown(-2, 0.5), -1)
        // Overflow, infinities, NaN.
        XCTAssertEqual(R.addDown(.greatestFiniteMagnitude, .greatestFiniteMagnitude), .greatestFiniteMagnitude)
        XCTAssertEqual(R.addUp(.greatestFiniteMagnitude, .greatestFiniteMagnitude), .infinity)
        XCTAssertEqual(R.mulDown(-.greatestFiniteMagnitude, 2), -.infinity)
        XCTAssertEqual(R.mulUp(-.greatestFiniteMagnitude, 2), -.greatestFiniteMagnitude)
        XCTAssertEqual(R.addDown(.infinity, -.infinity), -.infinity)
        XCTAssertEqual(R.addUp(.infinity, -.infinity), .infinity)
        XCTAssertEqual(R.addDown(.nan, 1), -.infinity)
        XCTAssertEqual(R.mulUp(.nan, 1), .infinity)
        // Underflow: a nonzero product never rounds to a zero of the wrong side.
        // (tiny products step unconditionally: sound, at most one subnormal step off).
        XCTAssertTrue((-.leastNonzeroMagnitude...0).contains(R.mulDown(0x1p-600, 0x1p-600)))
        XCTAssertGreaterThan(R.mulUp(0x1p-600, 0x1p-600), 0)
        XCTAssertLessThan(R.mulDown(-0x1p-600, 0x1p-600), 0)
        XCTAssertTrue((0...Double.leastNonzeroMagnitude).contains(R.mulUp(-0x1p-600, 0x1p-600)))
        XCTAssertGreaterThan(R.gammaUp(10), 10 * 0x1p-53)
    }

    func testSumsMatchExactRounding() {
        var rng = BoundsRandom(seed: 11)
        for _ in 0..<20000 {
            let e = Int.random(in: -30...30, using: &rng)
            let a = Double(sign: .plus, exponent: e, significand: Double.random(in: 1..<2, using: &rng))
                * (Bool.random(using: &rng) ? 1 : -1)
            let b = Double(sign: .plus, exponent: e + Int.random(in: -10...10, using: &rng),
                           significand: Double.random(in: 1..<2, using: &rng)) * (Bool.random(using: &rng) ? 1 : -1)
            let exact = Float80(a) + Float80(b)
            XCTAssertEqual(DirectedRounding.addDown(a, b), roundDown(exact), "\(a) + \(b)")
            XCTAssertEqual(DirectedRounding.addUp(a, b), roundUp(exact), "\(a) + \(b)")
        }
    }

    func testProductsMatchExactRounding() {
        var rng = BoundsRandom(seed: 12)
        func short() -> Double {
            // 32-bit significand: products have at most 64 significant bits (exact in
            // Float80) and usually more than 53 (inexact in Double).
            let m = Double(Int.random(in: (1 << 31)..<(1 << 32), using: &rng))
            return m * Double(sign: .plus, exponent: Int.random(in: -60...40, using: &rng), significand: 1)
                * (Bool.random(using: &rng) ? 1 : -1)
        }
        for _ in 0..<20000 {
            let a = short(), b = short()
            let exact = Float80(a) * Float80(b)
            XCTAssertEqual(DirectedRounding.mulDown(a, b), roundDown(exact))
            XCTAssertEqual(DirectedRounding.mulUp(a, b), roundUp(exact))
        }
        // Full-precision operands: the result brackets the product and is at most one ulp off.
        for _ in 0..<20000 {
            let a = Double.random(in: -4...4, using: &rng), b = Double.random(in: -4...4, using: &rng)
            let down = DirectedRounding.mulDown(a, b), up = DirectedRounding.mulUp(a, b)
            XCTAssertTrue(down == up || down.nextUp == up)
            XCTAssertTrue(down <= a * b && a * b <= up)
        }
    }
}
