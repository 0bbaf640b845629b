/// `tanh` in `Double`, four lanes at a time, for every float64 evaluation of a tanh layer (the
/// float64 pass ``DenseForward`` in `Double`, ``Layer/apply(_:)-(Double)``, the sound value
/// enclosures of the bounds engine), with a proven error bound in place of an assumption
/// about the C library.
///
/// With `a = |x|` and `z = 2a` (exact), every operation in `Double`, rounded to nearest, in
/// the order written, `k` and `r h(r) ≈ expm1(r)` from ``Float64ExpReduction``:
///
/// ```
/// tanh(a) = E / (E + 2)                 E = expm1(z) = 2^k (1 + expm1(r)) - 1
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
/// from the Swift files and bounds, for each `k` from 0 to 52 and on sub-intervals of `r`,
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

    /// Below `small` the result is `a`; from `saturated` on it is 1.
    static let small: Double = 0x1p-26
    static let saturated: Double = 18

    @inline(__always)
    static func evaluate(_ x: Vector) -> Vector {
        let bits = unsafeBitCast(x, to: Bits.self)
        let sign = bits & 0x8000_0000_0000_0000
        let a = unsafeBitCast(bits & 0x7fff_ffff_ffff_ffff, to: Vector.self)

        let z = a + a
        let (shifted, expm1R) = Float64ExpReduction.reduce(z)
        let twoToK = Float64ExpReduction.powerOfTwo(shifted)
        let e = twoToK * expm1R + (twoToK - 1)
        let quotient = e / (e + 2)

        let magnitude = quotient.replacing(with: a, where: a .< small).replacing(with: 1, where: a .>= saturated)
        return unsafeBitCast(unsafeBitCast(magnitude, to: Bits.self) | sign, to: Vector.self)
    }
}
