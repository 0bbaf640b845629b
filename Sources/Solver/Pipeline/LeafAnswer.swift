import Encoding

/// The answer of one exact leaf solved in a child process (the leaf worker `verify-leaf`), as the
/// line-oriented text the child prints on stdout and the parent parses back.
///
/// ```
/// unsat                      the leaf's unsafe set is unreachable
/// unknown <reason>           Z3's reason: timeout, resource limit, interrupted, or its text
/// sat                        followed by one line per input variable, in order:
/// X_0 <p/q>                  the exact rational of Z3's model (ExactRational.fractionString:
/// X_1 <-p/q>                 p, -p, p/q or -p/q; never a decimal, never an exponent)
/// rlimit <count>             optional last line: Z3 resource units the query consumed
/// ```
///
/// Every line ends with `\n`, including the last: output without the final newline is a
/// truncated answer. Anything else (an extra line, a missing or reordered `X_i`, a number in
/// another form) is malformed, and the parent turns a malformed answer into UNKNOWN, never
/// into `sat` or `unsat`.
public enum LeafAnswer: Sendable, Equatable {
    case unsat
    /// The exact values of `X_0, X_1, ...`.
    case sat([ExactRational])
    case unknown(String)

    /// The answer's text; `resourceCount` adds the `rlimit` line.
    public func text(resourceCount: Double? = nil) -> String {
        var lines: [String]
        switch self {
        case .unsat: lines = ["unsat"]
        case .unknown(let reason): lines = ["unknown " + Self.singleLine(reason)]
        case .sat(let values):
            lines = ["sat"] + values.enumerated().map { "X_\($0.offset) \($0.element.fractionString)" }
        }
        if let resourceCount, resourceCount.isFinite, resourceCount >= 0 {
            lines.append("rlimit \(UInt64(resourceCount))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Parses a child's stdout for a leaf with `inputCount` input variables.
    /// - Returns: the answer and the resource count (0 when the `rlimit` line is absent).
    /// - Throws: ``LeafAnswerError`` naming the first problem.
    public static func parse(_ text: String, inputCount: Int) throws(LeafAnswerError) -> (LeafAnswer, Double) {
        guard !text.isEmpty else { throw .malformed("empty output") }
        guard text.hasSuffix("\n") else { throw .malformed("output does not end with a newline (truncated)") }
        var lines = text.dropLast().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var resources = 0.0
        if let last = lines.last, last.hasPrefix("rlimit ") {
            guard let count = UInt64(last.dropFirst("rlimit ".count)) else { throw .malformed("bad rlimit line '\(last)'") }
            resources = Double(count)
            lines.removeLast()
        }
        guard let head = lines.first else { throw .malformed("no verdict line") }
        let answer: LeafAnswer
        switch head {
        case "unsat":
            answer = .unsat
        case _ where head.hasPrefix("unknown "):
            answer = .unknown(String(head.dropFirst("unknown ".count)))
        case "sat":
            guard lines.count == inputCount + 1 else {
                throw .malformed("sat with \(lines.count - 1) value lines for \(inputCount) inputs")
            }
            var values: [ExactRational] = []
            for (index, line) in lines.dropFirst().enumerated() {
                let parts = line.split(separator: " ", omittingEmptySubsequences: false)
                guard parts.count == 2, parts[0] == "X_\(index)", let value = ExactRational(fraction: String(parts[1])) else {
                    throw .malformed("value line \(index + 1) is '\(line.prefix(80))', expected 'X_\(index) p/q'")
                }
                values.append(value)
            }
            return (.sat(values), resources)
        default:
            throw .malformed("unexpected first line '\(head.prefix(80))'")
        }
        guard lines.count == 1 else { throw .malformed("\(lines.count - 1) extra lines after '\(head.prefix(80))'") }
        return (answer, resources)
    }

    private static func singleLine(_ text: String) -> String {
        let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return flat.isEmpty ? "no reason given" : flat
    }
}

/// A child's stdout that is not a ``LeafAnswer``.
public enum LeafAnswerError: Error, Equatable, CustomStringConvertible {
    case malformed(String)

    public var description: String {
        switch self {
        case .malformed(let problem): return "malformed leaf answer: \(problem)"
        }
    }
}
