import Dispatch

/// The work an attack did: counted, so the same seed gives the same numbers on any machine.
public struct AttackEffort: Sendable, Equatable {
    /// Starting points used (the first one included).
    public var restarts = 0
    /// Plain forward passes (one per evaluated point).
    public var evaluations = 0
    /// Reverse passes (gradient attack only).
    public var gradients = 0

    public init() {}

    /// Adds another search's counts.
    mutating func add(_ other: AttackEffort) {
        restarts += other.restarts
        evaluations += other.evaluations
        gradients += other.gradients
    }
}

/// What an attack returns. `.found` is validated: `point` lies in the box and the plain float
/// forward pass `network.evaluate(point)` (its value is `outputs`) reaches the goal.
public enum AttackOutcome: Sendable, Equatable {
    case found(point: [Double], outputs: [Double], effort: AttackEffort)
    /// Every restart used its counted budget of steps without reaching the goal.
    case exhausted(AttackEffort)
    /// The optional wall-clock cap stopped the search first.
    case timeLimit(AttackEffort)

    public var point: [Double]? {
        if case .found(let point, _, _) = self { return point }
        return nil
    }

    public var effort: AttackEffort {
        switch self {
        case .found(_, _, let effort), .exhausted(let effort), .timeLimit(let effort): return effort
        }
    }
}

/// An optional wall-clock cap on a search (never the budget that decides a result).
public struct AttackDeadline: Sendable {
    let end: DispatchTime?

    /// No cap.
    public static let none = AttackDeadline(end: nil)

    /// `seconds` from now.
    public static func after(seconds: Double) -> AttackDeadline {
        AttackDeadline(end: .now() + .nanoseconds(Int(min(seconds, 1e9) * 1e9)))
    }

    public var hasPassed: Bool { end.map { DispatchTime.now() >= $0 } ?? false }
}
