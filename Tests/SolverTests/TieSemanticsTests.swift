import Encoding
import Foundation
import Network
@testable import Solver
import XCTest

/// One meaning of "classified as c" (design rule 8): every pipeline step returns the same
/// verdict on the same sample, and that verdict is the exact one. The oracle is the naive
/// SMT-LIB2 encoding of ``PipelineDifferentialTests/naiveSMT(_:_:_:)`` decided by Z3 in
/// exact rational arithmetic (no bounds, no float pass); every reported counterexample is
/// re-checked by the same oracle on the one-point box at its `Double` input.
final class TieSemanticsTests: XCTestCase {
    /// Complete configurations that ran out of nodes (see ``checkSample``).
    var unknowns = 0

    /// The pipeline configurations compared: every step on; no attack; Z3 only (no attack, no
    /// linear bounds, no split); split-heavy (Z3 only at the deepest level); bounds only (no
    /// split, no Z3: decides or says UNKNOWN).
    static var configurations: [(name: String, configuration: QueryConfiguration, complete: Bool)] {
        let all = QueryConfiguration()
        var noAttack = all
        noAttack.attack.useAttack = false
        var z3Only = all
        z3Only.attack.useAttack = false
        z3Only.bounds.useLinear = false
        z3Only.search.useSplit = false
        z3Only.bounds.useRelaxationLP = false
        var splitHeavy = all
        splitHeavy.leaves.smtUnstableThreshold = 0
        splitHeavy.leaves.maxDepth = 8
        var boundsOnly = all
        boundsOnly.search.useSplit = false
        boundsOnly.leaves.useSMT = false
        return [("all", all, true), ("no-attack", noAttack, true), ("z3-only", z3Only, true),
                ("split-heavy", splitHeavy, true), ("bounds-only", boundsOnly, false)]
    }

    enum Expected: Equatable { case robust, violated }

    static func oracle(_ z3: Z3Context, _ network: NeuralNetwork, _ box: Box, _ property: OutputProperty) throws -> Expected {
        switch try z3.solve(smtlib2: PipelineDifferentialTests.naiveSMT(network, box, property)).outcome {
        case .sat: return .violated
        case .unsat: return .robust
        case .unknown(let reason): throw XCTSkip("oracle unknown: \(reason)")
        }
    }

    /// Runs every configuration on one sample and checks each verdict against the oracle.
    func checkSample(_ network: NeuralNetwork, _ box: Box, trueClass: Int, oracle z3: Z3Context,
                     solvers: [QuerySolver], label: String) throws -> Expected {
        let property = OutputProperty.misclassification(outputCount: network.outputSize, trueClass: trueClass)
        let expected = try Self.oracle(z3, network, box, property)
        for (solver, entry) in zip(solvers, Self.configurations) {
            let result = solver.solve(SafetyQuery(network: network, box: box, property: property))
            let verdict = result.verdict
            switch (verdict, expected) {
            case (.holds, .robust):
                break
            case (.violated(let counterexample), .violated):
                XCTAssertTrue(counterexample.isConfirmed, "\(label) \(entry.name)")
                XCTAssertTrue(box.contains(counterexample.input), "\(label) \(entry.name): outside the box")
                let point = try Box(lower: counterexample.input, upper: counterexample.input)
                XCTAssertEqual(try Self.oracle(z3, network, point, property), .violated,
                               "\(label) \(entry.name): the counterexample \(counterexample.input) is not a violation in exact arithmetic")
            case (.unknown, _) where !entry.complete:
                break
            case (.unknown(.nodeBudget), _):
                // Undecided within the limits is no contradiction; the family's kinks at
                // 2^-53 from a box face defeat bisection without the attack (counted).
                unknowns += 1
            default:
                XCTFail("\(label) \(entry.name): pipeline \(verdict) vs exact oracle \(expected); \(result.steps.map(\.name)); \(network.layers); box \(box.lower) \(box.upper) class \(trueClass)")
            }
        }
        return expected
    }

