/// Identity texts of the attack settings, part of ``QueryConfiguration/description`` (see
/// QueryConfiguration+Identity.swift), written by hand in the layout of Swift's default
/// rendering of the structs (version 1 of the identity).
extension AttackConfiguration: CustomDebugStringConvertible {
    /// `Solver.AttackConfiguration(restarts: 4, steps: 40, seed: 24301, stepSize: nil)`, with
    /// `samples: N`, `decay: true` and `rule: adam(rate: R)` appended only when set (results
    /// files written before those settings existed must still resume; set, they make a
    /// different experiment).
    public var identityText: String {
        var text = "Solver.AttackConfiguration(restarts: \(restarts), steps: \(steps), seed: \(seed), stepSize: "
        text += stepSize.map { "Optional(\(String(reflecting: $0)))" } ?? "nil"
        if samples != 0 { text += ", samples: \(samples)" }
        if decay { text += ", decay: true" }
        if rule != .sign { text += ", rule: \(rule.identityText)" }
        return text + ")"
    }

    public var debugDescription: String { identityText }
}

extension RandomSearchConfiguration {
    /// `Solver.RandomSearchConfiguration(restarts: 4, steps: 40, candidates: 8, initialStep: 0.5,
    /// minimumStep: 0.0078125, seed: 24301)`.
    public var identityText: String {
        "Solver.RandomSearchConfiguration(restarts: \(restarts), steps: \(steps), candidates: \(candidates), "
            + "initialStep: \(String(reflecting: initialStep)), minimumStep: \(String(reflecting: minimumStep)), seed: \(seed))"
    }
}

extension AttackMethod {
    /// `Solver.AttackMethod.gradient`, `.random` or `.both`.
    public var identityText: String {
        switch self {
        case .gradient: return "Solver.AttackMethod.gradient"
        case .random: return "Solver.AttackMethod.random"
        case .both: return "Solver.AttackMethod.both"
        }
    }
}
