// Sums, differences, products and greatest common divisors of arbitrary-precision naturals:
// what exact rational arithmetic (`ExactRational+Arithmetic.swift`) needs. Schoolbook
// algorithms on base-2^32 limbs (D. Knuth, TAOCP vol. 2, 4.3.1); the binary GCD is
// Stein's algorithm (TAOCP 4.5.2, Algorithm B).

extension BigNatural {
    /// `a + b`.
    public static func + (a: BigNatural, b: BigNatural) -> BigNatural {
        let (long, short) = a.limbs.count >= b.limbs.count ? (a.limbs, b.limbs) : (b.limbs, a.limbs)
        var result = [UInt32](repeating: 0, count: long.count + 1)
        var carry: UInt64 = 0
        for index in long.indices {
            let sum = UInt64(long[index]) + (index < short.count ? UInt64(short[index]) : 0) + carry
            result[index] = UInt32(truncatingIfNeeded: sum)
            carry = sum >> 32
        }
        result[long.count] = UInt32(carry)
        return BigNatural(normalizing: result)
    }

    /// `a - b`. - Precondition: `a >= b`.
    public static func - (a: BigNatural, b: BigNatural) -> BigNatural {
        precondition(!(a < b), "BigNatural subtraction underflow")
        var result = a.limbs
        var borrow: Int64 = 0
        for index in result.indices {
            var difference = Int64(result[index]) - borrow - (index < b.limbs.count ? Int64(b.limbs[index]) : 0)
            if difference < 0 {
                difference += 1 << 32
                borrow = 1
            } else {
                borrow = 0
            }
            result[index] = UInt32(difference)
        }
        return BigNatural(normalizing: result)
    }

    /// `a · b`, schoolbook: O(limbs(a) · limbs(b)).
    public static func * (a: BigNatural, b: BigNatural) -> BigNatural {
        if a.isZero || b.isZero { return BigNatural(0) }
        var result = [UInt32](repeating: 0, count: a.limbs.count + b.limbs.count)
        for i in a.limbs.indices {
            var carry: UInt64 = 0
            let x = UInt64(a.limbs[i])
            if x == 0 { continue }
            for j in b.limbs.indices {
                // x·y + r + c <= (2^32-1)^2 + 2(2^32-1) = 2^64 - 1: no overflow.
                let t = x * UInt64(b.limbs[j]) + UInt64(result[i + j]) + carry
                result[i + j] = UInt32(truncatingIfNeeded: t)
                carry = t >> 32
            }
            result[i + b.limbs.count] = UInt32(carry)
        }
        return BigNatural(normalizing: result)
    }

    /// Whether the value is `2^k` for some `k >= 0`.
    public var isPowerOfTwo: Bool { !isZero && bitWidth - 1 == trailingZeroBitCount }

    /// `10^exponent`. - Precondition: `exponent >= 0`.
    public static func powerOfTen(_ exponent: Int) -> BigNatural {
        precondition(exponent >= 0)
        var result = BigNatural(1)
        var base = BigNatural(10)
        var e = exponent
        while e > 0 {
            if e & 1 == 1 { result = result * base }
            e >>= 1
            if e > 0 { base = base * base }
        }
        return result
    }

    /// The greatest common divisor (`gcd(0, b) = b`), by Stein's binary algorithm:
    ///
    /// ```
    /// gcd(a, b) = 2^k · gcd(a', b')     k = min(tz(a), tz(b)), a', b' odd
    /// gcd(a', b') = gcd(|a' - b'| / 2^tz, min(a', b'))  until one is zero
    /// ```
    public static func gcd(_ a: BigNatural, _ b: BigNatural) -> BigNatural {
        if a.isZero { return b }
        if b.isZero { return a }
        if let x = a.uint64Value, let y = b.uint64Value { return BigNatural(gcd64(x, y)) }
        let shift = Swift.min(a.trailingZeroBitCount, b.trailingZeroBitCount)
        var u = a.shiftedRight(a.trailingZeroBitCount)
        var v = b.shiftedRight(b.trailingZeroBitCount)
        while !v.isZero {
            if let x = u.uint64Value, let y = v.uint64Value {
                u = BigNatural(gcd64(x, y))
                break
            }
            if v < u { swap(&u, &v) }
            v = v - u
            if !v.isZero { v = v.shiftedRight(v.trailingZeroBitCount) }
        }
        return u.shiftedLeft(shift)
    }

    private static func gcd64(_ a: UInt64, _ b: UInt64) -> UInt64 {
        var (x, y) = (a, b)
        while y != 0 { (x, y) = (y, x % y) }
        return x
    }

    /// `floor(self / divisor)`, with fast paths when both operands fit 64 bits and when the
    /// divisor fits one limb (short division, most significant limb first:
    /// `(r · 2^32 + limb) / d` with `r < d < 2^32` fits 64 bits).
    func dividedExactly(by divisor: BigNatural) -> BigNatural {
        precondition(!divisor.isZero, "division by zero")
        if divisor == BigNatural(1) { return self }
        if let x = uint64Value, let y = divisor.uint64Value { return BigNatural(x / y) }
        if divisor.limbs.count == 1 {
            let d = UInt64(divisor.limbs[0])
            var quotient = limbs
            var remainder: UInt64 = 0
            for index in stride(from: limbs.count - 1, through: 0, by: -1) {
                let current = remainder << 32 | UInt64(limbs[index])
                quotient[index] = UInt32(current / d)
                remainder = current % d
            }
            return BigNatural(normalizing: quotient)
        }
        return quotientAndRemainder(dividingBy: divisor).quotient
    }

    private init(normalizing limbs: [UInt32]) {
        self.init(0)
        var trimmed = limbs
        while trimmed.last == 0 { trimmed.removeLast() }
        self.limbs = trimmed
    }
}
