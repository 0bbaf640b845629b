// Decimal numerals of VNN-LIB, read as exact rationals.

enum _VNNLibNumeral {
    /// Whether `text` is meant as a number: it starts with a digit, a `.`, a sign followed by
    /// a digit or `.`, or `#` (SMT-LIB's `#x`/`#b`, which we reject). Such a token is either
    /// a numeral or a bad numeral, never a symbol.
    static func looksNumeric(_ text: Substring.UTF8View) -> Bool {
        guard let first = text.first else { return false }
        if isDigit(first) || first == UInt8(ascii: ".") || first == UInt8(ascii: "#") { return true }
        if first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            guard let second = text.dropFirst().first else { return false }
            return isDigit(second) || second == UInt8(ascii: ".")
        }
        return false
    }

    /// The exact value of a decimal numeral (see ``ExactRational/init(decimal:maxDigits:)``);
    /// `nil` when `text` is not a numeral, when its magnitude lies beyond the largest finite
    /// `Double` (it could not be written to the solvers' floating-point side), or when its
    /// reduced numerator or denominator would exceed ``maxDigits`` decimal digits (the
    /// smallest positive numeral accepted is about `1e-1200`; every `Double` fits).
    ///
    /// Accepted: `[+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?`, e.g. `3`,
    /// `-0.5`, `.5`, `2.`, `1e-05`, `-1.5E+3`. Not accepted: hexadecimal, `inf`, `nan`,
    /// underscores, anything trailing. Nothing is rounded: `0.1` is `1/10`.
    static func value(_ text: String) -> ExactRational? {
        guard let value = ExactRational(decimal: text, maxDigits: maxDigits), value.nearestDouble.isFinite else {
            return nil
        }
        return value
    }

    /// Bound on the decimal digits of a numeral's reduced numerator and denominator.
    static let maxDigits = 1_200

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }
}
