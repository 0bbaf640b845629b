import Encoding

/// Per-query limits and encoding choices. The deterministic `rlimit` is the budget;
/// the wall-clock `timeoutMilliseconds` is only a safety net (design: results must not
/// depend on machine load, so a timeout is recorded as such).
public struct Z3QueryOptions: Sendable, Equatable {
    /// Z3's resource limit (solver parameter `rlimit`, counted in Z3's internal steps);
    /// `nil` for none. Z3 takes a 32-bit value.
    public var resourceLimit: UInt32?
    /// Wall-clock limit (solver parameter `timeout`); `nil` for none.
    public var timeoutMilliseconds: UInt32?
    /// How phase variables are entered (see ``PhaseEncoding``).
    public var phases: PhaseEncoding
    /// Solver random seed (parameter `random_seed`); fixed by default for reproducibility.
    public var randomSeed: UInt32

    public init(resourceLimit: UInt32? = nil, timeoutMilliseconds: UInt32? = nil,
                phases: PhaseEncoding = .integer, randomSeed: UInt32 = 0) {
        self.resourceLimit = resourceLimit
        self.timeoutMilliseconds = timeoutMilliseconds
        self.phases = phases
        self.randomSeed = randomSeed
    }
}

/// An exact model value: the rational Z3 reports, a decimal rendering and the nearest double.
public struct Z3Value: Sendable, Equatable, CustomStringConvertible {
    /// The exact value.
    public var exact: ExactRational
    /// Z3's decimal rendering with ``Z3Value/decimalDigits`` digits after the point; a
    /// trailing `?` marks a truncated expansion.
    public var decimal: String
    /// The double nearest to ``exact`` (ties to even).
    public var double: Double

    /// Digits after the decimal point requested from `Z3_get_numeral_decimal_string`.
    public static let decimalDigits: UInt32 = 40

    public var description: String { decimal }
}

/// A satisfying assignment.
public struct Z3Model: Sendable, Equatable {
    /// Values of the system's `inputs`, in order (empty for SMT-LIB2 text queries).
    public var inputs: [Z3Value]
    /// Values of the system's `outputs`, in order (empty for SMT-LIB2 text queries).
    public var outputs: [Z3Value]
    /// Every real or integer constant by name; phases (Boolean or 0/1) as 0 or 1.
    public var values: [String: Z3Value]
}

/// Why Z3 answered `unknown`.
public enum Z3UnknownReason: Sendable, Equatable, CustomStringConvertible {
    /// The wall-clock safety net fired.
    case timeout
    /// The deterministic resource limit was exhausted.
    case resourceLimit
    /// ``Z3InterruptHandle/interrupt()`` was called during the query.
    case interrupted
    /// Anything else, with Z3's text (`Z3_solver_get_reason_unknown`).
    case other(String)

    public var description: String {
        switch self {
        case .timeout: return "timeout"
        case .resourceLimit: return "resource limit"
        case .interrupted: return "interrupted"
        case .other(let text): return text
        }
    }
}

public enum Z3Outcome: Sendable, Equatable {
    case sat(Z3Model)
    case unsat
    case unknown(Z3UnknownReason)
}

/// Solver statistics of one query (`Z3_solver_get_statistics`).
public struct Z3Statistics: Sendable, Equatable {
    /// Every entry Z3 reported, by Z3's key (e.g. "decisions", "conflicts", "rlimit count").
    public var values: [String: Double]

    public init(values: [String: Double] = [:]) { self.values = values }

    public var decisions: Double? { values["decisions"] }
    public var conflicts: Double? { values["conflicts"] }
    /// Resource units consumed: compare with ``Z3QueryOptions/resourceLimit``.
    public var resourceCount: Double? { values["rlimit count"] }
}

/// The answer to one query.
public struct Z3Result: Sendable, Equatable {
    public var outcome: Z3Outcome
    public var statistics: Z3Statistics
}
