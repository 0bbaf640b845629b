import Encoding
import Network

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
public enum CounterexampleSource: String, Sendable, Codable, CaseIterable {
    case center, attack, smt
}

/// A point of the input box and what each arithmetic says about it.
///
/// The verdict's arithmetic is exact (``check``): the loaded `Double` weights and the
/// `Double` input, evaluated in exact real arithmetic. The float64 and float32 forward passes
/// are re-runs of the same point, recorded so that a user sees what their runtime computes;
/// they never decide the verdict.
public struct Counterexample: Sendable, Equatable {
    /// The input, as the Doubles fed to the forward passes (inside the box).
    public var input: [Double]
    /// The float64 forward pass at `input`.
    public var outputs: [Double]
    /// ``OutputProperty/violationScore(_:)`` of `outputs`: `<= 0` when the float64 pass
    /// lands in the unsafe set.
    public var floatScore: Double
    /// The exact rational input from Z3 (strings `p/q`), when the point came from a model.
    public var exactInput: [String]?
    public var source: CounterexampleSource
    /// The unsafe set at `input` in exact arithmetic: what NOT ROBUST / VIOLATED rests on.
    public var check: ViolationCheck
    /// The class of `input` in exact arithmetic (a tie is no class).
    public var classification: CheckedClassification
    /// The float32 forward pass at `input` (``NeuralNetwork/evaluateFloat32(_:)``), widened.
    public var float32Outputs: [Double]
    /// ``OutputProperty/violationScore(_:)`` of `float32Outputs`.
    public var float32Score: Double

    public init(input: [Double], outputs: [Double], floatScore: Double, exactInput: [String]?,
                source: CounterexampleSource, check: ViolationCheck, classification: CheckedClassification,
                float32Outputs: [Double], float32Score: Double) {
        self.input = input
        self.outputs = outputs
        self.floatScore = floatScore
        self.exactInput = exactInput
        self.source = source
        self.check = check
        self.classification = classification
        self.float32Outputs = float32Outputs
        self.float32Score = float32Score
    }

    /// True when the exact check confirms the violation at `input`.
    public var isConfirmed: Bool { check.isViolated }
    /// True when the float64 pass lands in the unsafe set (a tie counts).
    public var isConfirmedInFloat: Bool { floatScore <= 0 }
    /// True when the float32 pass lands in the unsafe set (a tie counts).
    public var isConfirmedInFloat32: Bool { float32Score <= 0 }
    /// The float64 pass's classification (strict rule: a tie is no class).
    public var float64Classification: Classification { Classification(scores: outputs) }
    /// The float32 pass's classification (strict rule: a tie is no class).
    public var float32Classification: Classification { Classification(scores: float32Outputs) }
    /// True when float32 and float64 disagree on the class or on the unsafe set at `input`.
    public var precisionsDisagree: Bool {
        float64Classification != float32Classification || isConfirmedInFloat != isConfirmedInFloat32
    }
}

/// The answer to one query, about the loaded network in exact real arithmetic. Uncertainty
/// is kept, never rounded away: a violation Z3 found at a rational point that no `Double`
/// point confirms is its own case.
public enum Verdict: Sendable, Equatable {
    /// The property holds on the whole box (local robustness: ROBUST).
    case holds(ProofMethod)
    /// A counterexample whose `Double` input violates the property in exact arithmetic
    /// (``Counterexample/isConfirmed``): NOT ROBUST / VIOLATED.
    case violated(Counterexample)
    /// Z3 found a violation at a rational point, but at the nearest `Double` point the exact
    /// check does not confirm it (the violating set is thinner than the `Double` grid there),
    /// or, for tanh/sigmoid networks, cannot decide it.
    case violatedUnconfirmed(Counterexample)
    /// Undecided within the limits; `reason` says which limit or why.
    case unknown(reason: UnknownReason)

    /// Short label: `holds`, `violated`, `violated-unconfirmed`, `unknown`.
    public var label: String {
        switch self {
        case .holds: return "holds"
        case .violated: return "violated"
        case .violatedUnconfirmed: return "violated-unconfirmed"
        case .unknown: return "unknown"
        }
    }
}
