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
    /// How phase variables are entered (see ``PhaseEncoding``). Boolean implications are the
    /// default: on small random ReLU nets they ran 5-50x faster than 0/1 integers.
    public var phases: PhaseEncoding
    /// Solver random seed (parameter `random_seed`); fixed by default for reproducibility.
    public var randomSeed: UInt32
    /// Which Z3 solver runs the query.
    public var solver: Z3SolverKind

    public init(resourceLimit: UInt32? = nil, timeoutMilliseconds: UInt32? = nil,
                phases: PhaseEncoding = .boolean, randomSeed: UInt32 = 0, solver: Z3SolverKind = .smtCore) {
        self.solver = solver
        self.resourceLimit = resourceLimit
        self.timeoutMilliseconds = timeoutMilliseconds
        self.phases = phases
        self.randomSeed = randomSeed
    }
}

/// The Z3 solver object a query runs on.
public enum Z3SolverKind: Sendable, Equatable, CaseIterable {
    /// `Z3_mk_simple_solver`: the SMT core (DPLL(T) with the arithmetic solver) on the
    /// assertions as given. Predictable, and the resource limit covers all its work.
    case smtCore
    /// `Z3_mk_solver`: Z3's default, which may first run logic-specific preprocessing
    /// tactics (for integer phases these can include pseudo-Boolean and bit-blasting
    /// rewrites that are slow on big-M encodings).
    case automatic
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
    /// Note: Z3's "rlimit count" is cumulative over the context; see ``resourceUsed``.
    public var values: [String: Double]
    /// Resource units this query consumed (the increase of Z3's context-wide
    /// "rlimit count"); compare with ``Z3QueryOptions/resourceLimit``. Deterministic for a
    /// given query, Z3 version and seed, unlike time.
    public var resourceUsed: Double?

    public init(values: [String: Double] = [:], resourceUsed: Double? = nil) {
        self.values = values
        self.resourceUsed = resourceUsed
    }

    /// Same as ``resourceUsed`` (resource units this query consumed).
    public var resourceCount: Double? { resourceUsed }

    /// Decisions of the SMT core ("decisions") or, for purely propositional queries, of the
    /// SAT core ("sat decisions").
    public var decisions: Double? { values["decisions"] ?? values["sat decisions"] }
    /// Conflicts of the SMT core or the SAT core.
    public var conflicts: Double? { values["conflicts"] ?? values["sat conflicts"] }
}

/// The answer to one query.
public struct Z3Result: Sendable, Equatable {
    public var outcome: Z3Outcome
    public var statistics: Z3Statistics
}
