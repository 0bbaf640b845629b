// Exact rational arithmetic, ordering, decimal parsing and directed rounding to Double.

/// Field operations and ordering in lowest terms.
///
/// ```
/// p/q + r/s = (p·s + r·q) / (q·s)        reduced by g = gcd(num, den)
/// p/q · r/s = (p·r) / (q·s)              reduced likewise
/// p/q < r/s  <=>  p·s < r·q              (q, s > 0)
/// ```
/// Dyadic operands (denominators that are powers of two, as every `Double` is) take a fast
/// path: the common denominator is the larger one and only factors of two are cancelled.
///
/// Postconditions: every result is in lowest terms with a positive denominator and no
/// negative zero, so the synthesized `==` is equality of values (for operands in lowest
/// terms, which every initializer except ``init(isNegative:numerator:denominator:)`` and
/// ``init(fraction:)`` produces).
extension ExactRational: Comparable {
    public static let zero = ExactRational(0.0)
    public static let one = ExactRational(1.0)

    /// The exact value of an integer.
    public init(_ integer: Int) {
        self.init(isNegative: integer < 0, numerator: BigNatural(integer.magnitude.toUInt64), denominator: BigNatural(1))
    }

    /// `±numerator / denominator` in lowest terms. - Precondition: `denominator ≠ 0`.
    public static func reduced(isNegative: Bool, numerator: BigNatural, denominator: BigNatural) -> ExactRational {
        precondition(!denominator.isZero, "zero denominator")
        if numerator.isZero { return .zero }
        if denominator == BigNatural(1) {
            return ExactRational(isNegative: isNegative, numerator: numerator, denominator: denominator)
        }
        if denominator.isPowerOfTwo {
            let twos = Swift.min(numerator.trailingZeroBitCount, denominator.trailingZeroBitCount)
            return ExactRational(
                isNegative: isNegative, numerator: numerator.shiftedRight(twos), denominator: denominator.shiftedRight(twos))
        }
        let g = BigNatural.gcd(numerator, denominator)
        return ExactRational(
            isNegative: isNegative, numerator: numerator.dividedExactly(by: g), denominator: denominator.dividedExactly(by: g))
    }

    /// -1, 0 or 1.
    public var signum: Int { isZero ? 0 : (isNegative ? -1 : 1) }

    /// The larger of the bit widths of numerator and denominator (a size measure).
    public var bitWidth: Int { Swift.max(numerator.bitWidth, denominator.bitWidth) }

    public static prefix func - (x: ExactRational) -> ExactRational {
        ExactRational(isNegative: !x.isNegative, numerator: x.numerator, denominator: x.denominator)
    }

    public static func + (a: ExactRational, b: ExactRational) -> ExactRational {
        if a.isZero { return b }
        if b.isZero { return a }
        let (left, right, denominator): (BigNatural, BigNatural, BigNatural)
        if a.denominator == b.denominator {
            (left, right, denominator) = (a.numerator, b.numerator, a.denominator)
        } else if a.denominator.isPowerOfTwo && b.denominator.isPowerOfTwo {
            let (ka, kb) = (a.denominator.bitWidth, b.denominator.bitWidth)
            (left, right) = ka >= kb
                ? (a.numerator, b.numerator.shiftedLeft(ka - kb)) : (a.numerator.shiftedLeft(kb - ka), b.numerator)
            denominator = ka >= kb ? a.denominator : b.denominator
        } else {
            (left, right, denominator) = (a.numerator * b.denominator, b.numerator * a.denominator, a.denominator * b.denominator)
        }
        if a.isNegative == b.isNegative {
            return reduced(isNegative: a.isNegative, numerator: left + right, denominator: denominator)
        }
        // Opposite signs: the result takes the sign of the larger magnitude.
        if left < right { return reduced(isNegative: b.isNegative, numerator: right - left, denominator: denominator) }
        return reduced(isNegative: a.isNegative, numerator: left - right, denominator: denominator)
    }

