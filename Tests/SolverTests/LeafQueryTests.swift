import Encoding
import Foundation
import Network
import Support
@testable import Solver
import XCTest

/// One description of an exact leaf (``LeafQuery``: the SMT-LIB2 text of its encoding and
/// the limits) feeds both places Z3 runs: this process and the leaf worker `verify-leaf`.
final class LeafQueryTests: XCTestCase {
    /// A random leaf: network, box, interval bounds (the big-M constants) and misclassification.
    func randomLeaf(_ rng: inout SplitMix64) throws -> (NeuralNetwork, Box, BoundResult, OutputProperty) {
        let network = IsolatedLeafTests.randomNetwork(&rng)
        let center = (0..<network.inputSize).map { _ in Double.random(in: -1...1, using: &rng) }
        let box = try Box.linf(center: center, radius: [0.05, 0.3, 1.0].randomElement(using: &rng)!)
        let property = OutputProperty.misclassification(outputCount: 3, trueClass: network.evaluate(center).argmax)
        let query = SafetyQuery(network: network, box: box, property: property)
        return (network, box, BoundPropagation.bounds(of: network, over: box, specification: query.specification.0, method: .interval), property)
    }

    /// The network's outputs at a rational input in exact arithmetic (the oracle for models):
    /// `y = W x + b` with every Double the rational it denotes; relu, leaky relu and clip applied
    /// exactly.
    static func exactOutputs(_ network: NeuralNetwork, _ input: [ExactRational]) -> [ExactRational] {
        var values = input
        for layer in network.layers {
            switch layer {
            case .affine(let affine):
                values = (0..<affine.outputSize).map { i in
                    (0..<affine.inputSize).reduce(ExactRational(affine.bias[i])) {
                        $0 + ExactRational(affine.weights[i * affine.inputSize + $1]) * values[$1]
                    }
                }
            case .relu:
                values = values.map { ExactRational.maximum($0, ExactRational(0)) }
            case .leakyRelu(let alpha):
                values = values.map { $0 < ExactRational(0) ? ExactRational(alpha) * $0 : $0 }
            case .clip(let low, let high):
                values = values.map { ExactRational.minimum(ExactRational.maximum($0, ExactRational(low)), ExactRational(high)) }
            default:
                preconditionFailure("the random networks are piecewise linear")
            }
        }
        return values
    }

    /// Each leaf solved in this process (a fresh solver, as the worker's) and by the worker:
    /// the same answer, the same exact model and the same Z3 resource count, since both run
    /// Z3 on the same text through the same function. Every model lies in the box and is a
    /// misclassification in exact arithmetic (some `y_j >= y_c`, `j != c`).
    func testInProcessAndWorkerLeavesGiveTheSameAnswer() throws {
        let executable = try LeafWorker.besideRunningExecutable()
        var rng = SplitMix64(seed: 23)
        var counts = (unsat: 0, sat: 0)
        for trial in 0..<40 {
            let (network, box, bounds, property) = try randomLeaf(&rng)
            let solve = { (isolated: Bool) throws -> (LeafOutcome, Double) in
                let solver = try ExactLeafSolver()
                if isolated { solver.isolation = IsolatedLeaf(executable: executable, grace: 30) }
                return solver.solve(network: network, box: box, bounds: bounds, property: property,
                                    resourceLimit: 0, timeLimit: 60, smt2Directory: nil)
            }
            let (inProcess, inProcessResources) = try solve(false), (worker, workerResources) = try solve(true)
            XCTAssertEqual(inProcessResources.rounded(.down), workerResources, "trial \(trial): Z3 resource counts")
            switch (inProcess, worker) {
            case (.unsat, .unsat):
                counts.unsat += 1
            case let (.sat(exactIn, nearestIn), .sat(exact, nearest)):
                counts.sat += 1
                XCTAssertEqual(exactIn, exact, "trial \(trial): models")
                XCTAssertEqual(nearestIn, nearest)
                XCTAssertTrue(exact.indices.allSatisfy { ExactRational(box.lower[$0]) <= exact[$0] && exact[$0] <= ExactRational(box.upper[$0]) })
                let y = Self.exactOutputs(network, exact)
                let c = property.disjuncts[0][0].coefficients.firstIndex { $0 > 0 }!  // atoms y_c - y_j <= 0
                XCTAssertTrue(y.indices.contains { $0 != c && y[$0] >= y[c] }, "trial \(trial): the model \(exact) is not a misclassification")
            case let (expected, actual):
                XCTFail("trial \(trial): in-process \(expected) vs worker \(actual)")
            }
        }
        XCTAssertGreaterThan(counts.unsat, 5, "the sample must exercise unsat leaves")
        XCTAssertGreaterThan(counts.sat, 5, "the sample must exercise sat leaves")
    }

    /// The file the worker reads is the leaf's query text byte for byte (a stand-in worker
    /// copies it), and that text declares the encoding's variables in order and writes every
    /// box end as the exact rational of its Double, which Z3 reads back as that rational.
    func testTheWorkerReceivesTheQueryTextAndItRoundTrips() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("leaf-query-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let standIn = directory + "/worker.sh"
        try "#!/bin/sh\ncp \"$1\" \(directory)/received.smt2\necho unsat\n".write(toFile: standIn, atomically: true, encoding: .utf8)
        XCTAssertEqual(chmod(standIn, 0o755), 0)

        var rng = SplitMix64(seed: 4)
        let (network, box, bounds, property) = try randomLeaf(&rng)
        let solver = try ExactLeafSolver()
        solver.isolation = IsolatedLeaf(executable: standIn, grace: 30)
        guard case .unsat = solver.solve(network: network, box: box, bounds: bounds, property: property,
                                         resourceLimit: 1000, timeLimit: 5, smt2Directory: nil).0 else { return XCTFail("stand-in answer not taken") }
        let received = try String(contentsOfFile: directory + "/received.smt2", encoding: .utf8)

        let layers = network.layers.indices.filter { if case .affine = network.layers[$0] { return false }; return true }
        let encoding = try NetworkEncoder().encode(
            network, inputLower: box.lower, inputUpper: box.upper,
            preActivationBounds: layers.map { PreActivationBounds(lower: bounds.preActivationBounds(ofLayer: $0).lower,
                                                                  upper: bounds.preActivationBounds(ofLayer: $0).upper) },
            property: property)
        let expected = LeafQuery(encoding.system, options: Z3QueryOptions(resourceLimit: 1000, timeoutMilliseconds: 5000))
        XCTAssertEqual(received, expected.text)
        let declared = received.split(separator: "\n").filter { $0.hasPrefix("(declare-const ") }.map { $0.split(separator: " ")[1] }
        XCTAssertEqual(declared.map(String.init), encoding.system.variables.map(\.name))
        // Z3 reads each box end back as the exact rational of the Double: fixing X_i to a value
        // just outside its interval (by a hundredth of the smallest positive subnormal) is unsat.
        let tiny = ExactRational(Double.leastNonzeroMagnitude) / ExactRational(100)
        for i in box.lower.indices {
            for outside in [ExactRational(box.lower[i]) - tiny, ExactRational(box.upper[i]) + tiny] {
                let fixed = received.replacingOccurrences(of: "(check-sat)", with: "(assert (= X_\(i) \(outside.smtlib2())))\n(check-sat)")
                XCTAssertEqual(try Z3Context().solve(smtlib2: fixed).outcome, .unsat, "X_\(i) = \(outside)")
            }
        }
    }
}
