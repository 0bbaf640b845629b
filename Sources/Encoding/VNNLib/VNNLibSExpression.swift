// Reading VNN-LIB text into S-expressions: tokens with locations, parentheses matched
// without recursion so that no input can exhaust the stack.

/// One S-expression of the file: an atom (symbol, numeral, keyword, string) or a list.
enum _VNNLibSExpression: Sendable {
    case atom(String, VNNLibLocation)
    case list([_VNNLibSExpression], VNNLibLocation)

    var location: VNNLibLocation {
        switch self {
        case .atom(_, let at), .list(_, let at): return at
        }
    }

    /// A short rendering for error messages (atoms verbatim, lists by their head).
    var summary: String {
        switch self {
        case .atom(let text, _): return VNNLibError.shown(text)
        case .list(let items, _):
            if case .atom(let head, _)? = items.first { return "(\(VNNLibError.shown(head)) …)" }
            return items.isEmpty ? "()" : "(…)"
        }
    }
}

enum _VNNLibReader {
    /// The deepest nesting of parentheses accepted. VNN-LIB files nest a handful of levels;
    /// the bound keeps the recursive interpretation of the tree far from the stack's end.
    static let maxNestingDepth = 200

    /// The top-level S-expressions of `bytes`. Comments (`;` to end of line) are skipped;
    /// `|quoted symbols|` and `"strings"` (with `""` for a quote) are single atoms; a leading
    /// UTF-8 byte order mark is skipped.
    static func read(_ bytes: [UInt8], file: String) throws(VNNLibError) -> [_VNNLibSExpression] {
        var topLevel: [_VNNLibSExpression] = []
        // Open lists: their items so far and where they opened.
        var stack: [(items: [_VNNLibSExpression], at: VNNLibLocation)] = []
        var line = 1
        var lineStart = 0
        var index = 0
        // A UTF-8 byte order mark, as some editors write, is not part of the text.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            index = 3
            lineStart = 3
        }
        let count = bytes.count

        func location(_ offset: Int) -> VNNLibLocation {
            VNNLibLocation(line: line, column: offset - lineStart + 1)
        }
        func emit(_ expression: _VNNLibSExpression) {
            if stack.isEmpty { topLevel.append(expression) } else { stack[stack.count - 1].items.append(expression) }
        }

        while index < count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\n"):
                index += 1
                line += 1
                lineStart = index
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), 0x0B, 0x0C:
                index += 1
            case UInt8(ascii: ";"):
                while index < count && bytes[index] != UInt8(ascii: "\n") { index += 1 }
            case UInt8(ascii: "("):
                if stack.count >= maxNestingDepth {
                    throw .nestingTooDeep(file: file, location: location(index), limit: maxNestingDepth)
                }
                stack.append((items: [], at: location(index)))
                index += 1
            case UInt8(ascii: ")"):
                guard let open = stack.popLast() else {
                    throw .unbalancedParentheses(
                        file: file, location: location(index), detail: "this ')' has no matching '('")
                }
                emit(.list(open.items, open.at))
                index += 1
            case UInt8(ascii: "|"), UInt8(ascii: "\""):
                // Quoted symbol or string literal; may span lines.
                let start = location(index)
                let startOffset = index
                index += 1
                var closed = false
                while index < count {
                    let b = bytes[index]
                    if b == UInt8(ascii: "\n") {
                        line += 1
                        lineStart = index + 1
                    }
                    if b == byte {
                        // In a string, "" stands for one quote.
                        if byte == UInt8(ascii: "\""), index + 1 < count, bytes[index + 1] == byte {
                            index += 2
                            continue
                        }
                        index += 1
                        closed = true
                        break
                    }
                    index += 1
                }
                guard closed else {
                    let what = byte == UInt8(ascii: "|") ? "quoted symbol" : "string"
                    throw .malformed(
                        file: file, location: start,
                        detail: "\(what) starting here is never closed; close it with \(Character(UnicodeScalar(byte)))")
                }
                if byte == UInt8(ascii: "|") {
                    emit(.atom(String(decoding: bytes[(startOffset + 1)..<(index - 1)], as: UTF8.self), start))
                } else {
                    emit(.atom(String(decoding: bytes[startOffset..<index], as: UTF8.self), start))
                }
            default:
                let start = index
                while index < count {
                    let b = bytes[index]
                    if b == UInt8(ascii: "(") || b == UInt8(ascii: ")") || b == UInt8(ascii: ";")
                        || b == UInt8(ascii: " ") || b == UInt8(ascii: "\n") || b == UInt8(ascii: "\t")
                        || b == UInt8(ascii: "\r") || b == 0x0B || b == 0x0C
                        || b == UInt8(ascii: "|") || b == UInt8(ascii: "\"")
                    {
                        break
                    }
                    index += 1
                }
                emit(.atom(String(decoding: bytes[start..<index], as: UTF8.self), location(start)))
            }
        }
        if let outermost = stack.first {
            throw .unbalancedParentheses(
                file: file, location: outermost.at, detail: "the '(' opened here is never closed")
        }
        return topLevel
    }
}