    /// The reproduction of the issue: `y = (x + 2^-60, x)` on `[0.5, 1.5]`. In floating point
    /// `x + 2^-60 = x` there (a tie everywhere, which the old centre check and attack reported
    /// as NOT ROBUST); exactly, `y_0 - y_1 = 2^-60 > 0` everywhere: class 0 is ROBUST in every
    /// configuration, and class 1 NOT ROBUST (its margin is `-2^-60`).
    func testNearTieIsRobustWithEveryStep() throws {
        let network = try NeuralNetwork(inputShape: [1], layers: [
            .affine(AffineLayer(inputSize: 1, outputSize: 2, weights: [1, 1], bias: [0x1p-60, 0])),
        ])
        let box = try Box.linf(center: [1], radius: 0.5)
        let solvers = try Self.configurations.map { try QuerySolver(configuration: $0.configuration) }
        let z3 = try Z3Context()
        XCTAssertEqual(try checkSample(network, box, trueClass: 0, oracle: z3, solvers: solvers, label: "class 0"), .robust)
        XCTAssertEqual(try checkSample(network, box, trueClass: 1, oracle: z3, solvers: solvers, label: "class 1"), .violated)
        // The attack step alone on class 0: its float candidates tie, the exact check refuses them.
        var attackOnly = QueryConfiguration()
        attackOnly.bounds.useInterval = false
        attackOnly.bounds.useLinear = false
        attackOnly.search.useSplit = false
        attackOnly.leaves.useSMT = false
        let result = try QuerySolver(configuration: attackOnly).solve(
            SafetyQuery(network: network, box: box, property: .misclassification(outputCount: 2, trueClass: 0)))
        guard case .unknown = result.verdict else { return XCTFail("attack alone: \(result.verdict.label)") }
        // The candidate at the centre: the float pass ties, the exact check says safe.
        let query = SafetyQuery(network: network, box: box, property: .misclassification(outputCount: 2, trueClass: 0))
        let center = CounterexampleCheck.evaluate(query, point: [1], exact: nil, source: .center)
        XCTAssertTrue(center.isConfirmedInFloat)
        XCTAssertEqual(center.check, .safe(.exactArithmetic))
        XCTAssertEqual(center.classification, .decided(.class(0), .exactArithmetic))
    }

    /// `y = (x, x)`: an exact tie everywhere, never class 0 or 1: NOT ROBUST for both classes
    /// in every configuration, the counterexample's class a tie.
    func testExactTieIsNotRobustWithEveryStep() throws {
        let network = try NeuralNetwork(inputShape: [1], layers: [
            .affine(AffineLayer(inputSize: 1, outputSize: 2, weights: [1, 1], bias: [0, 0])), .relu,
        ])
        let box = try Box.linf(center: [0.25], radius: 0.5)
        let solvers = try Self.configurations.map { try QuerySolver(configuration: $0.configuration) }
        let z3 = try Z3Context()
        for c in 0..<2 {
            XCTAssertEqual(try checkSample(network, box, trueClass: c, oracle: z3, solvers: solvers, label: "class \(c)"), .violated)
        }
        let result = solvers[0].solve(SafetyQuery(network: network, box: box, property: .misclassification(outputCount: 2, trueClass: 0)))
        guard case .violated(let counterexample) = result.verdict else { return XCTFail("\(result.verdict.label)") }
        XCTAssertEqual(counterexample.classification, .decided(.tie([0, 1]), .exactArithmetic))
    }

    /// A tie-heavy family: tiny ReLU networks whose weights and biases come from a small set
    /// of dyadic values (so rows repeat and cancel exactly) plus offsets of `±2^-60` and
    /// `±2^-54` (below the float resolution of the outputs, so the float pass ties where the
    /// exact outputs do not); boxes of radius 0 (a single point), small and wide. Every sample
    /// gets the oracle's verdict in every configuration.
    func testTieHeavyFamilyGetsOneVerdictWithEveryStepSwitchedOnOrOff() throws {
        var rng = Z3SeededGenerator(seed: 0x71E5)
        let values: [Double] = [0, 1, -1, 0.5, -0.5, 2]
        let offsets: [Double] = [0, 0, 0x1p-60, -0x1p-60, 0x1p-54, -0x1p-54]
        let solvers = try Self.configurations.map { try QuerySolver(configuration: $0.configuration) }
        let z3 = try Z3Context()
        var counts: [Expected: Int] = [:]
        var floatTies = 0
        for trial in 0..<60 {
            let inputs = Int.random(in: 1...2, using: &rng)
            let hidden = Int.random(in: 2...3, using: &rng)
            let outputs = Int.random(in: 2...3, using: &rng)
            let w1 = (0..<(inputs * hidden)).map { _ in values.randomElement(using: &rng)! }
            let b1 = (0..<hidden).map { _ in values.randomElement(using: &rng)! / 2 + offsets.randomElement(using: &rng)! }
            // Output rows: a base row, then copies of it with a tiny bias offset or a fresh row.
            let base = (0..<hidden).map { _ in values.randomElement(using: &rng)! }
            var w2: [Double] = base, b2: [Double] = [0]
            for _ in 1..<outputs {
                if Bool.random(using: &rng) {
                    w2 += base
                    b2.append(offsets.randomElement(using: &rng)!)
                } else {
                    w2 += (0..<hidden).map { _ in values.randomElement(using: &rng)! }
                    b2.append(values.randomElement(using: &rng)! / 4)
                }
            }
            let network = try NeuralNetwork(inputShape: [inputs], layers: [
                .affine(AffineLayer(inputSize: inputs, outputSize: hidden, weights: w1, bias: b1)), .relu,
                .affine(AffineLayer(inputSize: hidden, outputSize: outputs, weights: w2, bias: b2)),
            ])
            let center = (0..<inputs).map { _ in [0, 0.5, 1, -1, 0.25].randomElement(using: &rng)! }
            let radius = [0, 0.125, 1].randomElement(using: &rng)!
            let box = try Box.linf(center: center, radius: radius)
            let trueClass = Int.random(in: 0..<outputs, using: &rng)
            if case .tie = Classification(scores: network.evaluate(center)) { floatTies += 1 }
            let expected = try checkSample(network, box, trueClass: trueClass, oracle: z3, solvers: solvers, label: "trial \(trial)")
            counts[expected, default: 0] += 1
        }
        XCTAssertGreaterThan(counts[.robust] ?? 0, 5, "the family must exercise proofs")
        XCTAssertGreaterThan(counts[.violated] ?? 0, 5, "the family must exercise counterexamples")
        XCTAssertGreaterThan(floatTies, 5, "the family must exercise float ties")
        XCTAssertLessThanOrEqual(unknowns, 3, "complete configurations must decide almost every sample")
    }

