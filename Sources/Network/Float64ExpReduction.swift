/// The argument reduction and `expm1` series shared by ``Float64Tanh`` and ``Float64Sigmoid``,
/// four lanes at a time, every operation in `Double` rounded to nearest, in the order written:
///
/// ```
/// k = round(z log2 e)                   the 1.5·2^52 shift: the sum's bits hold k (ties to even)
/// r = (z - k ln2_hi) - k ln2_lo         Cody-Waite: ln2_hi has 32 significant bits, so
///                                       k ln2_hi is exact for |k| < 2^21
/// expm1(r) ≈ r h(r)                     h(r) = Σ_{j=0}^{12} r^j / (j+1)!  (Horner, c_j = RN(1/(j+1)!))
/// ```
///
/// so that `e^z = 2^k (1 + expm1(r))` with `|r| <= ln2/2` (plus rounding). The error of each
/// step is bounded in `docs/proofs/exp_reduction.py`, which reads these constants from this
/// file; the callers' proofs build on it.
enum Float64ExpReduction {
    typealias Vector = SIMD4<Double>
    typealias Bits = SIMD4<UInt64>

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

    /// `(k + 1.5·2^52, r h(r))` for `z` (see the type); `k` is `shifted - shift`, exactly.
    @inline(__always)
    static func reduce(_ z: Vector) -> (shifted: Vector, expm1R: Vector) {
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
        return (shifted, r * h)
    }

    /// `2^(k + offset)` from `shifted = k + 1.5·2^52`, for `-1022 <= k + offset <= 1023`: the
    /// low bits of `shifted` hold `k`, moved into the exponent field.
    @inline(__always)
    static func powerOfTwo(_ shifted: Vector, offset: UInt64 = 0) -> Vector {
        unsafeBitCast((unsafeBitCast(shifted, to: Bits.self) &+ (1023 &+ offset)) &<< 52, to: Vector.self)
    }
}
