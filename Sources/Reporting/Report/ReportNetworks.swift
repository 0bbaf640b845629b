// The networks behind a results file, loaded again for the report's pictures.

import Foundation
import Network
import Sampling

/// The experiment's networks when they can be loaded and are those of the run, or why not.
///
/// A results header records the SHA-256 of every network it used (by role: `classifier`,
/// `generator_3`, `conditional_generator`). The report shows pictures only when every one of
/// them matches the file loaded now: a moved or retrained network would draw images the run
/// never saw.
public enum ReportNetworks: Sendable {
    case loaded(LoadedExperiment)
    /// The sentence shown in the report instead of the pictures.
    case unavailable(reason: String)

    /// Loads `experimentFile` (default: the header's `experiment_file`) and checks the digests.
    /// Never throws: every failure becomes ``unavailable(reason:)``.
    public static func load(experimentFile: String?, header: ResultsHeader) -> ReportNetworks {
        guard let path = experimentFile ?? header.experimentFile else {
            return .unavailable(reason: "the results header names no experiment file; pass --experiment FILE to show pictures")
        }
        let loaded: LoadedExperiment
        do {
            loaded = try LoadedExperiment(try Experiment.load(contentsOf: path))
        } catch {
            return .unavailable(reason: "the experiment \(path) could not be loaded (\(error)); pass --experiment FILE to show pictures")
        }
        for (role, digest) in header.digests.sorted(by: { $0.key < $1.key }) {
            guard let now = loaded.digests[role] else {
                return .unavailable(reason: "the experiment \(path) has no \(role.replacingOccurrences(of: "_", with: " ")) (the run used one); pass the run's experiment with --experiment FILE")
            }
            guard now == digest else {
                return .unavailable(reason: "the \(role.replacingOccurrences(of: "_", with: " ")) of \(path) has SHA-256 \(now.prefix(12))..., the run used \(digest.prefix(12))...: the network changed since the run")
            }
        }
        return .loaded(loaded)
    }

    public var experiment: LoadedExperiment? {
        if case .loaded(let loaded) = self { return loaded }
        return nil
    }
}