    /// float32 and float64 disagree at the counterexample, and the record says so without
    /// changing the verdict: `y = (x + 2^-30, x)`, class 1, box `{1}`. Exactly and in float64
    /// `y_0 - y_1 = 2^-30 > 0` (class 0: NOT ROBUST for class 1); float32 rounds `1 + 2^-30`
    /// to 1, a tie (also unsafe for class 1, but no class: the classifications differ).
    func testCounterexampleRecordsFloat32Disagreement() throws {
        let network = try NeuralNetwork(inputShape: [1], layers: [
            .affine(AffineLayer(inputSize: 1, outputSize: 2, weights: [1, 1], bias: [0x1p-30, 0])),
        ])
        let query = SafetyQuery(network: network, box: try Box.linf(center: [1], radius: 0),
                                property: .misclassification(outputCount: 2, trueClass: 1))
        let result = try QuerySolver().solve(query)
        guard case .violated(let counterexample) = result.verdict else { return XCTFail("\(result.verdict.label)") }
        XCTAssertEqual(counterexample.float64Classification, .class(0))
        XCTAssertEqual(counterexample.float32Classification, .tie([0, 1]))
        XCTAssertEqual(counterexample.float32Outputs, [1, 1])
        XCTAssertTrue(counterexample.precisionsDisagree)
        let record = CounterexampleCertificate(counterexample)
        XCTAssertEqual(record.float32Float64Disagree, true)
        XCTAssertEqual(record.confirmed, true)
        // Class 0 at x = 1 + 2^-40: float64 gives class 0 (margin 2^-30), float32 rounds the
        // input to 1 and ties: unsafe in float32 only. The exact verdict is ROBUST.
        let robust = try QuerySolver().solve(SafetyQuery(network: network, box: try Box.linf(center: [1 + 0x1p-40], radius: 0),
                                                         property: .misclassification(outputCount: 2, trueClass: 0)))
        guard case .holds = robust.verdict else { return XCTFail("\(robust.verdict.label)") }
    }

    /// Z3's models sit on the boundary of the unsafe set; their nearest Double may fall just
    /// outside. `y = (-3x, -1)`, class 0: unsafe iff `x >= 1/3`. The nearest Double to 1/3 is
    /// below it (1/3 = 0.0101...b, the dropped bits are below half an ulp), so the exact
    /// check refuses it; the nudge along the gradient finds a Double `x >= 1/3`, checked
    /// here by `3x - 1 >= 0` in exact dyadic arithmetic. Fails without the nudge (the
    /// in-process and leaf-process runs of IsolatedLeafTests then disagree: one Z3 model's
    /// nearest Double is outside, the other's inside).
    func testModelOnTheBoundaryIsNudgedIntoTheUnsafeSet() throws {
        let network = try NeuralNetwork(inputShape: [1], layers: [
            .affine(AffineLayer(inputSize: 1, outputSize: 2, weights: [-3, 0], bias: [0, -1])),
        ])
        let query = SafetyQuery(network: network, box: try Box(lower: [0], upper: [1]),
                                property: .misclassification(outputCount: 2, trueClass: 0))
        let third = 1.0 / 3
        XCTAssertTrue(ExactDyadic(3) * ExactDyadic(third) < ExactDyadic(1), "the nearest Double is below 1/3")
        let nearest = CounterexampleCheck.evaluate(query, point: [third], exact: [ExactRational(fraction: "1/3")!], source: .smt)
        XCTAssertFalse(nearest.isConfirmed)
        let nudged = try XCTUnwrap(CounterexampleCheck.confirmNear(query, nearest: [third], exact: [ExactRational(fraction: "1/3")!], source: .smt))
        XCTAssertTrue(nudged.isConfirmed)
        XCTAssertEqual(nudged.exactInput, ["1/3"])
        XCTAssertGreaterThanOrEqual((ExactDyadic(3) * ExactDyadic(nudged.input[0]) - ExactDyadic(1)).signum, 0)
        XCTAssertLessThanOrEqual(nudged.input[0] - third, 1e-12, "a nudge, not a jump")
    }
}
