// Joining results files (shards of one run, or runs continued elsewhere).

import Foundation

/// Joins results files of one experiment.
public enum ResultsMerge {
    /// The common header and all records sorted by index.
    ///
    /// - Throws: ``ExperimentError/invalidResults(file:place:problem:fix:)`` when a file
    ///   belongs to another experiment (different hash) or holds a sample index that another
    ///   file holds too (an overlap); ``ExperimentError/statisticsDiffer(file:other:change:)``
    ///   when it records other statistical settings (delta, confidence, bound, samples per
    ///   class, stop-early) than the first file.
    /// - Returns: also the files whose partially written last line was left out.
    public static func join(_ paths: [String]) throws -> (header: ResultsHeader, records: [SampleRecord], partialLines: [String]) {
        precondition(!paths.isEmpty, "nothing to join")
        var header: ResultsHeader?
        var owner: [Int: String] = [:]
        var records: [SampleRecord] = []
        var partial: [String] = []
        var shards: Set<String?> = []
        for path in paths {
            let file = try ResultsFile.read(path)
            if file.discardedPartialLine { partial.append(path) }
            shards.insert(file.header.shard)
            if let first = header {
                guard file.header.experiment == first.experiment else {
                    throw ExperimentError.invalidResults(
                        file: path, place: "header",
                        problem: "belongs to experiment \(file.header.experiment.prefix(12)), but \(paths[0]) to \(first.experiment.prefix(12)) (\(LoadedExperiment.identityDifference(first.identity, file.header.identity)))",
                        fix: "join only results of the same experiment")
                }
                if let change = first.statisticalChanges(requested: file.header).first {
                    throw ExperimentError.statisticsDiffer(file: path, other: paths[0], change: change)
                }
            } else {
                header = file.header
            }
            for record in file.records {
                if let other = owner[record.index] {
                    throw ExperimentError.invalidResults(
                        file: path, place: "sample \(record.index) (class \(record.classIndex), sample \(record.sample))",
                        problem: "is also in \(other): the files overlap",
                        fix: "join disjoint shards (each --shard I/K once)")
                }
                owner[record.index] = path
                records.append(record)
            }
        }
        var joined = header!
        if shards.count > 1 { joined.shard = nil }
        records.sort { $0.index < $1.index }
        return (joined, records, partial)
    }
}
