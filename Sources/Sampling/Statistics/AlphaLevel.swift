// An error probability alpha known exactly: the rational the user claimed, the Double the
// bounds use, and the decimal every output prints.

import Encoding
import Foundation

/// An error probability `alpha` in `(0, 1)`, kept as the exact rational the claim names.
///
/// ```
/// exact   = 1 - c                     c = the confidence's decimal, as a rational (0.99 = 99/100)
/// value   = largest Double <= exact   what every bound uses: a bound at level value <= exact
///                                     holds with probability >= 1 - value >= 1 - exact
/// decimal = shortest decimal D with value <= D <= exact
/// ```
///
/// Printing `D` is sound: the bounds hold with probability `>= 1 - value >= 1 - D`; and it is
/// faithful: `D = exact` whenever `exact` has a short decimal (`0.01`, not
/// `0.010000000000000009`, the binary `1 - 0.99`). Splitting (``divided(by:)``, ``scaled(by:)``)
/// divides `exact` and rounds each part down again, so parts sum to at most `exact`.
///
/// A confidence or alpha given as a `Double` stands for its shortest round-trip decimal
/// (Swift's `description`): the decimal the user wrote whenever it has at most 15 significant
/// digits (`DBL_DIG`: two such decimals never share a `Double`).
public struct AlphaLevel: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The claimed error probability, exactly.
    public let exact: ExactRational
    /// The level the bounds use: `exact` rounded down to a `Double`.
    public let value: Double
    /// The shortest decimal in `[value, exact]`, in the notation of Swift's `Double`
    /// description (`0.01`, `1e-05`, `2.5e-07`); computed when printed.
    public var decimal: String { Self.shortestDecimal(from: ExactRational(value), to: exact) }

    /// - Precondition: `0 < exact < 1`.
    public init(_ exact: ExactRational) {
        precondition(ExactRational.zero < exact && exact < ExactRational.one,
                     "alpha must lie in (0, 1), got \(exact)")
        self.exact = exact
        value = exact.roundedDown
    }

    /// `alpha = 1 - c` for the confidence `c` read as its shortest decimal (0.99 -> 1/100).
    /// - Precondition: `0 < confidence < 1`.
    public init(confidence: Double) {
        precondition(confidence > 0 && confidence < 1, "confidence must lie in (0, 1), got \(confidence)")
        self.init(ExactRational.one - Self.decimalValue(of: confidence))
    }

    /// `alpha` read as its shortest decimal (0.01 -> 1/100). - Precondition: `0 < alpha < 1`.
    public init(decimalOf alpha: Double) {
        precondition(alpha > 0 && alpha < 1, "alpha must lie in (0, 1), got \(alpha)")
        self.init(Self.decimalValue(of: alpha))
    }

    /// `exact / parts`, rounded down again: `parts` such levels sum to at most `exact`.
    public func divided(by parts: Int) -> AlphaLevel {
        precondition(parts >= 1, "alpha is split into at least one part, got \(parts)")
        return AlphaLevel(exact / ExactRational(parts))
    }

    /// `exact · factor` for a rational `factor` in `(0, 1]`.
    public func scaled(by factor: ExactRational) -> AlphaLevel {
        AlphaLevel(exact * factor)
    }

    /// The confidence `1 - alpha` as the shortest decimal in `[1 - exact, 1 - value]` (the
    /// claim, and no more than the bounds guarantee): `0.99` for `alpha = 1/100`.
    public var confidenceDecimal: String {
        Self.shortestDecimal(from: ExactRational.one - exact, to: ExactRational.one - ExactRational(value))
    }

    public var description: String { decimal }

    /// Written as the JSON number `decimal` (exact digits, not the `Double`'s).
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        if let number = Decimal(string: decimal, locale: Locale(identifier: "en_US_POSIX")) {
            try container.encode(number)
        } else {
            try container.encode(value)
        }
    }

    /// Reads a JSON number as the decimal it spells.
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let number = try container.decode(Decimal.self)
        guard let exact = ExactRational(decimal: number.description),
              ExactRational.zero < exact, exact < ExactRational.one else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "alpha must be a number in (0, 1)")
        }
        self.init(exact)
    }

    /// The exact value of `x`'s shortest round-trip decimal.
    static func decimalValue(of x: Double) -> ExactRational {
        guard let exact = ExactRational(decimal: "\(x)") else { preconditionFailure("\(x) has no decimal value") }
        return exact
    }

    /// The shortest decimal `D` with `low <= D <= high` (`0 < low <= high < 1`), as text.
    ///
    /// ```
    /// for p = 0, 1, 2, ...:  N = floor(high · 10^p);  if N / 10^p >= low: D = N / 10^p
    /// ```
    /// The first `p` that succeeds gives the fewest decimal places, and `N` is the largest such
    /// numeral, the nearest to `high`. It terminates: `low` is a `Double` here or an exact
    /// rational with `low < high`, and a Double has a finite decimal expansion.
    static func shortestDecimal(from low: ExactRational, to high: ExactRational) -> String {
        precondition(!(high < low), "empty interval [\(low), \(high)]")
        var places = 0
        while true {
            let scale = BigNatural.powerOfTen(places)
            let numeral = (high.numerator * scale).quotientAndRemainder(dividingBy: high.denominator).quotient
            let candidate = ExactRational(isNegative: false, numerator: numeral, denominator: scale)
            if !(candidate < low) { return text(numeral: numeral, places: places) }
            places += 1
        }
    }

    /// `numeral / 10^places` written as Swift writes a Double: plain below 1 down to 1e-4,
    /// exponent notation (`1e-05`, `2.5e-07`) below that.
    static func text(numeral: BigNatural, places: Int) -> String {
        let digits = numeral.description
        if places == 0 { return digits }
        if digits.count > places {
            let split = digits.index(digits.startIndex, offsetBy: digits.count - places)
            return digits[..<split] + "." + digits[split...]
        }
        let leadingZeros = places - digits.count
        if leadingZeros < 4 { return "0." + String(repeating: "0", count: leadingZeros) + digits }
        let exponent = leadingZeros + 1
        let mantissa = digits.count == 1 ? digits : "\(digits.first!)." + digits.dropFirst()
        return mantissa + (exponent < 10 ? "e-0\(exponent)" : "e-\(exponent)")
    }
}
