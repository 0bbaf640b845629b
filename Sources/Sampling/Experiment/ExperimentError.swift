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

    public var description: String {
        switch self {
        case let .invalidExperiment(file, place, problem, fix),
             let .invalidResults(file, place, problem, fix),
             let .invalidNoises(file, place, problem, fix):
            return "\(file): \(place): \(problem); \(fix)"
        }
    }
}
