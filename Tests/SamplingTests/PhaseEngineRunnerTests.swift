import Foundation
import XCTest

import Network
import Sampling
import Solver

/// Robustness runs with the ReLU-phase engine (``Experiment/engine`` `.phase`): on the digits
/// C∘G networks (generator ReLU + clip, classifier ReLU) at a radius where the root bounds
/// leave samples open, every sample's record (verdict, method, limit, counterexample, and the
/// search counters `nodes` and `smt_leaves`) is the same for 1 and 3 workers, for two shards
/// joined, and after a resume; the node budget is what ends the undecided samples. The
/// experiment identity records the engine that runs.
///
/// Fails if the search's order or budget depended on the thread count or timing, or if the
/// phase engine were not used (no sample would report phase sub-problems beyond the root:
/// `splitSamples` stays 0 with `.input`, whose records differ).
final class PhaseEngineRunnerTests: XCTestCase {
    func temporaryFile(_ name: String) -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("phase-runner-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent(name).path
    }

    func experiment(engine: Experiment.Engine) throws -> Experiment {
        var experiment = try Experiment.load(contentsOf: RunnerTests.digits + "/experiment.json")
        experiment.samplesPerClass = 2
        experiment.eps = 0.3
        experiment.maxNodes = 25
        experiment.timeLimit = 600
        experiment.engine = engine
        return experiment
    }

    func run(_ path: String, jobs: Int, shard: Shard = .whole, resume: Bool = false, engine: Experiment.Engine = .phase) throws -> RobustnessRunOutcome {
        try RobustnessRunner.run(try LoadedExperiment(experiment(engine: engine)),
                                 options: RobustnessRunOptions(resultsPath: path, jobs: jobs, shard: shard, resume: resume))
    }

    /// Everything a record holds except timings.
    func lines(_ records: [SampleRecord]) -> [String] {
        records.map { "\($0.deterministicPart) nodes \($0.nodes) smt \($0.smtLeaves)" }
    }

    func testPhaseEngineRecordsAreIdenticalForJobsShardsAndResume() throws {
        let one = temporaryFile("one.jsonl"), three = temporaryFile("three.jsonl")
        let single = try run(one, jobs: 1)
        let parallel = try run(three, jobs: 3)
        XCTAssertEqual(lines(single.records), lines(parallel.records))
        let splitSamples = single.records.filter { $0.decidedBy == .split || ($0.verdict == .unknown && $0.nodes > 1) }
        XCTAssertGreaterThan(splitSamples.count, 0, "the sample must exercise the phase search")
        XCTAssertTrue(single.records.allSatisfy { $0.verdict != .unknown || $0.limit == "nodes" }, "\(lines(single.records))")

        let first = temporaryFile("shard0.jsonl"), second = temporaryFile("shard1.jsonl")
        let shards = try run(first, jobs: 2, shard: Shard(index: 0, count: 2)).records
            + run(second, jobs: 1, shard: Shard(index: 1, count: 2)).records
        XCTAssertEqual(lines(shards.sorted { $0.index < $1.index }), lines(single.records))

        // Resume: keep the first 7 samples of the single-worker file, finish the rest.
        let resumed = temporaryFile("resumed.jsonl")
        let text = try String(contentsOfFile: one, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        try (text.prefix(8).joined(separator: "\n") + "\n").write(toFile: resumed, atomically: true, encoding: .utf8)
        let continued = try run(resumed, jobs: 2, resume: true)
        XCTAssertEqual(continued.resumedSamples, 7)
        XCTAssertEqual(lines(continued.records), lines(single.records))
    }

    /// The identity records the engine that runs: the input engine has no `phaseSplit` entry,
    /// `.phase` adds one, so its results never resume an input run; the default `.auto`
    /// resolves to `input` on the 6-dimensional digits noise (the same searches), and to
    /// `phase` when every network goes to phase splitting.
    func testTheIdentityRecordsTheEngineThatRuns() throws {
        let input = try LoadedExperiment(experiment(engine: .input))
        XCTAssertFalse(input.identity.contains("phaseSplit"))
        var plain = try experiment(engine: .input)
        plain.engine = try Experiment.load(contentsOf: RunnerTests.digits + "/experiment.json").engine
        XCTAssertEqual(plain.engine, .auto, "auto is the default (the file has no engine)")
        let automatic = try LoadedExperiment(plain)
        XCTAssertEqual(automatic.hash, input.hash)
        XCTAssertEqual(automatic.queryConfiguration.phaseSplit.engine, .auto)
        let phase = try LoadedExperiment(experiment(engine: .phase))
        XCTAssertNotEqual(phase.hash, input.hash)
        XCTAssertTrue(phase.identity.contains("phaseSplit: PhaseSplitOptions(engine: phase"), phase.identity)
        XCTAssertEqual(phase.queryConfiguration.phaseSplit.engine, .phase)

        let wide = try NeuralNetwork(inputShape: [16], layers: [
            .affine(AffineLayer(inputSize: 16, outputSize: 2, weights: [Double](repeating: 1, count: 32), bias: [0, 0])), .relu,
        ])
        let narrow = try NeuralNetwork(inputShape: [15], layers: [
            .affine(AffineLayer(inputSize: 15, outputSize: 2, weights: [Double](repeating: 1, count: 30), bias: [0, 0])), .relu,
        ])
        var options = PhaseSplitOptions()
        options.engine = .auto
        XCTAssertEqual(LoadedExperiment.engineThatRuns(options, on: [wide, wide]), .phase)
        XCTAssertEqual(LoadedExperiment.engineThatRuns(options, on: [narrow]), .input)
        XCTAssertEqual(LoadedExperiment.engineThatRuns(options, on: [wide, narrow]), .auto)
        options.engine = .input
        XCTAssertEqual(LoadedExperiment.engineThatRuns(options, on: [wide]), .input)
    }

    func testExperimentFileEngineField() throws {
        func parse(_ engine: String) throws -> Experiment {
            let text = "{\"classifier\": \"c.onnx\", \"generators\": {\"0\": \"g.onnx\"}, \"eps\": 0.1, \"engine\": \(engine)}"
            return try Experiment.parse(Data(text.utf8), file: "e.json", baseDirectory: "")
        }
        XCTAssertEqual(try parse("\"phase\"").engine, .phase)
        XCTAssertEqual(try parse("\"auto\"").engine, .auto)
        XCTAssertEqual(try parse("\"input\"").engine, .input)
        XCTAssertThrowsError(try parse("\"relu\"")) { error in
            XCTAssertTrue("\(error)".contains("engine"), "\(error)")
        }
        XCTAssertThrowsError(try parse("3"))
    }
}
