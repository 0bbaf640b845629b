/// A minimal arbitrary-precision natural number, just enough to write and read the exact
/// rationals that cross the solver boundary (a finite `Double` is `m · 2^e` with `m < 2^53`
/// and `-1074 <= e <= 971`, so its numerator or denominator has at most 1,075 bits, and
/// Z3 models can carry larger ones).
///
/// Storage: little-endian base-2^32 limbs without trailing zero limbs (zero is `[]`).
/// Operations are schoolbook; the numbers here are small and conversions are rare.
public struct BigNatural: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Little-endian base-2^32 digits, normalized (no most-significant zero limbs).
    @usableFromInline var limbs: [UInt32]

    public init(_ value: UInt64) {
        limbs = [UInt32(truncatingIfNeeded: value), UInt32(truncatingIfNeeded: value >> 32)]
        normalize()
    }

    /// Parses a non-empty string of ASCII decimal digits; `nil` on anything else.
    public init?(decimal text: some StringProtocol) {
        guard !text.isEmpty else { return nil }
        limbs = []
        var chunk: UInt32 = 0
        var chunkDigits = 0
        for byte in text.utf8 {
            guard byte >= 48, byte <= 57 else { return nil }
            chunk = chunk * 10 + UInt32(byte - 48)
            chunkDigits += 1
            if chunkDigits == 9 {
                multiplyAdd(multiplier: 1_000_000_000, addend: chunk)
                chunk = 0
                chunkDigits = 0
            }
        }
        if chunkDigits > 0 {
            var power: UInt32 = 1
            for _ in 0..<chunkDigits { power *= 10 }
            multiplyAdd(multiplier: power, addend: chunk)
        }
    }

    public var isZero: Bool { limbs.isEmpty }

    /// Number of significant bits (0 for zero).
    public var bitWidth: Int {
        guard let top = limbs.last else { return 0 }
        return limbs.count * 32 - top.leadingZeroBitCount
    }

    /// Number of trailing zero bits (0 for zero).
    public var trailingZeroBitCount: Int {
        for (index, limb) in limbs.enumerated() where limb != 0 {
            return index * 32 + limb.trailingZeroBitCount
        }
        return 0
    }

    /// Bit `index` (0 = least significant).
    public func bit(_ index: Int) -> Bool {
        let limb = index >> 5
        guard limb < limbs.count else { return false }
        return (limbs[limb] >> UInt32(index & 31)) & 1 == 1
    }

    /// The value if it fits in 64 bits.
    public var uint64Value: UInt64? {
        switch limbs.count {
        case 0: return 0
        case 1: return UInt64(limbs[0])
        case 2: return UInt64(limbs[0]) | UInt64(limbs[1]) << 32
        default: return nil
        }
    }

    /// `self · 2^shift`.
    public func shiftedLeft(_ shift: Int) -> BigNatural {
        precondition(shift >= 0)
        guard !isZero, shift > 0 else { return self }
        let whole = shift >> 5, part = UInt32(shift & 31)
        var result = [UInt32](repeating: 0, count: whole)
        result.reserveCapacity(whole + limbs.count + 1)
        if part == 0 {
            result.append(contentsOf: limbs)
        } else {
            var carry: UInt32 = 0
            for limb in limbs {
                result.append(limb << part | carry)
                carry = limb >> (32 - part)
            }
            result.append(carry)
        }
        var value = BigNatural(limbs: result)
        value.normalize()
        return value
    }

    /// `floor(self / 2^shift)`.
    public func shiftedRight(_ shift: Int) -> BigNatural {
        precondition(shift >= 0)
        let whole = shift >> 5, part = UInt32(shift & 31)
        guard whole < limbs.count else { return BigNatural(0) }
        var result = [UInt32](repeating: 0, count: limbs.count - whole)
        for index in result.indices {
            let low = limbs[index + whole]
            let high: UInt32 = index + whole + 1 < limbs.count ? limbs[index + whole + 1] : 0
            result[index] = part == 0 ? low : (low >> part | high << (32 - part))
        }
        var value = BigNatural(limbs: result)
        value.normalize()
        return value
    }

    /// `floor(self / divisor)` and the remainder. Binary long division: O(bits · limbs).
    public func quotientAndRemainder(dividingBy divisor: BigNatural) -> (quotient: BigNatural, remainder: BigNatural) {
        precondition(!divisor.isZero, "division by zero")
        if self < divisor { return (BigNatural(0), self) }
        var quotient = [UInt32](repeating: 0, count: limbs.count)
        var remainder = BigNatural(0)
        for index in stride(from: bitWidth - 1, through: 0, by: -1) {
            remainder.shiftLeftOne(settingLowBit: bit(index))
            if remainder >= divisor {
                remainder.subtract(divisor)
                quotient[index >> 5] |= 1 << UInt32(index & 31)
            }
        }
        var q = BigNatural(limbs: quotient)
        q.normalize()
        return (q, remainder)
    }

    /// Decimal digits, no sign, no leading zeros ("0" for zero).
    public var description: String {
        guard !isZero else { return "0" }
        var work = limbs
        var chunks: [UInt32] = []
        while !work.isEmpty {
            var remainder: UInt64 = 0
            for index in stride(from: work.count - 1, through: 0, by: -1) {
                let current = remainder << 32 | UInt64(work[index])
                work[index] = UInt32(current / 1_000_000_000)
                remainder = current % 1_000_000_000
            }
            chunks.append(UInt32(remainder))
            while work.last == 0 { work.removeLast() }
        }
        var text = String(chunks.removeLast())
        for chunk in chunks.reversed() {
            let digits = String(chunk)
            text += String(repeating: "0", count: 9 - digits.count) + digits
        }
        return text
    }

    public static func < (lhs: BigNatural, rhs: BigNatural) -> Bool {
        if lhs.limbs.count != rhs.limbs.count { return lhs.limbs.count < rhs.limbs.count }
        for index in stride(from: lhs.limbs.count - 1, through: 0, by: -1) where lhs.limbs[index] != rhs.limbs[index] {
            return lhs.limbs[index] < rhs.limbs[index]
        }
        return false
    }

    // MARK: - In-place helpers

    private init(limbs: [UInt32]) { self.limbs = limbs }

    private mutating func normalize() {
        while limbs.last == 0 { limbs.removeLast() }
    }

    /// `self = self · multiplier + addend`.
    private mutating func multiplyAdd(multiplier: UInt32, addend: UInt32) {
        var carry = UInt64(addend)
        for index in limbs.indices {
            let product = UInt64(limbs[index]) * UInt64(multiplier) + carry
            limbs[index] = UInt32(truncatingIfNeeded: product)
            carry = product >> 32
        }
        if carry > 0 { limbs.append(UInt32(carry)) }
        normalize()
    }

    /// `self = 2 · self + (bit ? 1 : 0)`.
    private mutating func shiftLeftOne(settingLowBit bit: Bool) {
        var carry: UInt32 = bit ? 1 : 0
        for index in limbs.indices {
            let limb = limbs[index]
            limbs[index] = limb << 1 | carry
            carry = limb >> 31
        }
        if carry > 0 { limbs.append(carry) }
    }

    /// `self -= other`. Precondition: `self >= other`.
    private mutating func subtract(_ other: BigNatural) {
        var borrow: Int64 = 0
        for index in limbs.indices {
            var difference = Int64(limbs[index]) - borrow - (index < other.limbs.count ? Int64(other.limbs[index]) : 0)
            if difference < 0 { difference += 1 << 32; borrow = 1 } else { borrow = 0 }
            limbs[index] = UInt32(difference)
        }
        precondition(borrow == 0, "BigNatural subtraction underflow")
        normalize()
    }
}
