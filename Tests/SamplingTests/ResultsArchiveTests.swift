import Foundation
import XCTest

import Sampling

/// Archives (``ResultsFile/writeArchive(_:header:records:source:)``): records without their
/// generated noises, read back as the run wrote them, refused when anything does not match.
final class ResultsArchiveTests: XCTestCase {
    func temporaryFile(_ name: String) -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("archive-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent(name).path
    }

    /// The tiny experiment's run (40 samples per class) into `path`, with `noisesFile` when given.
    func run(_ path: String, noisesFile: String? = nil, samples: Int = 40, resume: Bool = false) throws -> RobustnessRunOutcome {
        var experiment = try Experiment.load(contentsOf: try TinyModels.write())
        experiment.samplesPerClass = samples
        experiment.seed = 11
        return try RobustnessRunner.run(try LoadedExperiment(experiment, noisesFile: noisesFile),
                                        options: RobustnessRunOptions(resultsPath: path, jobs: 1, resume: resume))
    }

    /// The JSON objects of a file's lines.
    func objects(_ path: String) throws -> [[String: Any]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    func testArchiveReadsBackAsTheRunWroteItAndIsSmaller() throws {
        let full = temporaryFile("full.jsonl"), archive = temporaryFile("archive.jsonl")
        let outcome = try run(full)
        let written = try ResultsFile.read(full)
        XCTAssertTrue(written.records.contains { $0.counterexample != nil }, "the run must exercise counterexamples")
        try ResultsFile.writeArchive(archive, header: written.header, records: written.records, source: full)

        let lines = try objects(archive)
        XCTAssertEqual(lines.count, 81)
        let omitted = try XCTUnwrap(lines[0]["omitted_noises"] as? [String: Any])
        XCTAssertEqual(omitted["seed"] as? Int, 11)
        XCTAssertEqual(omitted["dimension"] as? Int, 2)
        for line in lines.dropFirst() {
            XCTAssertNil(line["noise"], "a record leaves its noise out")
            if let cx = line["counterexample"] as? [String: Any] { XCTAssertNotNil(cx["noise"], "a counterexample keeps its noise") }
        }
        let size = { (path: String) in try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) }
        XCTAssertLessThan(try size(archive), try size(full))

        // Read back: the records the run wrote, each noise the generator's for its class and index.
        let read = try ResultsFile.read(archive)
        XCTAssertEqual(read.records, outcome.records)
        for record in read.records {
            XCTAssertEqual(record.noise, NoiseGenerator.noise(seed: 11, classIndex: record.classIndex, sampleIndex: record.sample, dimension: 2))
        }
        XCTAssertEqual(read.header.omittedNoises?.sha256, OmittedNoises.digest(outcome.records))

        // Merging writes the noises back (and no "omitted_noises"), as a resume does.
        let merged = temporaryFile("merged.jsonl")
        let (header, records, _) = try ResultsMerge.join([archive])
        try ResultsFile.write(merged, header: header, records: records)
        XCTAssertNil(try objects(merged)[0]["omitted_noises"])
        XCTAssertEqual(try objects(merged).dropFirst().filter { $0["noise"] == nil }.count, 0)
        XCTAssertEqual(try ResultsFile.read(merged).records, outcome.records)
        let partial = temporaryFile("partial.jsonl")
        try ResultsFile.writeArchive(partial, header: written.header, records: Array(written.records.prefix(60)), source: full)
        let resumed = try run(partial, resume: true)
        XCTAssertEqual(resumed.resumedSamples, 60)
        XCTAssertEqual(resumed.newSamples, 20)
        XCTAssertNil(try objects(partial)[0]["omitted_noises"], "a resumed archive is a full results file again")
        XCTAssertEqual(try ResultsFile.read(partial).records.map(\.deterministicPart), outcome.records.map(\.deterministicPart))
    }

    /// Rewrites line `number` (1-based) of `path` with `change`.
    func edit(_ path: String, line number: Int, _ change: (String) -> String) throws {
        var lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        lines[number - 1] = change(lines[number - 1])
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    func assertRefused(_ path: String, mentioning words: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try ResultsFile.read(path), file: file, line: line) { error in
            let text = "\(error)"
            for word in words { XCTAssertTrue(text.contains(word), "\(word) not in: \(text)", file: file, line: line) }
        }
    }

