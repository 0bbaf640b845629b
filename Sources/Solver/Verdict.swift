import Encoding

/// How a HOLDS / ROBUST verdict was proved.
public enum ProofMethod: String, Sendable, Codable {
    /// Sound bounds over the whole box (interval or linear) exclude every unsafe disjunct.
    case bounds
    /// Input-split search: every sub-box closed by bounds (no leaf needed Z3).
    case split
    /// At least one sub-box was closed by an `unsat` answer of Z3 on the exact encoding.
    case smt
}

/// Where a counterexample came from.
public enum CounterexampleSource: String, Sendable, Codable {
    case center, attack, smt
}

/// A point of the input box where the property is violated.
public struct Counterexample: Sendable, Equatable {
    /// The input, as the Doubles fed to the plain forward pass (inside the box).
    public var input: [Double]
    /// The plain float forward pass at `input`.
    public var outputs: [Double]
    /// ``OutputProperty/violationScore(_:)`` of `outputs`: `<= 0` when the float pass
    /// reproduces the violation (a tie, 0, counts as a violation).
    public var floatScore: Double
    /// The exact rational input from Z3 (strings `p/q`), when the point came from a model.
    public var exactInput: [String]?
    public var source: CounterexampleSource

    /// True when the float forward pass confirms the violation.
    public var isConfirmedInFloat: Bool { floatScore <= 0 }
}

/// The answer to one query. Uncertainty is kept, never rounded away:
/// a violation found in exact arithmetic that the float pass does not reproduce is its own case.
public enum Verdict: Sendable, Equatable {
    /// The property holds on the whole box (local robustness: ROBUST).
    case holds(ProofMethod)
    /// A counterexample confirmed by the float forward pass (NOT ROBUST / VIOLATED).
    case violated(Counterexample)
    /// Z3 found a violation in exact arithmetic, but rounding the model to Doubles and running
    /// the float forward pass does not reproduce it (the margin is within rounding).
    case violatedUnconfirmed(Counterexample)
    /// Undecided within the limits; `reason` says which limit or why.
    case unknown(reason: String)

    /// Short label: `holds`, `violated`, `violated (unconfirmed in float)`, `unknown`.
    public var label: String {
        switch self {
        case .holds: return "holds"
        case .violated: return "violated"
        case .violatedUnconfirmed: return "violated-unconfirmed"
        case .unknown: return "unknown"
        }
    }
}
