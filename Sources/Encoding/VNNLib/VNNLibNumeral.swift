// Decimal numerals of VNN-LIB, read into Double.

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

    /// The value of a decimal numeral, rounded to the nearest `Double` exactly as
    /// `Double(String)` rounds; `nil` when `text` is not a numeral or its value overflows.
    ///
    /// Accepted: `[+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?`, e.g. `3`,
    /// `-0.5`, `.5`, `2.`, `1e-05`, `-1.5E+3`. Not accepted: hexadecimal, `inf`, `nan`,
    /// underscores, anything trailing. Magnitudes below the smallest subnormal round to
    /// (signed) zero, as `Double(String)` does.
    static func value(_ text: String) -> Double? {
        let bytes = Array(text.utf8)
        var i = 0
        if i < bytes.count, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") { i += 1 }
        var mantissaDigits = 0
        while i < bytes.count, isDigit(bytes[i]) {
            i += 1
            mantissaDigits += 1
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            while i < bytes.count, isDigit(bytes[i]) {
                i += 1
                mantissaDigits += 1
            }
        }
        guard mantissaDigits > 0 else { return nil }
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") { i += 1 }
            var exponentDigits = 0
            while i < bytes.count, isDigit(bytes[i]) {
                i += 1
                exponentDigits += 1
            }
            guard exponentDigits > 0 else { return nil }
        }
        guard i == bytes.count, let value = Double(text), value.isFinite else { return nil }
        return value
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }
}
