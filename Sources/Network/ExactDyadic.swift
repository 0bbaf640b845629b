/// An exact dyadic rational
///
/// ```
/// v = (-1)^negative · M · 2^exponent,   M a natural number of any size (little-endian limbs)
/// ```
///
/// Every finite `Double` is one (`m · 2^e` with `m < 2^53`), and sums, differences and
/// products of dyadic rationals are dyadic, so a piecewise-linear network with `Double`
/// weights evaluated at a `Double` input stays in this set: ``NeuralNetwork/evaluateExactly(_:)``
/// computes its outputs without any rounding.
///
/// Representation invariant (checked by `checkInvariants()` in debug builds): the magnitude
/// has no leading zero limb and is odd (trailing zero bits are moved into `exponent`); zero is
/// the empty magnitude with `exponent == 0` and `negative == false`. So equal values have
/// equal representations and the synthesized `Hashable` is value equality.
public struct ExactDyadic: Sendable, Hashable, Comparable, CustomStringConvertible {
    public private(set) var negative: Bool
    /// Little-endian 32-bit limbs of `M`.
    public private(set) var limbs: [UInt32]
    public private(set) var exponent: Int

    public static let zero = ExactDyadic(negative: false, limbs: [], exponent: 0)

    /// The exact value of a finite double.
    /// - Precondition: `value.isFinite`.
    public init(_ value: Double) {
        precondition(value.isFinite, "only finite doubles are dyadic rationals, got \(value)")
        let bits = value.bitPattern
        let biased = Int((bits >> 52) & 0x7FF)
        let fraction = bits & ((1 << 52) - 1)
        let significand = biased == 0 ? fraction : fraction | (1 << 52)
        let exponent = biased == 0 ? -1074 : biased - 1075
        self.init(negative: value < 0, limbs: [UInt32(truncatingIfNeeded: significand), UInt32(truncatingIfNeeded: significand >> 32)],
                  exponent: exponent)
    }

    private init(negative: Bool, limbs: [UInt32], exponent: Int) {
        self.negative = negative
        self.limbs = limbs
        self.exponent = exponent
        normalize()
    }

    public var isZero: Bool { limbs.isEmpty }
    /// `-1`, `0` or `1`.
    public var signum: Int { isZero ? 0 : (negative ? -1 : 1) }

    public static prefix func - (value: ExactDyadic) -> ExactDyadic {
        var result = value
        if !result.isZero { result.negative.toggle() }
        return result
    }

    public static func + (lhs: ExactDyadic, rhs: ExactDyadic) -> ExactDyadic {
        if lhs.isZero { return rhs }
        if rhs.isZero { return lhs }
        // Align both magnitudes to the smaller exponent, then add or subtract magnitudes.
        let exponent = min(lhs.exponent, rhs.exponent)
        let a = shiftedLeft(lhs.limbs, by: lhs.exponent - exponent)
        let b = shiftedLeft(rhs.limbs, by: rhs.exponent - exponent)
        if lhs.negative == rhs.negative {
            return ExactDyadic(negative: lhs.negative, limbs: add(a, b), exponent: exponent)
        }
        switch compare(a, b) {
        case 0: return .zero
        case 1: return ExactDyadic(negative: lhs.negative, limbs: subtract(a, b), exponent: exponent)
        default: return ExactDyadic(negative: rhs.negative, limbs: subtract(b, a), exponent: exponent)
        }
    }

    public static func - (lhs: ExactDyadic, rhs: ExactDyadic) -> ExactDyadic { lhs + (-rhs) }

    public static func * (lhs: ExactDyadic, rhs: ExactDyadic) -> ExactDyadic {
        if lhs.isZero || rhs.isZero { return .zero }
        return ExactDyadic(negative: lhs.negative != rhs.negative, limbs: multiply(lhs.limbs, rhs.limbs),
                           exponent: lhs.exponent + rhs.exponent)
    }

    public static func < (lhs: ExactDyadic, rhs: ExactDyadic) -> Bool { (lhs - rhs).signum < 0 }

    /// The double nearest to the value, up to one unit in the last place (the top 64 bits of
    /// `M` are converted, then scaled): for display and float comparisons only, never for
    /// a decision.
    public var approximateDouble: Double {
        if isZero { return 0 }
        let width = limbs.count * 32 - limbs.last!.leadingZeroBitCount
        let drop = max(0, width - 64)
        let top = Self.shiftedRight(limbs, by: drop)
        var head: UInt64 = 0
        for (index, limb) in top.enumerated().reversed() where index < 2 { head = head << 32 | UInt64(limb) }
        let value = Double(head) * pow2(exponent + drop)
        return negative ? -value : value
    }

