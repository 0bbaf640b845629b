// SplitMix64: a 64-bit counter-based generator and its mixing function.
//
// Reference: G. L. Steele, D. Lea, C. H. Flood, "Fast splittable pseudorandom number
// generators", OOPSLA 2014 (the `mix64` variant with the constants of S. Vigna's
// `splitmix64.c`, public domain).

/// A seeded SplitMix64 random number generator for library randomness (attacks, tests).
///
/// ```
/// state  <- state + 0x9E3779B97F4A7C15          (mod 2^64)
/// output  = SplitMix64.mix(state)
/// ```
///
/// The first output for seed `0` is `0xE220A8397B1DCDAF` (the published reference value).
/// Not cryptographic. Value type: copying a generator forks the stream.
///
/// Postconditions: the same seed gives the same sequence on every platform.
public struct SplitMix64: RandomNumberGenerator, Sendable, Hashable {
    /// The Weyl increment, `floor(2^64 / golden ratio)` made odd.
    public static let increment: UInt64 = 0x9E37_79B9_7F4A_7C15

    /// The current internal state (the last counter value used).
    public private(set) var state: UInt64

    /// A generator whose stream is fully determined by `seed`.
    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= Self.increment
        return Self.mix(state)
    }

    /// The SplitMix64 finalizer, a bijection of `UInt64` with good avalanche behaviour.
    ///
    /// ```
    /// z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9      (mod 2^64)
    /// z = (z ^ (z >> 27)) * 0x94D049BB133111EB      (mod 2^64)
    /// z =  z ^ (z >> 31)
    /// ```
    @inlinable
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
