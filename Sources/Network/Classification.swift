/// What a network's outputs say about the class: the one meaning of "classified as c" for the
/// whole tool.
///
/// ```
/// classified as c  <=>  y_c - y_j > 0  for every j != c
/// ```
///
/// strictly, on the exact values: a tie for the top score is no class at all (VNN-LIB's
/// non-strict `y_j >= y_c` unsafe sets agree: a tie is unsafe for c). Which values are "the
/// exact values" is the caller's choice: ``NeuralNetwork/checkedClassification(_:)`` decides
/// it for the network evaluated in exact real arithmetic; ``init(scores:)`` applied to a float
/// forward pass gives the float pass's classification (used only where it is labelled so).
public enum Classification: Sendable, Hashable, CustomStringConvertible {
    /// `y_c > y_j` for every other `j`.
    case `class`(Int)
    /// No strict winner: the indices no other output beats (two or more; every index when a
    /// NaN output makes the order partial).
    case tie([Int])

    /// The classification of `scores` under the strict rule above.
    /// - Precondition: `scores` is not empty.
    public init<Score: Comparable>(scores: [Score]) {
        precondition(!scores.isEmpty, "no outputs to classify")
        let unbeaten: [Int]
        if scores.allSatisfy({ $0 == $0 }) {
            // A total order (no NaN): the unbeaten indices are those equal to the maximum.
            let top = scores.max()!
            unbeaten = scores.indices.filter { !(scores[$0] < top) }
        } else {
            unbeaten = scores.indices.filter { i in !scores.indices.contains { scores[$0] > scores[i] } }
        }
        if unbeaten.count == 1, scores.indices.allSatisfy({ $0 == unbeaten[0] || scores[unbeaten[0]] > scores[$0] }) {
            self = .class(unbeaten[0])
        } else {
            self = .tie(unbeaten.isEmpty ? Array(scores.indices) : unbeaten)
        }
    }

    /// The class, or nil for a tie.
    public var classIndex: Int? {
        if case .class(let c) = self { return c }
        return nil
    }

    /// Whether this is class `c` (a tie never is).
    public func isClass(_ c: Int) -> Bool { classIndex == c }

    /// `3` for a class, `TIE(1,3)` for a tie.
    public var description: String {
        switch self {
        case .class(let c): return "\(c)"
        case .tie(let classes): return "TIE(" + classes.map(String.init).joined(separator: ",") + ")"
        }
    }
}

/// How a classification or a property check was decided.
public enum CheckEvidence: String, Sendable, Hashable, Codable {
    /// A float forward pass with a sound bound on its rounding error (``PointEnclosure``)
    /// already decides every comparison.
    case errorBound = "error_bound"
    /// The exact dyadic forward pass (``NeuralNetwork/evaluateExactly(_:)``).
    case exactArithmetic = "exact"
}

/// The classification of one input under exact real-arithmetic semantics, or why it could
/// not be decided.
public enum CheckedClassification: Sendable, Hashable {
    case decided(Classification, CheckEvidence)
    /// A tanh/sigmoid network (no exact pass) whose sound enclosure does not decide the top
    /// comparisons; `float` is the float pass's reading.
    case undecided(float: Classification)

    /// The decided classification, nil when undecided.
    public var classification: Classification? {
        if case .decided(let classification, _) = self { return classification }
        return nil
    }
}