    public static func - (a: ExactRational, b: ExactRational) -> ExactRational { a + (-b) }

    public static func * (a: ExactRational, b: ExactRational) -> ExactRational {
        if a.isZero || b.isZero { return .zero }
        return reduced(
            isNegative: a.isNegative != b.isNegative, numerator: a.numerator * b.numerator,
            denominator: a.denominator * b.denominator)
    }

    public static func < (a: ExactRational, b: ExactRational) -> Bool {
        if a.signum != b.signum { return a.signum < b.signum }
        if a.isZero { return false }
        let left = a.numerator * b.denominator, right = b.numerator * a.denominator
        return a.isNegative ? right < left : left < right
    }

    /// The exact value as a `Double` when it is one (finite and equal), else `nil`.
    public var exactDouble: Double? {
        let (nearest, order) = nearestAndOrder
        guard nearest.isFinite, order == 0 else { return nil }
        return nearest + 0  // no negative zero
    }

    /// The largest `Double` that is `<= self` (`-infinity` below the finite range).
    ///
    /// ```
    /// n = nearest(self);  n > self  ->  nextDown(n)   (round-to-nearest is off by < 1 ulp)
    /// ```
    public var roundedDown: Double {
        let (nearest, order) = nearestAndOrder
        if nearest == .infinity { return .greatestFiniteMagnitude }
        if nearest == -.infinity { return -.infinity }
        return order > 0 ? nearest.nextDown : nearest + 0
    }

    /// The smallest `Double` that is `>= self` (`+infinity` above the finite range).
    public var roundedUp: Double {
        let (nearest, order) = nearestAndOrder
        if nearest == -.infinity { return -.greatestFiniteMagnitude }
        if nearest == .infinity { return .infinity }
        return order < 0 ? nearest.nextUp : nearest + 0
    }

    /// The nearest `Double` `n` and the sign of `n - self` (for finite `n`).
    private var nearestAndOrder: (nearest: Double, order: Int) {
        if let fast = fastNearestAndOrder { return fast }
        let nearest = nearestDouble
        guard nearest.isFinite else { return (nearest, 0) }
        let value = ExactRational(nearest)
        return (nearest, value == self ? 0 : (value < self ? -1 : 1))
    }

    /// ``nearestDouble`` for numerator and denominator below 2^64 and a quotient below
    /// 2^56, by one 128-by-64-bit division, with the order read off the dropped bits:
    ///
    /// ```
    /// s = 55 - (bits(p) - bits(q)) >= 0,  Q = floor(p·2^s / q),  R = remainder  (2^54 <= Q < 2^56)
    /// keep 53 bits of Q; the value is normal (its exponent is >= 54 - 119 > -1022)
    /// |nearest| > |self|  iff it rounded up;  == iff no dropped bit and R = 0
    /// ```
    private var fastNearestAndOrder: (nearest: Double, order: Int)? {
        guard let p = numerator.uint64Value, let q = denominator.uint64Value, p != 0 else {
            return isZero ? (0, 0) : nil
        }
        let shift = 55 - ((64 - p.leadingZeroBitCount) - (64 - q.leadingZeroBitCount))
        guard shift >= 0 else { return nil }
        let high: UInt64, low: UInt64
        if shift == 0 {
            (high, low) = (0, p)
        } else if shift < 64 {
            (high, low) = (p >> UInt64(64 - shift), p << UInt64(shift))
        } else {
            (high, low) = (p << UInt64(shift - 64), 0)
        }
        let (quotient, remainder) = q.dividingFullWidth((high, low))
        let bits = 64 - quotient.leadingZeroBitCount  // 55 or 56
        let drop = bits - 53
        var kept = quotient >> UInt64(drop)
        let rest = quotient & ((1 << UInt64(drop)) - 1)
        let half: UInt64 = 1 << UInt64(drop - 1)
        let roundUp = rest > half || (rest == half && (remainder != 0 || kept & 1 == 1))
        if roundUp { kept += 1 }
        let magnitude = Double(sign: .plus, exponent: drop - shift, significand: Double(kept))
        let magnitudeOrder = roundUp ? 1 : (rest == 0 && remainder == 0 ? 0 : -1)
        return isNegative ? (-magnitude, -magnitudeOrder) : (magnitude, magnitudeOrder)
    }

