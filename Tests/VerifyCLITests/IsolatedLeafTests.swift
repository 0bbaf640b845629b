import Encoding
import Foundation
import Network
@testable import Solver
import Support
import XCTest

/// Z3 leaves solved in a child `verify smt-leaf` against the same leaves solved in-process.
/// (Here and not in SolverTests: the child is the built `verify` binary, which only this
/// target depends on.)
final class IsolatedLeafTests: XCTestCase {
    /// A random dense network `inputs -> hidden... -> 3` with ReLU-like activations.
    static func randomNetwork(_ rng: inout SplitMix64) -> NeuralNetwork {
        let inputs = Int.random(in: 1...3, using: &rng)
        let activations: [Layer] = [.relu, .leakyRelu(alpha: 0.25), .clip(lower: -0.5, upper: 0.75)]
        var layers: [Layer] = []
        var size = inputs
        for width in [Int.random(in: 2...6, using: &rng), Int.random(in: 2...5, using: &rng), 3] {
            let weights = (0..<(width * size)).map { _ in Double(Float.random(in: -1...1, using: &rng)) }
            let bias = (0..<width).map { _ in Double(Float.random(in: -0.5...0.5, using: &rng)) }
            layers.append(.affine(AffineLayer(inputSize: size, outputSize: width, weights: weights, bias: bias)))
            if width != 3 { layers.append(activations.randomElement(using: &rng)!) }
            size = width
        }
        return try! NeuralNetwork(inputShape: [inputs], layers: layers)
    }

    /// Same leaf (network, box, interval bounds as big-M constants, misclassification) in both
    /// places: same verdict. Z3's model is not unique, and it already depends on the context's
    /// history in-process (a reused context finds other models than a fresh one), so a child's
    /// `sat` model is checked on its own: inside the box, its nearest Doubles are those of its
    /// exact values, and the leaf's encoding with the inputs fixed to those exact values is
    /// `sat` (an independent Z3 call).
    func testChildProcessLeavesAgreeWithInProcessLeaves() throws {
        let executable = try verifyExecutable().path
        let inProcess = try ExactLeafSolver()
        let isolated = try ExactLeafSolver()
        isolated.isolation = IsolatedLeaf(executable: executable, grace: 30)
        let oracle = try Z3Context()
        var rng = SplitMix64(seed: 11)
        var counts = (unsat: 0, sat: 0, sameModel: 0)
        for trial in 0..<60 {
            let network = Self.randomNetwork(&rng)
            let center = (0..<network.inputSize).map { _ in Double.random(in: -1...1, using: &rng) }
            let box = try Box.linf(center: center, radius: [0.05, 0.3, 1.0].randomElement(using: &rng)!)
            let trueClass = network.evaluate(center).argmax
            let query = SafetyQuery(network: network, box: box, property: .misclassification(outputCount: 3, trueClass: trueClass))
            let bounds = BoundPropagation.bounds(of: network, over: box, specification: query.specification.0, method: .interval)
            let solve = { (solver: ExactLeafSolver) in
                solver.solve(network: network, box: box, bounds: bounds, property: query.property,
                             resourceLimit: 0, timeLimit: 60, smt2Directory: nil).0
            }
            switch (solve(inProcess), solve(isolated)) {
            case (.unsat, .unsat):
                counts.unsat += 1
            case let (.sat(exactIn, _), .sat(exact, nearest)):
                counts.sat += 1
                if exact == exactIn { counts.sameModel += 1 }
                XCTAssertTrue(box.contains(nearest), "trial \(trial): child model \(nearest) outside \(box)")
                XCTAssertEqual(nearest, exact.map { ExactRational(fraction: $0)!.nearestDouble }, "trial \(trial)")
                let layers = network.layers.indices.filter { if case .affine = network.layers[$0] { return false }; return true }
                let encoding = try NetworkEncoder().encode(
                    network, inputLower: box.lower, inputUpper: box.upper,
                    preActivationBounds: layers.map { PreActivationBounds(lower: bounds.preActivationBounds(ofLayer: $0).lower,
                                                                          upper: bounds.preActivationBounds(ofLayer: $0).upper) },
                    property: query.property)
                let fixed = exact.enumerated().map { "(assert (= X_\($0.offset) \(ExactRational(fraction: $0.element)!.smtlib2())))" }
                let text = encoding.system.smtlib2().replacingOccurrences(of: "(check-sat)", with: fixed.joined(separator: "\n") + "\n(check-sat)")
                guard case .sat = try oracle.solve(smtlib2: text).outcome else {
                    XCTFail("trial \(trial): the child's model \(exact) does not satisfy the leaf encoding"); continue
                }
            case let (expected, actual):
                XCTFail("trial \(trial): in-process \(expected) vs child process \(actual)")
            }
        }
        XCTAssertGreaterThan(counts.unsat, 5, "the sample must exercise unsat leaves")
        XCTAssertGreaterThan(counts.sat, 5, "the sample must exercise sat leaves")
        print("isolated leaves: \(counts.unsat) unsat, \(counts.sat) sat (\(counts.sameModel) with the in-process model)")
    }

