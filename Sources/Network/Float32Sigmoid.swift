/// The logistic sigmoid `σ(x) = 1 / (1 + e^-x)` in `Float`, eight lanes at a time, for the
/// float32 passes (``DenseForward`` in `Float`, ``NeuralNetwork/evaluateFloat32(batch:count:)``),
/// with an error bound checked on every `Float` in place of an assumption about the C
/// library's `expf`.
///
/// With `a = |x|`, every operation in `Float`, rounded to nearest, no fused multiply-add, in
/// the order written:
///
/// ```
/// E = e^-min(a, 87)            ``Float32ExpReduction/exp(_:)``; E >= e^-87 > 2^-126 is normal
/// x >= 0:   1 / (1 + E)        (no cancellation: the relative error of E reaches the result
/// x < 0:    E / (1 + E)         damped by E/(1+E) or 1/(1+E); from x = 87 on the first is 1)
/// x <= -87: 0                  (σ(x) < e^-87 < 2^-125; NaN stays NaN)
/// ```
///
/// Accuracy, the bound the float32 error analysis uses (``PointEnclosure``, ``DenseForward`` in
/// `Float`; `u = 2^-24`):
///
/// ```
/// |σ(x) - σ32(x)| <= 16 u |σ32(x)| + 2^-125
/// ```
///
/// Proof: checked on every `Float` against ``Float64Sigmoid`` (itself proven within
/// `6.14 u |σ64| + 2^-1022` of `Double`, `docs/proofs/float64_sigmoid_bound.py`, its error
/// charged to the check; `Float32SigmoidTests`, all 4,278,190,082 non-NaN floats, the measured
/// worst is recorded there), which is enough because the operations are IEEE-754 basic
/// operations, deterministic on every conforming machine.
///
/// Edge cases: `±0 -> 0.5`, `+infinity -> 1`, `-infinity -> 0`, NaN -> NaN.
public enum Float32Sigmoid {
    typealias Vector = SIMD8<Float>

    /// `σ(x)` for one value; the same operations as a lane of ``apply(_:)``.
    public static func value(_ x: Float) -> Float { LaneMap.value(x, evaluate) }

    /// Replaces every value in `values` by its sigmoid.
    public static func apply(_ values: UnsafeMutableBufferPointer<Float>) { LaneMap.apply(values, evaluate) }

    /// The largest `|x|` whose `e^-|x|` is computed; from `-saturated` down the result is 0.
    static let saturated: Float = 87

    @inline(__always)
    static func evaluate(_ x: Vector) -> Vector {
        let a = unsafeBitCast(unsafeBitCast(x, to: SIMD8<UInt32>.self) & 0x7fff_ffff, to: Vector.self)
        let e = Float32ExpReduction.exp(-a.replacing(with: saturated, where: a .> saturated))
        let numerator = Vector(repeating: 1).replacing(with: e, where: x .< 0)
        return (numerator / (1 + e)).replacing(with: 0, where: x .<= -saturated)
    }
}
