/// `tanh` in `Float`, eight lanes at a time, for the float32 passes (``DenseForward`` in
/// `Float`, ``NeuralNetwork/evaluateFloat32(batch:count:)``), about ten times the throughput
/// of glibc's scalar `tanhf` and with a proven error bound.
///
/// With `a = |x|` and `s = a²`, every operation in `Float`, rounded to nearest, no fused
/// multiply-add, in the order written:
///
/// ```
/// a <  0.625:  tanh(a) ≈ a + (a s) Q(s)        Q of degree 5 (Horner), Q(0) ≈ -1/3
/// a >= 0.625:  tanh(a) = 1 - 2 / (E + 1)      E ≈ e^z, z = 2 min(a, 9)
/// a >= 9:      1                              (NaN takes the first line and stays NaN)
/// ```
///
/// and the sign of `x` copied onto the result, so `tanh(-x) = -tanh(x)` bit for bit.
/// `Q` is the Chebyshev interpolant of `(tanh(√s)/√s - 1)/s` on `[0, 0.625²]` at 6 nodes,
/// coefficients rounded to `Float` (truncation under `0.08 u`, computed with 40-digit
/// `mpmath`). `E = e^z` is ``Float32ExpReduction/exp(_:)`` (Cody-Waite reduction and a
/// degree-7 Taylor polynomial; `0 <= z <= 18`, so its `2^k` is exact).
///
/// Accuracy, the bound the float32 error analysis uses (``NeuralNetwork/enclosureFloat32(batch:count:)``,
/// `u = 2^-24`):
///
/// ```
/// |tanh(x) - tanh32(x)| <= 16 u |tanh32(x)|
/// ```
///
/// Proof: for `a >= 9` the result is 1 and `1 - tanh(a) = 2/(e^{2a}+1) < 2 e^-18 < u`; for
/// every other `Float` the bound is checked exhaustively against ``Float64Tanh`` (itself
/// proven within `16 u` of `Double`, its error charged to the check; `Float32TanhTests`,
/// all 1,091,567,616 non-negative floats below 9, the measured worst is recorded there),
/// which is enough because the function is odd bit for bit and the operations are IEEE-754
/// basic operations, deterministic on every conforming machine.
/// Below `2^-12` the result is `a` itself (`a s Q(s)` is under half an ulp of `a`), within
/// `a³/3 < u a` of `tanh(a)`.
///
/// Edge cases: `±0 -> ±0`, `±infinity -> ±1`, NaN -> NaN, subnormals unchanged.
public enum Float32Tanh {
    typealias Vector = SIMD8<Float>
    typealias Bits = SIMD8<UInt32>

    /// `tanh(x)` for one value; the same operations as a lane of ``apply(_:)``.
    public static func value(_ x: Float) -> Float { LaneMap.value(x, evaluate) }

    /// Replaces every value in `values` by its `tanh`.
    public static func apply(_ values: UnsafeMutableBufferPointer<Float>) { LaneMap.apply(values, evaluate) }

    /// `Q(s)`: the Chebyshev interpolant's coefficients, constant term first.
    private static let q0: Float = -0.3333333432674408
    private static let q1: Float = 0.13333304226398468
    private static let q2: Float = -0.053959257900714874
    private static let q3: Float = 0.02176891826093197
    private static let q4: Float = -0.008343945257365704
    private static let q5: Float = 0.002292744815349579

    @inline(__always)
    static func evaluate(_ x: Vector) -> Vector {
        let bits = unsafeBitCast(x, to: Bits.self)
        let sign = bits & 0x8000_0000
        let a = unsafeBitCast(bits & 0x7fff_ffff, to: Vector.self)

        let s = a * a
        var q = q5 * s + q4
        q = q * s + q3
        q = q * s + q2
        q = q * s + q1
        q = q * s + q0
        let small = a + (a * s) * q

        let z = (a + a).replacing(with: 18, where: .!(a .< 9))
        let large = 1 - 2 / (Float32ExpReduction.exp(z) + 1)

        let magnitude = small.replacing(with: large, where: a .>= 0.625).replacing(with: 1, where: a .>= 9)
        return unsafeBitCast(unsafeBitCast(magnitude, to: Bits.self) | sign, to: Vector.self)
    }
}