    /// `±M·2^e` written as `-M*2^e` in decimal `M` (exact; for messages and tests).
    public var description: String {
        if isZero { return "0" }
        var digits: [UInt8] = []
        var rest = limbs
        while !rest.isEmpty {
            var remainder: UInt64 = 0
            for index in rest.indices.reversed() {
                let current = remainder << 32 | UInt64(rest[index])
                rest[index] = UInt32(current / 10)
                remainder = current % 10
            }
            while rest.last == 0 { rest.removeLast() }
            digits.append(UInt8(remainder))
        }
        let text = String(digits.reversed().map { Character(String($0)) })
        return (negative ? "-" : "") + text + (exponent == 0 ? "" : "*2^\(exponent)")
    }

    // MARK: Limb arithmetic

    private mutating func normalize() {
        while limbs.last == 0 { limbs.removeLast() }
        if limbs.isEmpty { negative = false; exponent = 0; return }
        var zeroLimbs = 0
        while limbs[zeroLimbs] == 0 { zeroLimbs += 1 }
        let bits = zeroLimbs * 32 + limbs[zeroLimbs].trailingZeroBitCount
        if bits > 0 {
            limbs = Self.shiftedRight(limbs, by: bits)
            exponent += bits
        }
        checkInvariants()
    }

    func checkInvariants() {
        #if DEBUG
        precondition(limbs.last != 0, "leading zero limb")
        precondition(limbs.isEmpty ? (exponent == 0 && !negative) : limbs[0] & 1 == 1, "not normalized")
        #endif
    }

    private func pow2(_ power: Int) -> Double {
        // Two steps so that 2^power underflows or overflows only when the product does.
        let half = power / 2
        return Double(sign: .plus, exponent: half, significand: 1) * Double(sign: .plus, exponent: power - half, significand: 1)
    }

    private static func shiftedLeft(_ limbs: [UInt32], by bits: Int) -> [UInt32] {
        if bits == 0 || limbs.isEmpty { return limbs }
        let whole = bits / 32, part = bits % 32
        var result = [UInt32](repeating: 0, count: whole)
        result.reserveCapacity(whole + limbs.count + 1)
        if part == 0 { return result + limbs }
        var carry: UInt32 = 0
        for limb in limbs {
            result.append(limb << part | carry)
            carry = limb >> (32 - part)
        }
        if carry != 0 { result.append(carry) }
        return result
    }

    private static func shiftedRight(_ limbs: [UInt32], by bits: Int) -> [UInt32] {
        let whole = bits / 32, part = bits % 32
        guard whole < limbs.count else { return [] }
        var result = Array(limbs[whole...])
        if part > 0 {
            for index in result.indices {
                let high = index + 1 < result.count ? result[index + 1] << (32 - part) : 0
                result[index] = result[index] >> part | high
            }
        }
        while result.last == 0 { result.removeLast() }
        return result
    }

    private static func add(_ a: [UInt32], _ b: [UInt32]) -> [UInt32] {
        let (long, short) = a.count >= b.count ? (a, b) : (b, a)
        var result = [UInt32]()
        result.reserveCapacity(long.count + 1)
        var carry: UInt64 = 0
        for index in long.indices {
            let sum = UInt64(long[index]) + (index < short.count ? UInt64(short[index]) : 0) + carry
            result.append(UInt32(truncatingIfNeeded: sum))
            carry = sum >> 32
        }
        if carry != 0 { result.append(UInt32(carry)) }
        return result
    }

    /// `a - b` for `a >= b`.
    private static func subtract(_ a: [UInt32], _ b: [UInt32]) -> [UInt32] {
        var result = a
        var borrow: Int64 = 0
        for index in result.indices {
            var difference = Int64(result[index]) - (index < b.count ? Int64(b[index]) : 0) - borrow
            borrow = 0
            if difference < 0 { difference += 1 << 32; borrow = 1 }
            result[index] = UInt32(difference)
        }
        precondition(borrow == 0, "subtract: a < b")
        while result.last == 0 { result.removeLast() }
        return result
    }

    /// `-1`, `0`, `1` as `a <, ==, > b` (both without leading zero limbs).
    private static func compare(_ a: [UInt32], _ b: [UInt32]) -> Int {
        if a.count != b.count { return a.count < b.count ? -1 : 1 }
        for index in a.indices.reversed() where a[index] != b[index] { return a[index] < b[index] ? -1 : 1 }
        return 0
    }

    private static func multiply(_ a: [UInt32], _ b: [UInt32]) -> [UInt32] {
        var result = [UInt32](repeating: 0, count: a.count + b.count)
        for i in a.indices {
            var carry: UInt64 = 0
            let x = UInt64(a[i])
            for j in b.indices {
                let current = x * UInt64(b[j]) + UInt64(result[i + j]) + carry
                result[i + j] = UInt32(truncatingIfNeeded: current)
                carry = current >> 32
            }
            result[i + b.count] = UInt32(carry)
        }
        while result.last == 0 { result.removeLast() }
        return result
    }
}