    // MARK: - verify smt-leaf

    func testSMTLeafAnswersAndRefusesMalformedFiles() throws {
        let directory = temporaryDirectory()
        let good = directory.appendingPathComponent("leaf.smt2").path
        try """
        (set-logic QF_LRA)
        (declare-const X_0 Real)
        (declare-const X_1 Real)
        (assert (<= (- (/ 1 2)) X_0))
        (assert (<= X_0 1))
        (assert (<= 0 X_1))
        (assert (<= X_1 (/ 1 3)))
        (assert (>= (+ X_0 X_1) (/ 5 4)))
        (check-sat)

        """.write(toFile: good, atomically: true, encoding: .utf8)
        // X_0 + X_1 >= 5/4 with X_0 <= 1, X_1 <= 1/3: only X_0 = 1 works for X_1 in [1/4, 1/3].
        let sat = try runVerify(["smt-leaf", good, "--timeout-ms", "10000", "--rlimit", "1000000"])
        XCTAssertEqual(sat.status, 0, sat.stderr)
        let lines = sat.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.prefix(2), ["sat", "X_0 1"], sat.stdout)
        let (answer, _) = try LeafAnswer.parse(sat.stdout, inputCount: 2)
        guard case .sat(let values) = answer else { return XCTFail(sat.stdout) }
        XCTAssertTrue((0.25...(1.0 / 3)).contains(values[1].nearestDouble), sat.stdout)

        let text = try String(contentsOfFile: good, encoding: .utf8)
        let unsat = directory.appendingPathComponent("unsat.smt2").path
        try text.replacingOccurrences(of: "(/ 5 4)", with: "2").write(toFile: unsat, atomically: true, encoding: .utf8)
        let refuted = try runVerify(["smt-leaf", unsat])
        XCTAssertEqual(refuted.status, 0, refuted.stderr)
        XCTAssertTrue(refuted.stdout.hasPrefix("unsat\nrlimit "), refuted.stdout)

