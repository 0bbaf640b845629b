import Foundation
import XCTest

import Network
import Sampling

final class RunnerTests: XCTestCase {
    static let digits = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples/digits").path

    func temporaryFile(_ name: String) -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("runner-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent(name).path
    }

    /// Oracle: an independent loop over `evaluate` of freshly composed networks on the
    /// generator's noises; a sample is correct when its class's logit is strictly largest.
    func testCorrectnessCountsAgreeWithADirectLoop() throws {
        var experiment = try Experiment.load(contentsOf: Self.digits + "/experiment.json")
        experiment.samplesPerClass = 300
        experiment.seed = 7
        let report = CorrectnessEvaluator.run(try LoadedExperiment(experiment))
        let classifier = try NetworkFile.load(Self.digits + "/classifier.onnx")
        XCTAssertEqual(report.classes.map(\.classIndex), Array(0..<10))
        var misclassifiedTotal = 0
        for entry in report.classes {
            let c = entry.classIndex
            let network = try NeuralNetwork.composing(classifier: classifier, after: NetworkFile.load(Self.digits + "/generator_\(c).onnx"))
            var correct = 0
            var confusion = [Int](repeating: 0, count: 10)
            var misclassified: [MisclassifiedSample] = []
            for i in 0..<300 {
                let logits = network.evaluate(NoiseGenerator.noise(seed: 7, classIndex: c, sampleIndex: i, dimension: 6))
                if logits.indices.allSatisfy({ $0 == c || logits[c] > logits[$0] }) { correct += 1; confusion[c] += 1 } else {
                    let top = logits.indices.filter { $0 != c }.max { logits[$0] < logits[$1] || (logits[$0] == logits[$1] && $0 > $1) }!
                    confusion[top] += 1
                    misclassified.append(MisclassifiedSample(index: i, predicted: top, margin: logits[c] - logits[top]))
                }
            }
            XCTAssertEqual(entry.samples, 300)
            XCTAssertEqual(entry.correct, correct, "class \(c)")
            XCTAssertEqual(entry.confusion, confusion, "class \(c)")
            // Same samples and predictions; the reported margin is the float32 pass's, within
            // float32 rounding (relative 1e-4 here, far above it) of the float64 margin.
            let reported = try XCTUnwrap(entry.misclassified)
            XCTAssertEqual(reported.map(\.index), misclassified.map(\.index), "class \(c)")
            XCTAssertEqual(reported.map(\.predicted), misclassified.map(\.predicted), "class \(c)")
            for (a, b) in zip(reported, misclassified) {
                XCTAssertEqual(try XCTUnwrap(a.margin), try XCTUnwrap(b.margin), accuracy: 1e-4 * max(1, abs(b.margin!)))
            }
            misclassifiedTotal += misclassified.count
            let counts = report.assessment.classes[c].counts
            XCTAssertEqual(counts, VerdictCounts(robust: correct, notRobust: 300 - correct))
        }
        XCTAssertGreaterThan(misclassifiedTotal, 0, "the sample must exercise misclassified samples")
    }

    func testPredictionCountsTiesAsMisclassified() {
        XCTAssertEqual(CorrectnessEvaluator.prediction([2, 1, 0], trueClass: 0).predicted, 0)
        XCTAssertTrue(CorrectnessEvaluator.prediction([2, 2, 0], trueClass: 0) == (1, true))
        XCTAssertTrue(CorrectnessEvaluator.prediction([1, 3, 3], trueClass: 0) == (1, false))
        XCTAssertEqual(CorrectnessEvaluator.prediction([.nan, 1, 0], trueClass: 0).predicted, 1)
    }

    func testScheduleInterleavesClassesAndKeepsIndicesWhenExtended() {
        let small = SampleSchedule(classes: [0, 3, 5], samplesPerClass: 2)
        let large = SampleSchedule(classes: [0, 3, 5], samplesPerClass: 10)
        XCTAssertEqual((0..<small.count).map { small.sample(at: $0).classIndex }, [0, 3, 5, 0, 3, 5])
        for g in 0..<small.count {
            XCTAssertTrue(small.sample(at: g) == large.sample(at: g))
            let (c, i) = small.sample(at: g)
            XCTAssertEqual(small.globalIndex(classIndex: c, sample: i), g)
        }
        XCTAssertEqual(Shard(parsing: "1/4"), Shard(index: 1, count: 4))
        XCTAssertNil(Shard(parsing: "4/4"))
        XCTAssertNil(Shard(parsing: "x"))
    }

