// A test oracle: binomial tail probabilities at a double p compared with a double alpha in
// exact integer arithmetic (no floating point at all), independent of the package's code.

/// A natural number in base 2^32 limbs, least significant first; just what the oracle needs.
struct OracleNatural: Comparable {
    var limbs: [UInt32]

    init(_ value: UInt64) {
        limbs = [UInt32(truncatingIfNeeded: value), UInt32(truncatingIfNeeded: value >> 32)]
        trim()
    }

    /// A decimal digit string.
    init(decimal: String) {
        var value = OracleNatural(0)
        for digit in decimal { value = value * OracleNatural(10) + OracleNatural(UInt64(String(digit))!) }
        self = value
    }

    private init(limbs: [UInt32]) {
        self.limbs = limbs
        trim()
    }

    private mutating func trim() {
        while limbs.last == 0 { limbs.removeLast() }
    }

    static func + (a: OracleNatural, b: OracleNatural) -> OracleNatural {
        var result = [UInt32](repeating: 0, count: max(a.limbs.count, b.limbs.count) + 1)
        var carry: UInt64 = 0
        for i in 0..<(result.count - 1) {
            let sum = UInt64(i < a.limbs.count ? a.limbs[i] : 0) + UInt64(i < b.limbs.count ? b.limbs[i] : 0) + carry
            result[i] = UInt32(truncatingIfNeeded: sum)
            carry = sum >> 32
        }
        result[result.count - 1] = UInt32(carry)
        return OracleNatural(limbs: result)
    }

    static func * (a: OracleNatural, b: OracleNatural) -> OracleNatural {
        if a.limbs.isEmpty || b.limbs.isEmpty { return OracleNatural(0) }
        var result = [UInt32](repeating: 0, count: a.limbs.count + b.limbs.count)
        for i in a.limbs.indices {
            var carry: UInt64 = 0
            for j in b.limbs.indices {
                let product = UInt64(a.limbs[i]) * UInt64(b.limbs[j]) + UInt64(result[i + j]) + carry
                result[i + j] = UInt32(truncatingIfNeeded: product)
                carry = product >> 32
            }
            var k = i + b.limbs.count
            while carry > 0 {
                let sum = UInt64(result[k]) + carry
                result[k] = UInt32(truncatingIfNeeded: sum)
                carry = sum >> 32
                k += 1
            }
        }
        return OracleNatural(limbs: result)
    }

    /// `self · 2^shift`.
    func shifted(_ shift: Int) -> OracleNatural {
        if limbs.isEmpty { return self }
        let words = shift / 32, bits = shift % 32
        var result = [UInt32](repeating: 0, count: words) + limbs + [0]
        if bits > 0 {
            var carry: UInt32 = 0
            for i in words..<result.count {
                let value = result[i]
                result[i] = (value << UInt32(bits)) | carry
                carry = value >> UInt32(32 - bits)
            }
        }
        return OracleNatural(limbs: result)
    }

    /// `a - b` for `a >= b`.
    static func - (a: OracleNatural, b: OracleNatural) -> OracleNatural {
        precondition(!(a < b), "negative difference")
        var result = a.limbs
        var borrow: Int64 = 0
        for i in result.indices {
            let difference = Int64(result[i]) - Int64(i < b.limbs.count ? b.limbs[i] : 0) - borrow
            result[i] = UInt32(truncatingIfNeeded: difference)
            borrow = difference < 0 ? 1 : 0
        }
        return OracleNatural(limbs: result)
    }

    static func < (a: OracleNatural, b: OracleNatural) -> Bool {
        if a.limbs.count != b.limbs.count { return a.limbs.count < b.limbs.count }
        for i in a.limbs.indices.reversed() where a.limbs[i] != b.limbs[i] { return a.limbs[i] < b.limbs[i] }
        return false
    }
}

/// Exact binomial tails at a double probability.
///
/// ```
/// x = m / 2^e exactly (m an integer, e >= 0), r = 2^e - m
/// Σ_{j=lo..hi} C(n,j) x^j (1-x)^(n-j) = Σ_{j=lo..hi} C(n,j) m^j r^(n-j) / 2^(e n)
/// alpha = a / 2^f exactly
/// tail <= alpha  <=>  2^f Σ_j C(n,j) m^j r^(n-j) <= a 2^(e n)
/// ```
enum ExactBinomialTail {
    /// `(m, e)` with `x = m / 2^e`, for `0 <= x <= 1`.
    static func dyadic(_ x: Double) -> (numerator: OracleNatural, exponent: Int) {
        precondition(x >= 0 && x <= 1)
        if x == 0 { return (OracleNatural(0), 0) }
        // x = significand · 2^exponent with a 53-bit integer significand.
        let integer = UInt64(x.significandBitPattern) | (x.isNormal ? (1 << 52) : 0)
        let exponent = x.isNormal ? Int(x.exponent) - 52 : -1074
        return (OracleNatural(integer), -exponent)
    }

    /// `C(n, j)` for `n <= 62` (exact in UInt64: the intermediate product stays below 2^64).
    static func binomial(_ n: Int, _ j: Int) -> UInt64 {
        var value: UInt64 = 1
        for i in 0..<j { value = value * UInt64(n - i) / UInt64(i + 1) }
        return value
    }

    /// Whether `Σ_{j=lo..hi} C(n,j) x^j (1-x)^(n-j) <= alpha`, decided exactly.
    ///
    /// ```
    /// Σ_{j=lo..hi} C(n,j) m^j r^(n-j) = m^lo r^(n-hi) T_lo
    /// T_hi = C(n,hi),  T_j = T_{j+1} m + C(n,j) r^(hi-j)        (Horner, j = hi-1 ... lo)
    /// ```
    static func sum(from lo: Int, to hi: Int, trials n: Int, probability x: Double, isAtMost alpha: Double) -> Bool {
        precondition(n <= 60 && 0 <= lo && lo <= hi && hi <= n)
        let (m, e) = dyadic(x)
        let r = OracleNatural(1).shifted(e) - m
        var t = OracleNatural(binomial(n, hi))
        var rPower = OracleNatural(1)
        var j = hi
        while j > lo {
            j -= 1
            rPower = rPower * r
            t = t * m + OracleNatural(binomial(n, j)) * rPower
        }
        for _ in 0..<lo { t = t * m }
        for _ in 0..<(n - hi) { t = t * r }
        let (a, f) = dyadic(alpha)
        return !(a.shifted(e * n) < t.shifted(f))
    }

    /// `P(Bin(n, x) >= k) <= alpha`, exactly.
    static func atLeast(_ k: Int, trials n: Int, probability x: Double, isAtMost alpha: Double) -> Bool {
        sum(from: k, to: n, trials: n, probability: x, isAtMost: alpha)
    }

    /// `P(Bin(n, x) <= k) <= alpha`, exactly.
    static func atMost(_ k: Int, trials n: Int, probability x: Double, isAtMost alpha: Double) -> Bool {
        sum(from: 0, to: k, trials: n, probability: x, isAtMost: alpha)
    }
}
