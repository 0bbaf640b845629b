/// "Did you mean" for mistyped option and subcommand names.
enum Suggestion {
    /// The candidate closest to `typed` by edit distance, when it is close enough to be the
    /// likely intent: at most 2 edits for short names, at most a third of the name's length
    /// for long ones, or `typed` is a prefix of exactly one candidate (`--res` for
    /// `--results`). `nil` when nothing is that close or two candidates tie.
    static func closest(to typed: String, among candidates: [String]) -> String? {
        let prefixed = candidates.filter { $0.hasPrefix(typed) }
        if prefixed.count == 1, typed.count >= 3 { return prefixed[0] }
        let limit = max(2, typed.count / 3)
        let scored = candidates.map { (name: $0, distance: editDistance(typed, $0)) }.filter { $0.distance <= limit }
        guard let best = scored.min(by: { $0.distance < $1.distance }) else { return nil }
        return scored.filter { $0.distance == best.distance }.count == 1 ? best.name : nil
    }

    /// The clause appended to an error: `; did you mean '--eps'?`, or the empty string.
    static func clause(for typed: String, among candidates: [String]) -> String {
        closest(to: typed, among: candidates).map { "; did you mean '\($0)'?" } ?? ""
    }

    /// Levenshtein distance (insertions, deletions and substitutions of characters, each 1).
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + [Int](repeating: 0, count: b.count)
            for j in stride(from: 1, through: b.count, by: 1) {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            previous = current
        }
        return previous[b.count]
    }
}
