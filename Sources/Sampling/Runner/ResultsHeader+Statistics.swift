// The statistical settings a results file fixes when it is started, and how a later request
// differs from them.

/// A setting of the statistical claim that a results file records in its header at its first
/// run and that no later command may change silently.
///
/// Why they are fixed: the guarantee "wrong with probability at most alpha" holds for a test
/// whose settings were chosen before the outcomes were seen. Resuming with a larger sample
/// size after an inconclusive look, a larger delta after a failing one, another bound, or
/// switching sequential stopping on once the data look good are all choices made after
/// looking; each one spends error probability that the bound does not account for.
public enum StatisticalSetting: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case delta
    case confidence
    case bound
    case samplesPerClass = "samples_per_class"
    case stopEarly = "stop_early"

    /// How messages name the setting.
    public var description: String {
        switch self {
        case .delta: "delta"
        case .confidence: "confidence"
        case .bound: "bound"
        case .samplesPerClass: "samples per class"
        case .stopEarly: "stop-early"
        }
    }
}

/// One setting whose requested value differs from the recorded one.
public struct StatisticalSettingChange: Sendable, Hashable, Codable {
    public var setting: StatisticalSetting
    /// The value in the results header, as a command line would give it.
    public var recorded: String
    /// The value of this command (experiment file and flags).
    public var requested: String

    public init(setting: StatisticalSetting, recorded: String, requested: String) {
        self.setting = setting
        self.recorded = recorded
        self.requested = requested
    }

    /// The command-line words that request the recorded value
    /// (`--delta 0.01`, `--stop-early`, `no --stop-early`).
    public var recordedFlag: String {
        switch setting {
        case .delta: "--delta \(recorded)"
        case .confidence: "--confidence \(recorded)"
        case .bound: "--bound \(recorded)"
        case .samplesPerClass: "--samples \(recorded)"
        case .stopEarly: recorded == StopEarlySchedule.offText ? "no --stop-early" : "--stop-early"
        }
    }
}

extension StopEarlySchedule {
    /// How a header without a schedule (fixed sample size) is named.
    public static let offText = "off"

    /// `on (looks from 20 samples, growth 1.5, basel spending)`; ``offText`` for nil.
    public static func text(_ schedule: StopEarlySchedule?) -> String {
        guard let schedule else { return offText }
        return "on (looks from \(schedule.initialSampleSize) samples, growth \(schedule.growthFactor), \(schedule.spending.rawValue) spending)"
    }
}

extension ResultsHeader {
    /// The recorded value of `setting`, as text.
    public func text(of setting: StatisticalSetting) -> String {
        switch setting {
        case .delta: "\(delta)"
        case .confidence: "\(confidence)"
        case .bound: bound.rawValue
        case .samplesPerClass: "\(samplesPerClass)"
        case .stopEarly: StopEarlySchedule.text(stopEarly)
        }
    }

    /// The statistical settings in which `requested` differs from this (recorded) header, in
    /// the order of ``StatisticalSetting/allCases``; empty when the claim is the same.
    ///
    /// Numbers are compared exactly (`0.01` and `0.010` are the same double; `0.01` and
    /// `0.0100000001` are not).
    public func statisticalChanges(requested: ResultsHeader) -> [StatisticalSettingChange] {
        StatisticalSetting.allCases.compactMap { setting in
            let same: Bool
            switch setting {
            case .delta: same = delta == requested.delta
            case .confidence: same = confidence == requested.confidence
            case .bound: same = bound == requested.bound
            case .samplesPerClass: same = samplesPerClass == requested.samplesPerClass
            case .stopEarly: same = stopEarly == requested.stopEarly
            }
            return same ? nil : StatisticalSettingChange(setting: setting, recorded: text(of: setting),
                                                         requested: requested.text(of: setting))
        }
    }
}
