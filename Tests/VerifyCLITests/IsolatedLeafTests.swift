import Encoding
import Foundation
import Network
@testable import Solver
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
}
