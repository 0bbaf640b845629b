/// The logistic sigmoid `σ(x) = 1 / (1 + e^-x)` in `Double`, four lanes at a time, for every
/// float64 evaluation of a sigmoid layer (the float64 pass ``DenseForward`` in `Double`,
/// ``Layer/apply(_:)-(Double)``, the sound value enclosures of the bounds engine), with a
/// proven error bound in place of an assumption about the C library's `exp`.
///
/// With `a = |x|`, `z = -a`, every operation in `Double`, rounded to nearest, in the order
/// written, `k` and `r h(r) ≈ expm1(r)` from ``Float64ExpReduction``:
///
/// ```
/// E = (2^(k+64) (1 + r h(r))) 2^-64     E ≈ e^-a <= 1; the two scalings are exact unless E
///                                       is subnormal (a > 708.39)
/// x >= 0:   1 / (1 + E)                 (no cancellation: the relative error of E reaches
/// x < 0:    E / (1 + E)                  the result damped by E/(1+E) or 1/(1+E))
/// a >= 709: 1 for x > 0, 0 for x < 0    (1 - σ(a) = σ(-a) < e^-709 < 2^-1022; NaN stays NaN)
/// ```
///
/// Accuracy, the bound the float64 error analyses use (``PointEnclosure``, ``DenseForward`` in
/// `Double`; `u = 2^-53`):
///
/// ```
/// |σ(x) - σ64(x)| <= 16 u |σ64(x)| + 2^-1022
/// ```
///
/// Proof: `docs/proofs/float64_sigmoid_bound.py` (its output beside it), on the reduction's
/// bounds of `docs/proofs/exp_reduction.py`: it proves `6.14 u |σ64(x)| + 2^-1022`, the
/// absolute term covering the subnormal results below `x = -708.39` and the cut-off at -709.
/// `Float64SigmoidTests` checks that the code is the proof's algorithm bit for bit and
/// compares it with `1 / (1 + exp(-x))` from glibc.
///
/// Edge cases: `±0 -> 0.5`, `+infinity -> 1`, `-infinity -> 0`, NaN -> NaN.
public enum Float64Sigmoid {
    typealias Vector = SIMD4<Double>
    typealias Bits = SIMD4<UInt64>

    /// `σ(x)` for one value; the same operations as a lane of ``apply(_:)``.
    public static func value(_ x: Double) -> Double { LaneMap.value(x, evaluate) }

    /// Replaces every value in `values` by its sigmoid.
    public static func apply(_ values: UnsafeMutableBufferPointer<Double>) { LaneMap.apply(values, evaluate) }

    /// From `saturated` on, `E` is taken as 0 (the result is 1 or 0).
    static let saturated: Double = 709

    @inline(__always)
    static func evaluate(_ x: Vector) -> Vector {
        let a = unsafeBitCast(unsafeBitCast(x, to: Bits.self) & 0x7fff_ffff_ffff_ffff, to: Vector.self)
        let (shifted, expm1R) = Float64ExpReduction.reduce(-a)
        let scaled = Float64ExpReduction.powerOfTwo(shifted, offset: 64) * (1 + expm1R)
        let e = (scaled * 0x1p-64).replacing(with: 0, where: a .>= saturated)
        let denominator = 1 + e
        let positive = 1 / denominator
        let negative = e / denominator
        return positive.replacing(with: negative, where: x .< 0)
    }
}