    func testTamperedArchivesAndNoiselessRecordsAreRefused() throws {
        let full = temporaryFile("full.jsonl"), archive = temporaryFile("archive.jsonl")
        _ = try run(full, samples: 10)
        let written = try ResultsFile.read(full)
        try ResultsFile.writeArchive(archive, header: written.header, records: written.records, source: full)
        let pristine = try String(contentsOfFile: archive, encoding: .utf8)
        let sha = OmittedNoises.digest(written.records)

        // Another digest: the noises regenerated here are not those it records.
        try edit(archive, line: 1) { $0.replacingOccurrences(of: sha, with: String(repeating: "0", count: 64)) }
        assertRefused(archive, mentioning: [archive, "omitted_noises", "full results file"])
        // Another seed than the identity's.
        try pristine.write(toFile: archive, atomically: true, encoding: .utf8)
        try edit(archive, line: 1) { $0.replacingOccurrences(of: "\"seed\":11", with: "\"seed\":12") }
        assertRefused(archive, mentioning: ["omitted_noises", "seed 12"])
        // Identity, seed and digest changed together: the identity no longer hashes to the experiment.
        try pristine.write(toFile: archive, atomically: true, encoding: .utf8)
        var reseeded = written.records
        for k in reseeded.indices {
            reseeded[k].noise = NoiseGenerator.noise(seed: 12, classIndex: reseeded[k].classIndex, sampleIndex: reseeded[k].sample, dimension: 2)
        }
        try edit(archive, line: 1) {
            $0.replacingOccurrences(of: "noises generated seed 11 dimension 2", with: "noises generated seed 12 dimension 2")
                .replacingOccurrences(of: "\"seed\":11", with: "\"seed\":12")
                .replacingOccurrences(of: sha, with: OmittedNoises.digest(reseeded))
        }
        XCTAssertTrue(try String(contentsOfFile: archive, encoding: .utf8).contains("noises generated seed 12"), "the edit must change the identity")
        assertRefused(archive, mentioning: ["\"identity\"", "does not hash"])
        // A kept noise that is not the generated one.
        try pristine.write(toFile: archive, atomically: true, encoding: .utf8)
        try edit(archive, line: 2) { $0.replacingOccurrences(of: "\"index\":0,", with: "\"index\":0,\"noise\":[0.5,0.25],") }
        assertRefused(archive, mentioning: ["sample 0", "not the generated one"])
        // A record without its noise in a file that is not an archive.
        try edit(full, line: 3) { line in
            // Sorted keys: the record's own "noise" is the last one (a counterexample's comes first).
            let start = line.range(of: "\"noise\":[", options: .backwards)!
            let end = line.range(of: "],", range: start.upperBound..<line.endIndex)!
            return String(line[..<start.lowerBound] + line[end.upperBound...])
        }
        let edited = try objects(full)[2]
        XCTAssertNil(edited["noise"], "the edit must remove the record's noise")
        XCTAssertNotNil(edited["verdict"])
        assertRefused(full, mentioning: ["line 3", "no \"noise\" key"])
    }

    /// `SampleRecord` is coded by hand (for the optional `noise`): every stored property of a
    /// record with every optional field set must reach the file and come back.
    func testHandWrittenCodingKeepsEveryField() throws {
        let full = temporaryFile("full.jsonl"), again = temporaryFile("again.jsonl")
        _ = try run(full, samples: 40)
        var record = try XCTUnwrap(try ResultsFile.read(full).records.first { $0.counterexample != nil })
        record.reason = "why"
        record.limit = "time"
        record.decidedBy = .attack
        record.marginLowerBound = -0.5
        let header = try ResultsFile.read(full).header
        try ResultsFile.write(again, header: header, records: [record])
        XCTAssertEqual(try ResultsFile.read(again).records, [record])
        let encoded = try objects(again)[1]
        XCTAssertEqual(encoded.count, Mirror(reflecting: record).children.count,
                       "a stored property is missing from SampleRecord's encode(to:) (or this record leaves one nil): \(encoded.keys.sorted())")
    }

    func testOnlyGeneratedNoisesAreLeftOut() throws {
        // Noises read from a file are the run's only record of them.
        let noises = temporaryFile("noises.csv")
        try (0..<5).map { "\(0.1 * Double($0)),-0.3" }.joined(separator: "\n").write(toFile: noises, atomically: true, encoding: .utf8)
        let fromFile = temporaryFile("file.jsonl")
        _ = try run(fromFile, noisesFile: noises)
        let read = try ResultsFile.read(fromFile)
        XCTAssertThrowsError(try ResultsFile.writeArchive(temporaryFile("a.jsonl"), header: read.header, records: read.records, source: fromFile)) { error in
            XCTAssertTrue("\(error)".contains("noises file"), "\(error)")
        }
        // A record whose noise the generator does not give keeps it: the archive is refused.
        let full = temporaryFile("full.jsonl")
        _ = try run(full, samples: 5)
        var records = try ResultsFile.read(full).records
        records[3].noise[1] = records[3].noise[1].nextUp
        XCTAssertThrowsError(try ResultsFile.writeArchive(temporaryFile("b.jsonl"), header: ResultsFile.read(full).header,
                                                          records: records, source: full)) { error in
            XCTAssertTrue("\(error)".contains("sample \(records[3].index)"), "\(error)")
        }
    }
}