    /// The exact value of a decimal numeral `[+-]? (d+ [. d*] | . d+) ([eE] [+-]? d+)?`, e.g.
    /// `0.1 = 1/10`, `-1.5E+3 = -1500`, `1e-05 = 1/100000`; `nil` for any other text, or when
    /// the reduced numerator or denominator would need more than `maxDigits` decimal digits
    /// (a bound on memory and time, not on precision: within it the value is exact).
    ///
    /// ```
    /// d_1 … d_k . f_1 … f_m e E   =   (d_1…d_k f_1…f_m) · 10^(E - m)
    /// ```
    public init?(decimal text: some StringProtocol, maxDigits: Int = 1_200) {
        let bytes = Array(text.utf8)
        var i = 0
        var negative = false
        if i < bytes.count, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
            negative = bytes[i] == UInt8(ascii: "-")
            i += 1
        }
        var digits: [UInt8] = []
        var fractionDigits = 0
        while i < bytes.count, Self.isDigit(bytes[i]) {
            digits.append(bytes[i])
            i += 1
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            while i < bytes.count, Self.isDigit(bytes[i]) {
                digits.append(bytes[i])
                fractionDigits += 1
                i += 1
            }
        }
        guard !digits.isEmpty else { return nil }
        var exponent = 0
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            var exponentNegative = false
            if i < bytes.count, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
                exponentNegative = bytes[i] == UInt8(ascii: "-")
                i += 1
            }
            var exponentDigits = 0
            while i < bytes.count, Self.isDigit(bytes[i]) {
                // Saturate: anything beyond a billion is rejected below anyway.
                exponent = Swift.min(exponent * 10 + Int(bytes[i] - UInt8(ascii: "0")), 1_000_000_000)
                exponentDigits += 1
                i += 1
            }
            guard exponentDigits > 0 else { return nil }
            if exponentNegative { exponent = -exponent }
        }
        guard i == bytes.count else { return nil }

        // Significant digits only: leading zeros carry no value, trailing zeros move into the exponent.
        var significant = ArraySlice(digits).drop { $0 == UInt8(ascii: "0") }
        var scale = exponent - fractionDigits
        while significant.last == UInt8(ascii: "0") {
            significant.removeLast()
            scale += 1
        }
        if significant.isEmpty {
            self = .zero
            return
        }
        guard significant.count + Swift.max(scale, 0) <= maxDigits, Swift.max(-scale, 0) <= maxDigits,
              let mantissa = BigNatural(decimal: String(decoding: significant, as: UTF8.self))
        else { return nil }
        if scale >= 0 {
            self = .reduced(isNegative: negative, numerator: mantissa * BigNatural.powerOfTen(scale), denominator: BigNatural(1))
        } else {
            self = .reduced(isNegative: negative, numerator: mantissa, denominator: BigNatural.powerOfTen(-scale))
        }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}

private extension UInt {
    var toUInt64: UInt64 { UInt64(self) }
}

extension ExactRational {
    /// `1 / self`. - Precondition: `self ≠ 0`.
    public var reciprocal: ExactRational {
        precondition(!isZero, "reciprocal of zero")
        return ExactRational(isNegative: isNegative, numerator: denominator, denominator: numerator)
    }

    /// `a / b`. - Precondition: `b ≠ 0`.
    public static func / (a: ExactRational, b: ExactRational) -> ExactRational { a * b.reciprocal }

    /// The smaller of two values.
    public static func minimum(_ a: ExactRational, _ b: ExactRational) -> ExactRational { b < a ? b : a }

    /// The larger of two values.
    public static func maximum(_ a: ExactRational, _ b: ExactRational) -> ExactRational { a < b ? b : a }
}