        for (name, broken) in [("unbalanced.smt2", text.replacingOccurrences(of: "(assert (<= X_0 1))", with: "(assert (<= X_0 1)")),
                               ("unknown-symbol.smt2", text.replacingOccurrences(of: "(<= X_0 1)", with: "(<= X_0 W)")),
                               ("cut.smt2", String(text.prefix(text.count / 2)))] {
            let path = directory.appendingPathComponent(name).path
            try broken.write(toFile: path, atomically: true, encoding: .utf8)
            let result = try runVerify(["smt-leaf", path])
            XCTAssertEqual(result.status, 2, "\(name): \(result.stdout)")
            XCTAssertEqual(result.stdout, "", name)
            XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
            XCTAssertTrue(result.stderr.contains(path), result.stderr)
        }
        let missing = try runVerify(["smt-leaf", directory.appendingPathComponent("none.smt2").path])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("none.smt2"), missing.stderr)
    }

    // MARK: - verify robustness end to end

    /// The sample fields that a verdict consists of (no timing), sorted by index.
    struct Record: Decodable, Equatable {
        struct Witness: Decodable, Equatable { var noise: [Double]; var exact_noise: [String]? }
        var index: Int, `class`: Int, sample: Int, verdict: String, decided_by: String?
        var counterexample: Witness?
    }

    func records(_ path: String) throws -> (experiment: String, records: [Record]) {
        struct Header: Decodable { var experiment: String }
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        let decoder = JSONDecoder()
        let header = try decoder.decode(Header.self, from: Data(lines[0].utf8))
        let records = try lines.dropFirst().map { try decoder.decode(Record.self, from: Data($0.utf8)) }
        return (header.experiment, records.sorted { $0.index < $1.index })
    }

    /// Without counterexample details (Z3's model is not unique across contexts).
    func verdicts(_ records: [Record]) -> [String] {
        records.map { "\($0.index) \($0.class) \($0.sample) \($0.verdict) \($0.decided_by ?? "-")" }
    }

    /// The shipped digits example (4 classes, 3 samples, eps 0.01): the same records with leaf
    /// processes (the default) and in-process, the same experiment hash, and a file written
    /// in-process resumes with leaf processes.
    func testDigitsRobustnessIsUnchangedByLeafProcesses() throws {
        let directory = temporaryDirectory()
        let small = ["--generator", "0=examples/digits/generator_0.onnx", "--generator", "1=examples/digits/generator_1.onnx",
                     "--generator", "8=examples/digits/generator_8.onnx", "--generator", "9=examples/digits/generator_9.onnx",
                     "--eps", "0.01", "--quiet", "--jobs", "2"]
        let experiment = "examples/digits/experiment.json"
        let off = directory.appendingPathComponent("off.jsonl").path
        let on = directory.appendingPathComponent("on.jsonl").path
        let resumed = directory.appendingPathComponent("resumed.jsonl").path
        let first = try runVerify(["robustness", experiment, "--results", off, "--samples", "3", "--leaf-process", "off"] + small)
        XCTAssertNotEqual(first.status, 2, first.stderr)
        let second = try runVerify(["robustness", experiment, "--results", on, "--samples", "3"] + small)
        XCTAssertEqual(second.status, first.status, second.stderr)
        let reference = try records(off)
        XCTAssertEqual(reference.records.count, 12)
        XCTAssertEqual(try records(on).experiment, reference.experiment)
        XCTAssertEqual(try records(on).records, reference.records)

        // The in-process file cut after 8 samples (as an interrupted run leaves it; the sample
        // size is fixed at the first run, so a resume cannot extend it).
        let lines = try String(contentsOfFile: off, encoding: .utf8).split(separator: "\n")
        try (lines.prefix(9).joined(separator: "\n") + "\n").write(toFile: resumed, atomically: true, encoding: .utf8)
        let rest = try runVerify(["robustness", experiment, "--results", resumed, "--samples", "3", "--resume"] + small)
        XCTAssertNotEqual(rest.status, 2, rest.stderr)
        XCTAssertEqual(try records(resumed).records, reference.records)
        let bad = try runVerify(["robustness", experiment, "--results", directory.appendingPathComponent("x.jsonl").path,
                                 "--leaf-process", "maybe"] + small)
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("--leaf-process"), bad.stderr)
    }

    /// A tiny experiment whose open queries all go to Z3 (attack, linear bounds and splitting
    /// off), so samples are decided by `unsat` and by `sat` models: the same verdicts
    /// in-process and in leaf processes, and with leaf processes (a fresh Z3 per leaf) the
    /// same records, counterexamples included, for 1 and 2 jobs.
    func testZ3DecidedRobustnessAgreesAcrossLeafModes() throws {
        let directory = temporaryDirectory()
        func write(_ name: String, _ text: String) throws {
            try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        try write("c.json", """
        { "input_shape": [3], "layers": [
          { "type": "dense", "weights": [[0.8, -0.6, 0.5], [-0.7, 0.9, 0.4], [0.3, 0.6, -0.9], [-0.5, -0.4, 0.7]], "bias": [0.1, -0.2, 0.15, 0.05] },
          { "type": "relu" },
          { "type": "dense", "weights": [[1.5, -0.8, 0.6, -0.9], [-1.2, 1.4, -0.5, 0.8]], "bias": [0.05, -0.05] } ] }
        """)
        for (c, bias) in [(0, "[0.6, -0.3, 0.2, 0.4]"), (1, "[-0.4, 0.5, -0.2, 0.3]")] {
            try write("g\(c).json", """
            { "input_shape": [2], "layers": [
              { "type": "dense", "weights": [[0.7, -0.4], [0.3, 0.8], [-0.6, 0.5], [0.45, 0.35]], "bias": \(bias) },
              { "type": "relu" },
              { "type": "dense", "weights": [[0.9, -0.3, 0.4, 0.2], [-0.2, 0.7, 0.3, -0.5], [0.35, 0.25, -0.6, 0.55]], "bias": [0.1, -0.1, 0.2] } ] }
            """)
        }
        try write("experiment.json", """
        { "classifier": "c.json", "generators": {"0": "g0.json", "1": "g1.json"}, "eps": 0.3,
          "samples_per_class": 20, "delta": 0.2, "confidence": 0.9 }
        """)
        let experiment = directory.appendingPathComponent("experiment.json").path
        func run(_ name: String, _ extra: [String]) throws -> (experiment: String, records: [Record]) {
            let path = directory.appendingPathComponent(name).path
            let result = try runVerify(["robustness", experiment, "--results", path, "--quiet", "--disable", "attack,linear,split"] + extra)
            XCTAssertNotEqual(result.status, 2, result.stderr)
            return try records(path)
        }
        let inProcess = try run("off.jsonl", ["--leaf-process", "off", "--jobs", "1"])
        let one = try run("on1.jsonl", ["--jobs", "1"])
        let two = try run("on2.jsonl", ["--jobs", "2"])
        XCTAssertEqual(one.experiment, inProcess.experiment)
        XCTAssertEqual(verdicts(one.records), verdicts(inProcess.records))
        XCTAssertEqual(two.records, one.records)
        let bySMT = one.records.filter { $0.decided_by == "smt" }
        XCTAssertTrue(bySMT.contains { $0.verdict == "robust" }, "\(verdicts(one.records))")
        XCTAssertTrue(bySMT.contains { $0.verdict == "not_robust" && $0.counterexample?.exact_noise != nil }, "\(verdicts(one.records))")
    }
}