    /// Runs the tiny experiment; returns the outcome and the file's sample lines.
    func run(_ path: String, jobs: Int, samples: Int = 40, stopEarly: Bool = false, resume: Bool = false,
             cancellation: RunCancellation = RunCancellation(), progress: (RunProgress) -> Void = { _ in }) throws -> RobustnessRunOutcome {
        var experiment = try Experiment.load(contentsOf: try TinyModels.write())
        experiment.samplesPerClass = samples
        experiment.delta = 0.2
        experiment.confidence = 0.9
        experiment.bound = .clopperPearson
        let options = RobustnessRunOptions(resultsPath: path, jobs: jobs, resume: resume,
                                           stopEarly: stopEarly ? StopEarlySchedule(initialSampleSize: 10, growthFactor: 1.5) : nil)
        return try RobustnessRunner.run(try LoadedExperiment(experiment), options: options, cancellation: cancellation, progress: progress)
    }

    func sampleLines(_ path: String) throws -> [String] {
        try ResultsFile.read(path).records.map(\.deterministicPart)
    }

    func testRunsWithOneAndThreeWorkersWriteTheSameVerdictsInIndexOrder() throws {
        let one = temporaryFile("one.jsonl"), three = temporaryFile("three.jsonl")
        var snapshots = 0
        let first = try run(one, jobs: 1) { _ in snapshots += 1 }
        let second = try run(three, jobs: 3)
        XCTAssertGreaterThan(snapshots, 0)
        XCTAssertEqual(first.newSamples, 80)
        XCTAssertFalse(first.interrupted)
        XCTAssertEqual(try ResultsFile.read(three).records.map(\.index), Array(0..<80), "written in index order")
        XCTAssertEqual(try sampleLines(one), try sampleLines(three))
        XCTAssertEqual(first.assessment.classes.map(\.counts), second.assessment.classes.map(\.counts))
        // Sanity of the verdicts: a ROBUST sample's sound margin bound is positive; a NOT ROBUST
        // one has a counterexample inside the box whose float margin is <= 0.
        for record in first.records {
            switch record.verdict {
            case .robust: XCTAssertGreaterThan(record.marginLowerBound ?? 0, 0)
            case .notRobust:
                let cx = try XCTUnwrap(record.counterexample)
                XCTAssertLessThanOrEqual(cx.margin, 0)
                XCTAssertTrue(zip(cx.noise, record.noise).allSatisfy { abs($0 - $1) <= 0.1 + 1e-12 })
            default: break
            }
        }
    }

    /// The stopping look depends only on each class's first samples, so any number of workers
    /// writes the same file; the verdict equals `SequentialTest.run` on the same outcomes.
    func testStopEarlyIsDeterministicAndMatchesTheSequentialTest() throws {
        let one = temporaryFile("one.jsonl"), three = temporaryFile("three.jsonl")
        let first = try run(one, jobs: 1, samples: 2000, stopEarly: true)
        _ = try run(three, jobs: 3, samples: 2000, stopEarly: true)
        XCTAssertEqual(try sampleLines(one), try sampleLines(three))
        XCTAssertLessThan(first.newSamples, 2 * 2000 / 4, "every class should stop long before 2000 samples")
        // The runner's level: exactly (1 - 0.9) / 2 = 1/20, not the binary 1 - 0.9 halved.
        let level = UnionBound.perClassLevel(overall: AlphaLevel(confidence: 0.9), classCount: 2)
        XCTAssertEqual(first.assessment.perClassLevel, level)
        XCTAssertEqual(level.decimal, "0.05")
        for report in first.assessment.classes {
            let test = SequentialTest(delta: 0.2, level: level, initialSampleSize: 10, growthFactor: 1.5,
                                      maximumSampleSize: 2000, method: .clopperPearson)
            let outcomes = first.records.filter { $0.classIndex == report.classIndex }.sorted { $0.sample < $1.sample }
            let look = test.run { outcomes[$0].verdict.outcome }
            XCTAssertEqual(report.sequentialLook, look)
            XCTAssertEqual(report.verdict, .holds)
            XCTAssertEqual(report.counts.n, look.counts.n)
            XCTAssertEqual(outcomes.count, look.counts.n, "no sample of a stopped class beyond its look is written")
        }
    }

    func testCancelledRunKeepsFinishedSamplesAndResumes() throws {
        let reference = temporaryFile("reference.jsonl"), path = temporaryFile("cancelled.jsonl")
        _ = try run(reference, jobs: 2)
        let cancellation = RunCancellation(afterFinishedSamples: 5)
        let cancelled = try run(path, jobs: 2, cancellation: cancellation)
        XCTAssertTrue(cancelled.interrupted)
        XCTAssertTrue((5...6).contains(cancelled.newSamples), "stopped after 5 samples, one more may have been in flight: \(cancelled.newSamples)")
        XCTAssertEqual(try ResultsFile.read(path).records.count, cancelled.newSamples)
        XCTAssertThrowsError(try run(path, jobs: 2)) { XCTAssertTrue("\($0)".contains("--resume"), "\($0)") }
        let resumed = try run(path, jobs: 3, resume: true)
        XCTAssertEqual(resumed.resumedSamples, cancelled.newSamples)
        XCTAssertEqual(resumed.newSamples, 80 - cancelled.newSamples)
        XCTAssertEqual(try sampleLines(path).sorted(), try sampleLines(reference).sorted())
    }

