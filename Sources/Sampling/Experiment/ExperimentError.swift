// Errors of experiment files and results files: one sentence each, naming the file, the
// place, what is wrong and what to do (the CLI prints `description` as its one-line error).

/// An invalid experiment, results file or run request.
public enum ExperimentError: Error, CustomStringConvertible, Equatable {
    /// The experiment file (or a flag overriding it) is invalid at `place`.
    case invalidExperiment(file: String, place: String, problem: String, fix: String)
    /// A results file is unreadable, corrupt or does not fit the run.
    case invalidResults(file: String, place: String, problem: String, fix: String)
    /// A noises file is invalid at `place`.
    case invalidNoises(file: String, place: String, problem: String, fix: String)
    /// A command requests another statistical setting than the results file recorded at its
    /// first run (``StatisticalSetting``): resuming it would change the claim after looking.
    case statisticsChanged(file: String, change: StatisticalSettingChange)
    /// Two results files to be joined record different statistical settings: `change.recorded`
    /// is `other`'s value, `change.requested` is `file`'s.
    case statisticsDiffer(file: String, other: String, change: StatisticalSettingChange)

    public var description: String {
        switch self {
        case let .invalidExperiment(file, place, problem, fix),
             let .invalidResults(file, place, problem, fix),
             let .invalidNoises(file, place, problem, fix):
            return "\(file): \(place): \(problem); \(fix)"
        case let .statisticsChanged(file, change):
            return "\(file): header: records \(change.setting) \(change.recorded), this run requests \(change.requested); "
                + "statistical settings are fixed when a results file is started (changing them after seeing samples voids the guarantee); "
                + "resume with \(change.recordedFlag), or start a new results file"
        case let .statisticsDiffer(file, other, change):
            return "\(file): header: records \(change.setting) \(change.requested), but \(other) records \(change.recorded); "
                + "files of one claim share its statistical settings; join only files run with the same settings, or start a new results file"
        }
    }
}
