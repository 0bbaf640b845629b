/// `e^z` in `Float`, eight lanes at a time, shared by ``Float32Tanh`` and ``Float32Sigmoid``;
/// every operation in `Float`, rounded to nearest, no fused multiply-add, in the order written:
///
/// ```
/// k   = round(z log2 e)              the 1.5·2^23 shift: the sum's bits hold k (ties to even)
/// r   = (z - k ln2_hi) - k ln2_lo    Cody-Waite: ln2_hi has 9 significant bits, so k ln2_hi
///                                    is exact for |k| < 2^15
/// e^r ≈ 1 + (r + r² P(r))            P the Taylor polynomial of (e^r - 1 - r)/r² of degree 5,
///                                    |r| <= 0.36, truncation r^8/8! < 0.1 u
/// e^z ≈ e^r · 2^k                    2^k built in the exponent field: exact for -126 <= k <= 127
/// ```
///
/// valid for `-87 <= z <= 88` (then `-126 <= k <= 127` and the result is normal). No bound is
/// proven for this step alone: each caller's bound is checked on every `Float` it maps here
/// (`Float32TanhTests`, `Float32SigmoidTests`), which suffices because every operation is an
/// IEEE-754 basic operation, deterministic on every conforming machine.
enum Float32ExpReduction {
    typealias Vector = SIMD8<Float>
    typealias Bits = SIMD8<UInt32>

    /// `RN(log2 e)`, the rounding shift `1.5·2^23`, and `ln 2 ≈ ln2_hi + ln2_lo`.
    static let log2e: Float = 1.44269504088896341
    static let shift: Float = 0x1.8p23
    static let ln2Hi: Float = 0x1.63p-1
    static let ln2Lo: Float = -2.12194440e-4

    /// `e^z` for `-87 <= z <= 88` (see the type); NaN gives NaN.
    @inline(__always)
    static func exp(_ z: Vector) -> Vector {
        let shifted = z * log2e + shift
        let k = shifted - shift
        let r = (z - k * ln2Hi) - k * ln2Lo
        var p = Vector(repeating: 1 / 5040) * r + 1 / 720
        p = p * r + 1 / 120
        p = p * r + 1 / 24
        p = p * r + 1 / 6
        p = p * r + 1 / 2
        let expR = 1 + (r + (r * r) * p)
        let twoToK = unsafeBitCast((unsafeBitCast(shifted, to: Bits.self) &+ 127) &<< 23, to: Vector.self)
        return expR * twoToK
    }
}