    func testReadingDiscardsAPartialLastLineAndRejectsCorruption() throws {
        let path = temporaryFile("r.jsonl")
        _ = try run(path, jobs: 2, samples: 3)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let lines = text.split(separator: "\n").map(String.init)
        try (text + String(lines[1].prefix(30))).write(toFile: path, atomically: true, encoding: .utf8)
        let partial = try ResultsFile.read(path)
        XCTAssertTrue(partial.discardedPartialLine)
        XCTAssertEqual(partial.records.count, 6)
        XCTAssertEqual(partial.completeLength, text.utf8.count)

        try ([lines[0], lines[1], "{garbage", lines[2]].joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ResultsFile.read(path)) { XCTAssertTrue("\($0)".contains("line 3: is not a valid sample record"), "\($0)") }
        try ([lines[0], lines[1], lines[1]].joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ResultsFile.read(path)) { XCTAssertTrue("\($0)".contains("line 3: repeats sample index 0"), "\($0)") }
        try "{\"kind\": \"sample\"}\n".write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ResultsFile.read(path)) { XCTAssertTrue("\($0)".contains("line 1: is not a results header"), "\($0)") }
    }

    /// Samples after the first missing one are not counted (an unfinished run would otherwise
    /// favour fast, easy samples); UNKNOWN and unconfirmed count against the lower bound.
    func testAssessmentCountsTheUnbrokenPrefixOnly() throws {
        let path = temporaryFile("r.jsonl")
        let outcome = try run(path, jobs: 2, samples: 5)
        var records = outcome.records.filter { !($0.classIndex == 0 && $0.sample == 2) }
        records[0].verdict = .notRobustUnconfirmed
        let assessment = ResultsAssessment(records: records, classes: [0, 1], samplesPerClass: 5,
                                           configuration: StatisticsConfiguration(delta: 0.2, alpha: 0.1))
        let zero = assessment.classes[0]
        XCTAssertEqual(zero.counts.n, 2)
        XCTAssertEqual(zero.excluded, 2)
        XCTAssertEqual(zero.unconfirmed, 1)
        XCTAssertEqual(zero.counts.unknown, records.filter { $0.classIndex == 0 && $0.sample < 2 && $0.verdict.outcome == .unknown }.count)
        XCTAssertEqual(assessment.classes[1].counts.n, 5)
        XCTAssertEqual(assessment.perClassAlpha, 0.05, accuracy: 1e-15)
    }

    func testMergeRejectsOverlapsAndJoinsShards() throws {
        let whole = temporaryFile("whole.jsonl")
        _ = try run(whole, jobs: 2, samples: 4)
        let file = try ResultsFile.read(whole)
        let even = temporaryFile("even.jsonl"), odd = temporaryFile("odd.jsonl")
        try ResultsFile.write(even, header: file.header, records: file.records.filter { $0.index % 2 == 0 })
        try ResultsFile.write(odd, header: file.header, records: file.records.filter { $0.index % 2 == 1 })
        let joined = try ResultsMerge.join([odd, even])
        XCTAssertEqual(joined.records, file.records)
        XCTAssertThrowsError(try ResultsMerge.join([whole, even])) { XCTAssertTrue("\($0)".contains("overlap"), "\($0)") }
    }

    func testProgressRendersABarOnATerminalAndLinesOtherwise() {
        var output = ""
        let progress = RunProgress(done: 5, planned: 10, resumed: 2, counts: [.robust: 6, .notRobust: 1], elapsed: 2.5, finished: false)
        ProgressReporter(isTerminal: true) { output += $0 }.update(progress)
        XCTAssertTrue(output.hasPrefix("\r[############............] 5/10 samples (+2 resumed), 2.0/s, ETA 3s"), output)
        XCTAssertTrue(output.contains("robust 6, not robust 1, unknown 0"), output)
        output = ""
        let plain = ProgressReporter(isTerminal: false, interval: 5) { output += $0 }
        plain.update(progress)
        plain.update(RunProgress(done: 6, planned: 10, resumed: 2, counts: [:], elapsed: 3, finished: false))
        XCTAssertEqual(output.split(separator: "\n").count, 1, "a plain line at most every 5 s")
        XCTAssertTrue(output.hasPrefix("progress: 5/10 samples"), output)
        output = ""
        ProgressReporter(isTerminal: true, label: "table: a x b robustness") { output += $0 }.update(progress)
        XCTAssertTrue(output.hasPrefix("\r" + "table: a x b robustness: [############"), output)
        output = ""
        ProgressReporter(isTerminal: false, label: "table: a x b robustness") { output += $0 }.update(progress)
        XCTAssertTrue(output.hasPrefix("progress: table: a x b robustness: 5/10 samples"), output)
    }
}
