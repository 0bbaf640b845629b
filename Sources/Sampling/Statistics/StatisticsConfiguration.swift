// The parameters of a statistical claim "for every class, p_c >= 1 - delta, with confidence 1 - alpha".

/// What is claimed and how it is bounded.
public struct StatisticsConfiguration: Sendable, Hashable, Codable {
    /// The tolerated failure probability per class: the claim is `p_c >= 1 - delta`.
    public var delta: Double
    /// The overall error probability: the claim holds with confidence `1 - alpha`.
    public var alpha: Double
    /// The bound that decides verdicts (both are reported). Hoeffding by default.
    public var method: ConfidenceBoundMethod

    public init(delta: Double, alpha: Double, method: ConfidenceBoundMethod = .hoeffding) {
        precondition(delta > 0 && delta < 1, "delta must lie in (0, 1), got \(delta)")
        precondition(alpha > 0 && alpha < 1, "alpha must lie in (0, 1), got \(alpha)")
        self.delta = delta
        self.alpha = alpha
        self.method = method
    }

    /// The threshold `1 - delta` that each `p_c` is compared with.
    public var threshold: Double { 1 - delta }
}
