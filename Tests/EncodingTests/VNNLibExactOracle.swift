import Foundation

/// Oracles for the VNN-LIB exactness tests that share no code with `ExactRational`:
/// glibc's `printf` prints every `Double` exactly (`%.1100f` has room for all 1,074 binary
/// fraction digits), and Foundation's `Decimal` adds and multiplies short decimals exactly
/// (38 significant digits).
enum VNNLibExactOracle {
    /// The sign of `b - d` in exact arithmetic, for a finite `Double` `b` and a plain decimal
    /// `d` (`-?digits[.digits]`, no exponent, at most 1,100 fraction digits).
    static func compare(_ b: Double, _ d: String) -> Int {
        let left = parts(String(format: "%.1100f", b))
        let right = parts(d)
        if left.negative != right.negative { return left.negative ? -1 : 1 }
        let magnitude = compareMagnitudes(left, right)
        return left.negative ? -magnitude : magnitude
    }

    /// `Decimal` text in plain notation (what `compare` accepts).
    static func plain(_ value: Decimal) -> String {
        var text = value.description
        if text.hasPrefix(".") { text = "0" + text }
        if text.hasPrefix("-.") { text = "-0" + text.dropFirst() }
        return text
    }

    private struct Parts {
        var negative: Bool
        var integer: String
        var fraction: String
    }

    private static func parts(_ text: String) -> Parts {
        var body = Substring(text)
        var negative = false
        if body.hasPrefix("-") {
            negative = true
            body = body.dropFirst()
        }
        let pieces = body.split(separator: ".", omittingEmptySubsequences: false)
        var integer = String(pieces[0].drop { $0 == "0" })
        var fraction = pieces.count > 1 ? String(pieces[1]) : ""
        while fraction.hasSuffix("0") { fraction.removeLast() }
        if integer.isEmpty && fraction.isEmpty { negative = false }  // -0 is 0
        if integer.isEmpty { integer = "" }
        return Parts(negative: negative, integer: integer, fraction: fraction)
    }

    private static func compareMagnitudes(_ a: Parts, _ b: Parts) -> Int {
        if a.integer.count != b.integer.count { return a.integer.count < b.integer.count ? -1 : 1 }
        if a.integer != b.integer { return a.integer < b.integer ? -1 : 1 }
        let length = max(a.fraction.count, b.fraction.count)
        let x = a.fraction.padding(toLength: length, withPad: "0", startingAt: 0)
        let y = b.fraction.padding(toLength: length, withPad: "0", startingAt: 0)
        if x == y { return 0 }
        return x < y ? -1 : 1
    }
}
