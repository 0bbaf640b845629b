/// `tanh` in `Double`, four lanes at a time, for every float64 evaluation of a tanh layer (the
/// float64 pass ``DenseForward`` in `Double`, ``Layer/apply(_:)-(Double)``, the sound value
/// enclosures of the bounds engine), with a proven error bound in place of an assumption
/// about the C library.
///
/// With `a = |x|` and `z = 2a` (exact), every operation in `Double`, rounded to nearest, in
/// the order written:
///
/// ```
/// tanh(a) = E / (E + 2)                 E = expm1(z) = 2^k (1 + expm1(r)) - 1
/// k = round(z log2 e)                   the 1.5·2^52 shift; the sum's bits hold k, which builds 2^k
/// r = (z - k ln2_hi) - k ln2_lo         Cody-Waite: ln2_hi has 32 significant bits
/// expm1(r) ≈ r h(r)                     h(r) = Σ_{j=0}^{12} r^j / (j+1)!  (Horner)
/// E = 2^k (r h(r)) + (2^k - 1)          2^k - 1 exact (k <= 52)
/// a < 2^-26:  a                         (tanh(a) = a (1 - a²/3 + ...))
/// a >= 18:    1                         (1 - tanh(a) = 2/(e^{2a} + 1) < 4.2 u; NaN stays NaN)
/// ```
///
/// and the sign of `x` copied onto the result, so `tanh(-x) = -tanh(x)` bit for bit. The
/// quotient `E / (E + 2)` has no cancellation, so the relative error of `E` reaches the
/// result damped by `2 / (E + 2) <= 1`; `E` itself cancels only mildly (`2^k e^r - 1` with
/// `k >= 1`, `e^r >= 2^-1/2`).
///
/// Accuracy, the bound the float64 error analyses use (``PointEnclosure``, ``DenseForward`` in
/// `Double`; `u = 2^-53`):
///
/// ```
/// |tanh(x) - tanh64(x)| <= 16 u |tanh64(x)|
/// ```
///
/// Proof: `docs/proofs/float64_tanh_bound.py` (its output beside it) reads the constants
/// below from this file and bounds, for each `k` from 0 to 52 and on sub-intervals of `r`,
/// the Cody-Waite reduction (`k ln2_hi` and `z - k ln2_hi` exact by Sterbenz), Horner's
/// rounding step by step, the truncation of the series and of the rounded coefficients, the
/// rounding of `E`, `E + 2` and the quotient, all in exact rational arithmetic with `ln 2`
/// and `e^r` enclosed by interval arithmetic. It proves `8.91 u` (the worst region: `k = 1`,
/// `r` near `-ln2/2`); with fused multiply-adds the same bound holds (each fused step rounds
/// once where the analysis charges two roundings). `Float64TanhTests` checks that the code
/// is the proof's algorithm bit for bit and compares it with glibc's `tanh` at 300,000 points
/// and around every switch.
///
/// Edge cases: `±0 -> ±0`, `±infinity -> ±1`, NaN -> NaN, subnormals unchanged.
public enum Float64Tanh {
    typealias Vector = SIMD4<Double>
    typealias Bits = SIMD4<UInt64>

    /// `tanh(x)` for one value; the same operations as a lane of ``apply(_:)``.
    public static func value(_ x: Double) -> Double { LaneMap.value(x, evaluate) }

    /// Replaces every value in `values` by its `tanh`.
    public static func apply(_ values: UnsafeMutableBufferPointer<Double>) { LaneMap.apply(values, evaluate) }

    /// `c_j = RN(1 / (j+1)!)`, the coefficients of `h`, constant term first.
    static let c0: Double = 0x1.0000000000000p+0
    static let c1: Double = 0x1.0000000000000p-1
    static let c2: Double = 0x1.5555555555555p-3
    static let c3: Double = 0x1.5555555555555p-5
    static let c4: Double = 0x1.1111111111111p-7
    static let c5: Double = 0x1.6c16c16c16c17p-10
    static let c6: Double = 0x1.a01a01a01a01ap-13
    static let c7: Double = 0x1.a01a01a01a01ap-16
    static let c8: Double = 0x1.71de3a556c734p-19
    static let c9: Double = 0x1.27e4fb7789f5cp-22
    static let c10: Double = 0x1.ae64567f544e4p-26
    static let c11: Double = 0x1.1eed8eff8d898p-29
    static let c12: Double = 0x1.6124613a86d09p-33
    /// `RN(log2 e)`, the rounding shift `1.5·2^52`, and `ln 2 ≈ ln2_hi + ln2_lo`.
    static let log2e: Double = 0x1.71547652b82fep+0
    static let shift: Double = 0x1.8p+52
    static let ln2Hi: Double = 0x1.62e42fee00000p-1
    static let ln2Lo: Double = 0x1.a39ef35793c76p-33
    /// Below `small` the result is `a`; from `saturated` on it is 1.
    static let small: Double = 0x1p-26
    static let saturated: Double = 18

    @inline(__always)
    static func evaluate(_ x: Vector) -> Vector {
        let bits = unsafeBitCast(x, to: Bits.self)
        let sign = bits & 0x8000_0000_0000_0000
        let a = unsafeBitCast(bits & 0x7fff_ffff_ffff_ffff, to: Vector.self)

        let z = a + a
        let shifted = z * log2e + shift
        let k = shifted - shift
        let r = (z - k * ln2Hi) - k * ln2Lo
        var h = Vector(repeating: c12) * r + c11
        h = h * r + c10
        h = h * r + c9
        h = h * r + c8
        h = h * r + c7
        h = h * r + c6
        h = h * r + c5
        h = h * r + c4
        h = h * r + c3
        h = h * r + c2
        h = h * r + c1
        h = h * r + c0
        let expm1R = r * h
        let twoToK = unsafeBitCast((unsafeBitCast(shifted, to: Bits.self) &+ 1023) &<< 52, to: Vector.self)
        let e = twoToK * expm1R + (twoToK - 1)
        let quotient = e / (e + 2)

        let magnitude = quotient.replacing(with: a, where: a .< small).replacing(with: 1, where: a .>= saturated)
        return unsafeBitCast(unsafeBitCast(magnitude, to: Bits.self) | sign, to: Vector.self)
    }
}
