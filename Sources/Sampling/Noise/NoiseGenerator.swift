// Counter-based standard normal noise: sample i of class c is a pure function of
// (seed, c, i), so any thread, shard or order produces the same noise for the same index.
//
// Box-Muller: G. E. P. Box, M. E. Muller, "A note on the generation of random normal
// deviates", Ann. Math. Statist. 29(2), 1958.

import Network
import Foundation
import Support

/// Deterministic standard normal noise `x ~ N(0, I_d)` addressed by (seed, class, sample index).
///
/// Exact construction (all integer arithmetic modulo 2^64; `mix` is `SplitMix64.mix`,
/// `γ = 0x9E3779B97F4A7C15`; a negative `Int` enters as its two's-complement bit pattern):
///
/// ```
/// combine(h, v) = mix(h ^ (v + γ))
/// key           = combine(combine(mix(seed + γ), class), index)
/// for pair j = 0, 1, ..., ceil(d/2) - 1:
///     w1 = combine(key, 2j)          w2 = combine(key, 2j + 1)
///     u1 = ((w1 >> 11) + 1) * 2^-53  in (0, 1]   (never 0: log is finite)
///     u2 = ((w2 >> 11) + 1) * 2^-53  in (0, 1]
///     r  = sqrt(-2 ln u1)            θ = 2π u2
///     x[2j] = r cos θ                x[2j+1] = r sin θ     (the last one dropped if d is odd)
/// ```
///
/// In Python (`M = 2**64 - 1`, `mix` as in `SplitMix64.mix` with `& M` after each product):
///
/// ```
/// def combine(h, v): return mix(h ^ ((v + G) & M))
/// key = combine(combine(mix((seed + G) & M), c & M), i & M)
/// u1 = ((combine(key, 2*j) >> 11) + 1) * 2.0**-53   # likewise u2 with 2*j + 1
/// ```
///
/// The integers and the uniforms are bit-exact everywhere; the normals match to the last
/// ulp or so (they go through the platform's `log`, `cos`, `sin`).
///
/// Edge cases: `dimension == 0` gives `[]`; `u1 = 1` gives the value `0` (r = 0);
/// the largest magnitude is `sqrt(-2 ln 2^-53) ≈ 8.57`, so no NaN or infinity is possible.
///
/// Postconditions: `noise(...).count == dimension`; every entry is finite; the noise for
/// dimension `d` is a prefix of the noise for any larger dimension (pairs do not depend on `d`).
public struct NoiseGenerator: Sendable, Hashable {
    /// The experiment's seed.
    public let seed: UInt64
    /// The noise dimension `p` of the generator's input.
    public let dimension: Int

    public init(seed: UInt64, dimension: Int) {
        precondition(dimension >= 0, "noise dimension must be non-negative, got \(dimension)")
        self.seed = seed
        self.dimension = dimension
    }

    /// The noise of sample `sampleIndex` of class `classIndex` for this seed and dimension.
    public func noise(classIndex: Int, sampleIndex: Int) -> [Double] {
        Self.noise(seed: seed, classIndex: classIndex, sampleIndex: sampleIndex, dimension: dimension)
    }

    /// The noise of sample `sampleIndex` of class `classIndex`; see the type's documentation.
    public static func noise(seed: UInt64, classIndex: Int, sampleIndex: Int, dimension: Int) -> [Double] {
        precondition(dimension >= 0, "noise dimension must be non-negative, got \(dimension)")
        let key = sampleKey(seed: seed, classIndex: classIndex, sampleIndex: sampleIndex)
        var result = [Double]()
        result.reserveCapacity(dimension)
        var pair: UInt64 = 0
        while result.count < dimension {
            let u1 = unitInterval(combine(key, 2 &* pair))
            let u2 = unitInterval(combine(key, 2 &* pair &+ 1))
            let radius = (-2.0 * Foundation.log(u1)).squareRoot()
            let angle = 2.0 * Double.pi * u2
            result.append(radius * Foundation.cos(angle))
            if result.count < dimension {
                result.append(radius * Foundation.sin(angle))
            }
            pair &+= 1
        }
        return result
    }

    /// `key = combine(combine(mix(seed + γ), class), index)`.
    @usableFromInline
    static func sampleKey(seed: UInt64, classIndex: Int, sampleIndex: Int) -> UInt64 {
        let seeded = SplitMix64.mix(seed &+ SplitMix64.increment)
        let classed = combine(seeded, UInt64(bitPattern: Int64(classIndex)))
        return combine(classed, UInt64(bitPattern: Int64(sampleIndex)))
    }

    /// `combine(h, v) = mix(h ^ (v + γ))`: injective in `v` for a fixed `h`.
    @usableFromInline
    static func combine(_ hash: UInt64, _ value: UInt64) -> UInt64 {
        SplitMix64.mix(hash ^ (value &+ SplitMix64.increment))
    }

    /// `((w >> 11) + 1) * 2^-53`: the top 53 bits as a uniform in `(0, 1]`, exactly representable.
    @usableFromInline
    static func unitInterval(_ word: UInt64) -> Double {
        Double((word >> 11) &+ 1) * 0x1p-53
    }
}
