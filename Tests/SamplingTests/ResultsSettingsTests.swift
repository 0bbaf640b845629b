import Foundation
import XCTest

import Network
import Sampling

/// The statistical settings of a results file are fixed at its first run: the header records
/// them, a resume with other values is refused, the same values are accepted, and files with
/// different settings are not joined.
final class ResultsSettingsTests: XCTestCase {
    func temporaryFile(_ name: String) -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("settings-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent(name).path
    }

    /// The tiny two-class experiment at delta 0.2, confidence 0.9, Clopper-Pearson, 4 samples.
    func experiment(_ change: (inout Experiment) -> Void = { _ in }) throws -> LoadedExperiment {
        var experiment = try Experiment.load(contentsOf: try TinyModels.write())
        experiment.samplesPerClass = 4
        experiment.delta = 0.2
        experiment.confidence = 0.9
        experiment.bound = .clopperPearson
        change(&experiment)
        return try LoadedExperiment(experiment)
    }

    func run(_ path: String, _ experiment: LoadedExperiment, resume: Bool = false,
             stopEarly: StopEarlySchedule? = nil) throws -> RobustnessRunOutcome {
        try RobustnessRunner.run(experiment, options: RobustnessRunOptions(resultsPath: path, jobs: 1, resume: resume, stopEarly: stopEarly))
    }

