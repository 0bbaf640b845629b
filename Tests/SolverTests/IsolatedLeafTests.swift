import Encoding
import Foundation
import Network
import Support
@testable import Solver
import XCTest

/// Z3 leaves solved by the leaf worker `verify-leaf` in a child process against the same
/// leaves solved in-process, and the worker's answers to good and malformed query files.
/// The worker is the one the library finds (``LeafWorker/besideRunningExecutable()``): this
/// target depends on `verify-leaf`, so SwiftPM builds it beside the test bundle.
final class IsolatedLeafTests: XCTestCase {
    struct WorkerResult { var status: Int32; var stdout: String; var stderr: String }

    /// Runs the leaf worker with `arguments`.
    func runWorker(_ arguments: [String]) throws -> WorkerResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try LeafWorker.besideRunningExecutable())
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return WorkerResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                            stderr: String(decoding: errData, as: UTF8.self))
    }

    func temporaryDirectory() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("verify-leaf-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The worker is found beside the running executable (here the test bundle in
    /// `.build/<configuration>`), and a missing one is a one-line error that says how to build it.
    func testTheWorkerIsFoundBesideTheRunningExecutable() throws {
        let worker = try LeafWorker.besideRunningExecutable()
        XCTAssertEqual(URL(fileURLWithPath: worker).lastPathComponent, "verify-leaf")
        XCTAssertEqual(URL(fileURLWithPath: worker).deletingLastPathComponent().path,
                       LeafWorker.runningExecutableDirectory().path)
        let message = LeafWorkerError.missing(expected: "/opt/verify/verify-leaf").description
        XCTAssertFalse(message.contains("\n"), message)
        XCTAssertTrue(message.contains("/opt/verify/verify-leaf") && message.contains("swift build --product verify-leaf")
                      && message.contains("--leaf-process off"), message)
    }

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
        let executable = try LeafWorker.besideRunningExecutable()
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
                XCTAssertEqual(nearest, exact.map(\.nearestDouble), "trial \(trial)")
                let layers = network.layers.indices.filter { if case .affine = network.layers[$0] { return false }; return true }
                let encoding = try NetworkEncoder().encode(
                    network, inputLower: box.lower, inputUpper: box.upper,
                    preActivationBounds: layers.map { PreActivationBounds(lower: bounds.preActivationBounds(ofLayer: $0).lower,
                                                                          upper: bounds.preActivationBounds(ofLayer: $0).upper) },
                    property: query.property)
                let fixed = exact.enumerated().map { "(assert (= X_\($0.offset) \($0.element.smtlib2())))" }
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

    // MARK: - verify-leaf

    func testLeafWorkerAnswersAndRefusesMalformedFiles() throws {
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
        let sat = try runWorker([good, "--timeout-ms", "10000", "--rlimit", "1000000"])
        XCTAssertEqual(sat.status, 0, sat.stderr)
        let lines = sat.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.prefix(2), ["sat", "X_0 1"], sat.stdout)
        let (answer, _) = try LeafAnswer.parse(sat.stdout, inputCount: 2)
        guard case .sat(let values) = answer else { return XCTFail(sat.stdout) }
        XCTAssertTrue((0.25...(1.0 / 3)).contains(values[1].nearestDouble), sat.stdout)

        let text = try String(contentsOfFile: good, encoding: .utf8)
        let unsat = directory.appendingPathComponent("unsat.smt2").path
        try text.replacingOccurrences(of: "(/ 5 4)", with: "2").write(toFile: unsat, atomically: true, encoding: .utf8)
        let refuted = try runWorker([unsat])
        XCTAssertEqual(refuted.status, 0, refuted.stderr)
        XCTAssertTrue(refuted.stdout.hasPrefix("unsat\nrlimit "), refuted.stdout)

        for (name, broken) in [("unbalanced.smt2", text.replacingOccurrences(of: "(assert (<= X_0 1))", with: "(assert (<= X_0 1)")),
                               ("unknown-symbol.smt2", text.replacingOccurrences(of: "(<= X_0 1)", with: "(<= X_0 W)")),
                               ("cut.smt2", String(text.prefix(text.count / 2)))] {
            let path = directory.appendingPathComponent(name).path
            try broken.write(toFile: path, atomically: true, encoding: .utf8)
            let result = try runWorker([path])
            XCTAssertEqual(result.status, 2, "\(name): \(result.stdout)")
            XCTAssertEqual(result.stdout, "", name)
            XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
            XCTAssertTrue(result.stderr.contains(path), result.stderr)
        }
        let missing = try runWorker([directory.appendingPathComponent("none.smt2").path])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("none.smt2"), missing.stderr)
    }

    /// Bad arguments are one-line errors with exit status 2, never an answer.
    func testLeafWorkerRefusesBadArguments() throws {
        for arguments in [[], ["a.smt2", "b.smt2"], ["a.smt2", "--timeout-ms"], ["a.smt2", "--timeout-ms", "0"],
                          ["a.smt2", "--rlimit", "-1"], ["a.smt2", "--verbose"]] {
            let result = try runWorker(arguments)
            XCTAssertEqual(result.status, 2, "\(arguments)")
            XCTAssertEqual(result.stdout, "", "\(arguments)")
            XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
        }
    }
}
