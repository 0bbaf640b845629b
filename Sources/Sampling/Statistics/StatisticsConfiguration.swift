// The parameters of a statistical claim "for every class, p_c >= 1 - delta, with confidence 1 - alpha".

/// What is claimed and how it is bounded.
public struct StatisticsConfiguration: Sendable, Hashable, Codable {
    /// The tolerated failure probability per class: the claim is `p_c >= 1 - delta`.
    public var delta: Double
    /// The overall error probability, exactly (JSON key `alpha`, its decimal).
    public var level: AlphaLevel
    /// The bound that decides verdicts (both are reported). Hoeffding by default.
    public var method: ConfidenceBoundMethod

    enum CodingKeys: String, CodingKey {
        case delta, method
        case level = "alpha"
    }

    public init(delta: Double, level: AlphaLevel, method: ConfidenceBoundMethod = .hoeffding) {
        precondition(delta > 0 && delta < 1, "delta must lie in (0, 1), got \(delta)")
        self.delta = delta
        self.level = level
        self.method = method
    }

    /// `alpha` read as its shortest decimal (see ``AlphaLevel/init(decimalOf:)``).
    public init(delta: Double, alpha: Double, method: ConfidenceBoundMethod = .hoeffding) {
        precondition(alpha > 0 && alpha < 1, "alpha must lie in (0, 1), got \(alpha)")
        self.init(delta: delta, level: AlphaLevel(decimalOf: alpha), method: method)
    }

    /// The level the bounds use: the exact alpha rounded down (the claim holds with confidence
    /// at least `1 - alpha`).
    public var alpha: Double { level.value }

    /// The threshold `1 - delta` that each `p_c` is compared with.
    public var threshold: Double { 1 - delta }
}