    func headerObject(_ path: String) throws -> [String: Any] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let first = try XCTUnwrap(text.split(separator: "\n").first)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any])
    }

    func testHeaderRecordsTheSettingsOfTheFirstRun() throws {
        let fixed = temporaryFile("fixed.jsonl"), sequential = temporaryFile("sequential.jsonl")
        _ = try run(fixed, try experiment())
        let header = try headerObject(fixed)
        XCTAssertEqual(header["delta"] as? Double, 0.2)
        XCTAssertEqual(header["confidence"] as? Double, 0.9)
        XCTAssertEqual(header["bound"] as? String, "clopper-pearson")
        XCTAssertEqual(header["samples_per_class"] as? Int, 4)
        XCTAssertNil(header["stop_early"], "a fixed-size run records no schedule")
        _ = try run(sequential, try experiment(), stopEarly: StopEarlySchedule(initialSampleSize: 2, growthFactor: 1.5))
        let schedule = try XCTUnwrap(try headerObject(sequential)["stop_early"] as? [String: Any])
        XCTAssertEqual(schedule["initial_sample_size"] as? Int, 2)
        XCTAssertEqual(schedule["growth_factor"] as? Double, 1.5)
        XCTAssertEqual(schedule["spending"] as? String, "basel")
    }

    func testResumeWithAnotherSettingIsRefusedAndWithTheSameAccepted() throws {
        let path = temporaryFile("r.jsonl")
        let first = try run(path, try experiment())
        let before = try String(contentsOfFile: path, encoding: .utf8)
        let schedule = StopEarlySchedule(initialSampleSize: 2, growthFactor: 1.5)
        let cases: [(StatisticalSetting, String, String, LoadedExperiment, StopEarlySchedule?)] = [
            (.delta, "0.2", "0.25", try experiment { $0.delta = 0.25 }, nil),
            (.confidence, "0.9", "0.95", try experiment { $0.confidence = 0.95 }, nil),
            (.bound, "clopper-pearson", "hoeffding", try experiment { $0.bound = .hoeffding }, nil),
            (.samplesPerClass, "4", "6", try experiment { $0.samplesPerClass = 6 }, nil),
            (.stopEarly, "off", StopEarlySchedule.text(schedule), try experiment(), schedule),
        ]
        for (setting, recorded, requested, changed, stopEarly) in cases {
            XCTAssertThrowsError(try run(path, changed, resume: true, stopEarly: stopEarly), "\(setting)") { error in
                XCTAssertEqual(error as? ExperimentError, .statisticsChanged(
                    file: path, change: StatisticalSettingChange(setting: setting, recorded: recorded, requested: requested)))
                let message = "\(error)"
                XCTAssertTrue(message.hasPrefix(path + ": header: records \(setting) \(recorded), this run requests \(requested)"), message)
                XCTAssertTrue(message.contains("start a new results file"), message)
                XCTAssertFalse(message.contains("\n"), message)
            }
            XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), before, "a refused resume leaves the file as it was")
        }
        // The same settings: accepted, nothing to do.
        let again = try run(path, try experiment(), resume: true)
        XCTAssertEqual(again.newSamples, 0)
        XCTAssertEqual(again.resumedSamples, first.newSamples)
        // (The tiny models are written to a new directory each time, so only the experiment
        // file's path in the header may change.)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst(),
                       before.split(separator: "\n").dropFirst())

        // A sequential run cannot be resumed without its schedule, nor with another one.
        let sequential = temporaryFile("s.jsonl")
        _ = try run(sequential, try experiment(), stopEarly: schedule)
        XCTAssertThrowsError(try run(sequential, try experiment(), resume: true)) {
            guard case .statisticsChanged(_, let change)? = $0 as? ExperimentError else { return XCTFail("\($0)") }
            XCTAssertEqual(change.setting, .stopEarly)
            XCTAssertEqual(change.requested, "off")
        }
        XCTAssertThrowsError(try run(sequential, try experiment(), resume: true, stopEarly: StopEarlySchedule(initialSampleSize: 3, growthFactor: 1.5)))
        XCTAssertNoThrow(try run(sequential, try experiment(), resume: true, stopEarly: schedule))
    }

    func testJoinRefusesFilesWithOtherSettings() throws {
        let whole = temporaryFile("whole.jsonl")
        _ = try run(whole, try experiment())
        let file = try ResultsFile.read(whole)
        let even = temporaryFile("even.jsonl"), odd = temporaryFile("odd.jsonl")
        try ResultsFile.write(even, header: file.header, records: file.records.filter { $0.index % 2 == 0 })
        for (setting, change) in [(StatisticalSetting.samplesPerClass, { (h: inout ResultsHeader) in h.samplesPerClass = 8 }),
                                  (.delta, { $0.delta = 0.3 }), (.stopEarly, { $0.stopEarly = StopEarlySchedule() })] {
            var header = file.header
            change(&header)
            try ResultsFile.write(odd, header: header, records: file.records.filter { $0.index % 2 == 1 })
            XCTAssertThrowsError(try ResultsMerge.join([even, odd])) { error in
                guard case .statisticsDiffer(let path, let other, let difference)? = error as? ExperimentError else {
                    return XCTFail("\(error)")
                }
                XCTAssertEqual(path, odd)
                XCTAssertEqual(other, even)
                XCTAssertEqual(difference.setting, setting)
            }
        }
        try ResultsFile.write(odd, header: file.header, records: file.records.filter { $0.index % 2 == 1 })
        XCTAssertEqual(try ResultsMerge.join([even, odd]).records, file.records)
    }

    /// A fixed-size assessment with fewer counted than planned samples is unfinished; a
    /// sequential one is not (its test is valid at every look).
    func testAssessmentReportsUnfinishedClasses() throws {
        let path = temporaryFile("r.jsonl")
        let outcome = try run(path, try experiment())
        let configuration = StatisticsConfiguration(delta: 0.2, alpha: 0.1, method: .clopperPearson)
        let complete = ResultsAssessment(records: outcome.records, classes: [0, 1], samplesPerClass: 4, configuration: configuration)
        XCTAssertEqual(complete.classes.map(\.planned), [4, 4])
        XCTAssertTrue(complete.unfinishedClasses.isEmpty)
        let partial = outcome.records.filter { !($0.classIndex == 1 && $0.sample == 2) }
        let unfinished = ResultsAssessment(records: partial, classes: [0, 1], samplesPerClass: 4, configuration: configuration)
        XCTAssertEqual(unfinished.unfinishedClasses.map(\.classIndex), [1])
        XCTAssertEqual(unfinished.classes[1].counts.n, 2)
        let sequential = ResultsAssessment(records: partial, classes: [0, 1], samplesPerClass: 4, configuration: configuration,
                                           stopEarly: StopEarlySchedule(initialSampleSize: 2, growthFactor: 1.5))
        XCTAssertTrue(sequential.unfinishedClasses.isEmpty)
        // A shard plans its own part: shard 1/2 of 2 classes x 4 samples holds global indices 1, 3, 5, 7 (class 1).
        let shard = ResultsAssessment(records: outcome.records.filter { $0.index % 2 == 1 }, classes: [0, 1], samplesPerClass: 4,
                                      configuration: configuration, shard: Shard(index: 1, count: 2))
        XCTAssertEqual(shard.classes.map(\.planned), [0, 4])
        XCTAssertTrue(shard.unfinishedClasses.isEmpty)
    }
}
