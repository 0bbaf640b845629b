/// An exact rational number `±numerator / denominator` in lowest terms, the form in which
/// every constant crosses the solver boundary (design rule 2: a `Double` enters a solver as
/// the exact rational it denotes, never as a rounded decimal).
///
/// ```
/// finite Double d = (-1)^s · m · 2^e,  m < 2^53 integer
///   e >= 0:  d = (m · 2^e) / 1
///   e <  0:  d = m' / 2^(-e')   with m' odd (common factors of two removed)
/// ```
/// Edge cases: `-0.0` becomes `0` (no sign); non-finite doubles have no rational value.
/// Postconditions: `denominator > 0`, `gcd(numerator, denominator) = 1` for values built
/// from a `Double`; `isNegative` is false for zero.
public struct ExactRational: Sendable, Hashable, CustomStringConvertible {
    public var isNegative: Bool
    public var numerator: BigNatural
    public var denominator: BigNatural

    /// The exact value of a finite double. - Precondition: `value.isFinite`.
    public init(_ value: Double) {
        precondition(value.isFinite, "only finite doubles are rationals, got \(value)")
        isNegative = value < 0
        var significand = value.significandBitPattern
        var exponent: Int
        if value.exponentBitPattern == 0 {
            exponent = -1074
        } else {
            significand |= 1 << 52
            exponent = Int(value.exponentBitPattern) - 1075
        }
        guard significand != 0 else {
            isNegative = false
            numerator = BigNatural(0)
            denominator = BigNatural(1)
            return
        }
        let twos = significand.trailingZeroBitCount
        significand >>= UInt64(twos)
        exponent += twos
        if exponent >= 0 {
            numerator = BigNatural(significand).shiftedLeft(exponent)
            denominator = BigNatural(1)
        } else {
            numerator = BigNatural(significand)
            denominator = BigNatural(1).shiftedLeft(-exponent)
        }
    }

    /// Builds `±numerator / denominator` as given (not reduced). - Precondition: denominator ≠ 0.
    public init(isNegative: Bool, numerator: BigNatural, denominator: BigNatural) {
        precondition(!denominator.isZero, "zero denominator")
        self.isNegative = isNegative && !numerator.isZero
        self.numerator = numerator
        self.denominator = denominator
    }

    /// Parses `p`, `-p`, `p/q` or `-p/q` (ASCII digits; the form Z3's `Z3_get_numeral_string`
    /// writes). Returns `nil` for anything else, including a zero denominator.
    public init?(fraction text: String) {
        var body = Substring(text)
        let negative = body.hasPrefix("-")
        if negative { body = body.dropFirst() }
        let parts = body.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2,
              let p = BigNatural(decimal: parts[0]) else { return nil }
        let q = parts.count == 2 ? BigNatural(decimal: parts[1]) : BigNatural(1)
        guard let q, !q.isZero else { return nil }
        self.init(isNegative: negative, numerator: p, denominator: q)
    }

    public var isZero: Bool { numerator.isZero }
    public var isInteger: Bool { denominator == BigNatural(1) }

    /// `p/q`, `-p/q`, `p` or `-p`: the only numeral form this package hands to
    /// `Z3_mk_numeral` (Z3 4.8.12 misreads or crashes on exponent notation).
    public var fractionString: String {
        let magnitude = isInteger ? numerator.description : "\(numerator)/\(denominator)"
        return isNegative ? "-" + magnitude : magnitude
    }

    /// SMT-LIB2 term: `p`, `(/ p q)`, `(- p)` or `(- (/ p q))`. With `realLiterals` the
    /// integers are written `p.0` (needed where `p` alone would be an `Int`, as in `QF_LIRA`).
    public func smtlib2(realLiterals: Bool = false) -> String {
        let suffix = realLiterals ? ".0" : ""
        let magnitude = isInteger
            ? "\(numerator)\(suffix)"
            : "(/ \(numerator)\(suffix) \(denominator)\(suffix))"
        return isNegative ? "(- \(magnitude))" : magnitude
    }

    public var description: String { fractionString }

    /// The double nearest to the exact value, ties to even (IEEE-754 round-to-nearest);
    /// `±infinity` beyond the largest finite double, `±0` below half the smallest subnormal.
    ///
    /// ```
    /// s = 55 - (bits(p) - bits(q))        so that 2^54 < p·2^s / q < 2^56
    /// Q = floor(p·2^s / q), sticky = (remainder ≠ 0)
    /// keep 53 bits (fewer for subnormals), round on the dropped bits and the sticky bit
    /// ```
    public var nearestDouble: Double {
        guard !numerator.isZero else { return isNegative ? -0.0 : 0.0 }
        let shift = 55 - (numerator.bitWidth - denominator.bitWidth)
        let scaledNumerator = shift >= 0 ? numerator.shiftedLeft(shift) : numerator
        let scaledDenominator = shift >= 0 ? denominator : denominator.shiftedLeft(-shift)
        let (quotient, remainder) = scaledNumerator.quotientAndRemainder(dividingBy: scaledDenominator)
        guard let q = quotient.uint64Value else { preconditionFailure("quotient must fit 56 bits") }
        let sticky = !remainder.isZero
        let bits = 64 - q.leadingZeroBitCount                 // 55 or 56
        let leadingExponent = bits - 1 - shift                 // value in [2^E, 2^(E+1))
        let precision = leadingExponent >= -1022 ? 53 : leadingExponent + 1075
        let drop = bits - precision                            // >= 2
        var kept: UInt64
        var roundUp: Bool
        if drop >= 63 {
            kept = 0
            roundUp = false                                    // value < 2^56 · 2^-s <= half ulp
        } else {
            kept = q >> UInt64(drop)
            let rest = q & ((1 << UInt64(drop)) - 1)
            let half: UInt64 = 1 << UInt64(drop - 1)
            roundUp = rest > half || (rest == half && (sticky || kept & 1 == 1))
        }
        if roundUp { kept += 1 }
        let magnitude = Double(sign: .plus, exponent: drop - shift, significand: Double(kept))
        return isNegative ? -magnitude : magnitude
    }
}
