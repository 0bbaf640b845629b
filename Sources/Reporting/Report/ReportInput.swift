// Everything the HTML report shows, gathered from results files and the experiment.

import Foundation
import Network
import Sampling
import Support

/// The data of one report: the joined results, their statistics (the same
/// ``ResultsAssessment`` that `verify summary` prints), and the networks for pictures.
public struct ReportInput: Sendable {
    public var resultsFiles: [String]
    public var header: ResultsHeader
    /// All records of the files, sorted by index (counted or not).
    public var records: [SampleRecord]
    public var assessment: ResultsAssessment
    public var networks: ReportNetworks
    /// The experiment file that was tried for pictures (nil when none was named).
    public var experimentFile: String?
    /// The experiment file's `comment` field, if any.
    public var comment: String?
    /// At most this many counterexample pairs are drawn.
    public var galleryLimit: Int
    /// Sentences shown in a note at the top (partially written lines, ...).
    public var notes: [String]

    public init(resultsFiles: [String], header: ResultsHeader, records: [SampleRecord], assessment: ResultsAssessment,
                networks: ReportNetworks, experimentFile: String?, comment: String?, galleryLimit: Int, notes: [String]) {
        self.resultsFiles = resultsFiles
        self.header = header
        self.records = records
        self.assessment = assessment
        self.networks = networks
        self.experimentFile = experimentFile
        self.comment = comment
        self.galleryLimit = galleryLimit
        self.notes = notes
    }

    /// Joins `resultsFiles` (``ResultsMerge/join(_:)``), assesses them with the header's
    /// statistical settings exactly as `verify summary` does without overrides, and loads the
    /// networks of `experimentFile` (default: the header's) for pictures.
    /// - Throws: the errors of ``ResultsMerge/join(_:)`` (unreadable or inconsistent files);
    ///   a network that cannot be loaded is not an error (see ``ReportNetworks``).
    public static func load(resultsFiles: [String], experimentFile: String? = nil, galleryLimit: Int = 12) throws -> ReportInput {
        let (header, records, partial) = try ResultsMerge.join(resultsFiles)
        let shard = header.shard.flatMap { Shard(parsing: $0) } ?? .whole
        let assessment = ResultsAssessment(records: records, classes: header.classes, samplesPerClass: header.samplesPerClass,
                                           configuration: header.statistics, stopEarly: header.stopEarly, shard: shard)
        let path = experimentFile ?? header.experimentFile
        let notes = partial.map { "\($0) ends in a partially written line; it is not counted." }
        return ReportInput(resultsFiles: resultsFiles, header: header, records: records, assessment: assessment,
                           networks: ReportNetworks.load(experimentFile: path, header: header), experimentFile: path,
                           comment: path.flatMap(comment(ofExperiment:)), galleryLimit: galleryLimit, notes: notes)
    }

    /// The `comment` string of an experiment file, nil if absent or unreadable.
    static func comment(ofExperiment path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path),
              let object = try? JSONText.parse(data) as? [String: Any] else { return nil }
        return object["comment"] as? String
    }
}
