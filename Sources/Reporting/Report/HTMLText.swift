// Escaping and small builders for the HTML report (no templates, no scripts).

import Foundation

/// Text that is safe to place inside an HTML element or a double-quoted attribute.
public enum HTMLText {
    /// Replaces the five characters that HTML gives meaning to:
    ///
    /// ```
    /// &  ->  &amp;     <  ->  &lt;     >  ->  &gt;     "  ->  &quot;     '  ->  &#39;
    /// ```
    ///
    /// Postconditions: the result contains no `<`, `>`, `"` or `'`, and every `&` starts
    /// one of the entities above, so user text (paths, comments, reasons) can never open a
    /// tag, close an attribute or start a script.
    public static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.unicodeScalars.append(character)
            }
        }
        return result
    }

    /// A fixed-point number with `digits` decimals (`%.4f` by default, as `verify summary`).
    static func number(_ value: Double, digits: Int = 4) -> String {
        value.isFinite ? String(format: "%.\(digits)f", value) : "\(value)"
    }

    /// A duration with three significant digits in a readable unit (`4.66 µs`, `0.195 ms`,
    /// `50.5 ms`, `3.71 s`, `1234 s`).
    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds > 0 else { return seconds == 0 ? "0 s" : "\(seconds) s" }
        if seconds < 0.9995e-3 { return String(format: "%.3g µs", seconds * 1e6) }
        if seconds < 0.9995 { return String(format: "%.3g ms", seconds * 1e3) }
        if seconds < 99.95 { return String(format: "%.3g s", seconds) }
        return String(format: "%.0f s", seconds)
    }

    /// A number with up to `digits` significant digits, without trailing noise (`0.05`, `1e-06`).
    static func short(_ value: Double, digits: Int = 6) -> String {
        String(format: "%.\(digits)g", value)
    }
}
