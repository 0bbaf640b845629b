import Foundation
import Network
@testable import Encoding
import XCTest

/// The affine layers packed for the slope and multiplier ascent (``HintAffineLayer``).
///
/// Oracle: plain loops over the whole weight matrix. Mutation check, run by hand: leaving
/// split units out of the kept rows (`splitUnits` ignored in
/// ``PhaseSplitNodeBounds/hintAffineLayers(free:splitUnits:)``) fails
/// ``testAnInactiveSplitUnitKeepsItsRowForItsMultiplier``; swapping the kept rows and
/// columns, or dropping the bias of a packed layer, fails ``testPackedProductsMatchTheWholeLayerOnKeptEntries``.
final class HintAffineLayerTests: XCTestCase {
    /// Random layers and keep masks: for inputs that are 0 on dropped columns (dead units'
    /// outputs), the forward pass is `W x + b` on kept rows; the backward pass gives `λ^T W` on kept columns and `λ · b` for multipliers that are 0 on
    /// dropped rows. (Dropped entries are not specified: a 1x1 layer is a diagonal scale,
    /// used whole.)
    func testPackedProductsMatchTheWholeLayerOnKeptEntries() throws {
        var rng = BoundsRandom(seed: 29)
        for trial in 0..<50 {
            let n = Int.random(in: 1...9, using: &rng), m = Int.random(in: 1...9, using: &rng)
            let weights = (0..<(n * m)).map { _ in Double.random(in: -2...2, using: &rng) }
            let bias = (0..<n).map { _ in Double.random(in: -1...1, using: &rng) }
            let affine = AffineLayer(inputSize: m, outputSize: n, weights: weights, bias: bias)
            let keepRow: [Bool]? = trial % 3 == 0 ? nil : (0..<n).map { _ in Bool.random(using: &rng) }
            let keepColumn: [Bool]? = trial % 5 == 0 ? nil : (0..<m).map { _ in Bool.random(using: &rng) }
            let layer = HintAffineLayer(affine, keepRow: keepRow, keepColumn: keepColumn)
            let rowKept = { (r: Int) in keepRow?[r] ?? true }, columnKept = { (c: Int) in keepColumn?[c] ?? true }

            let x = (0..<m).map { columnKept($0) ? Double.random(in: -3...3, using: &rng) : 0 }
            let y = layer.forward(x)
            XCTAssertEqual(y.count, n)
            for r in 0..<n where rowKept(r) {
                let expected = bias[r] + (0..<m).reduce(0) { $0 + weights[r * m + $1] * x[$1] }
                XCTAssertEqual(y[r], expected, accuracy: 1e-12, "trial \(trial) row \(r)")
            }

            let lambda = (0..<n).map { rowKept($0) ? Double.random(in: -3...3, using: &rng) : 0 }
            let (term, back) = layer.backward(lambda)
            XCTAssertEqual(term, (0..<n).reduce(0) { $0 + lambda[$1] * bias[$1] }, accuracy: 1e-12)
            XCTAssertEqual(back.count, m)
            for c in 0..<m where columnKept(c) {
                let expected = (0..<n).reduce(0) { $0 + lambda[$1] * weights[$1 * m + c] }
                XCTAssertEqual(back[c], expected, accuracy: 1e-12, "trial \(trial) column \(c)")
            }
        }
    }

    /// The batched products (``HintAffineLayer/forward(batch:count:)``,
    /// ``HintAffineLayer/backward(batch:count:)``) give every row the one-row product's values on
    /// kept entries, for packed, whole and diagonal layers and 1-7 rows.
    func testBatchedProductsMatchOneRowProducts() throws {
        var rng = BoundsRandom(seed: 31)
        for trial in 0..<60 {
            let n = Int.random(in: 1...9, using: &rng), m = trial % 7 == 0 ? n : Int.random(in: 1...9, using: &rng)
            let affine: AffineLayer
            if trial % 7 == 0 {
                // A diagonal weight matrix: the layer keeps it as a diagonal scale.
                var weights = [Double](repeating: 0, count: n * n)
                for i in 0..<n { weights[i * n + i] = Double.random(in: 0.5...2, using: &rng) }
                affine = AffineLayer(inputSize: n, outputSize: n, weights: weights, bias: (0..<n).map { _ in Double.random(in: -1...1, using: &rng) })
                XCTAssertNotNil(affine.diagonalScale)
            } else {
                affine = AffineLayer(inputSize: m, outputSize: n, weights: (0..<(n * m)).map { _ in Double.random(in: -2...2, using: &rng) },
                                     bias: (0..<n).map { _ in Double.random(in: -1...1, using: &rng) })
            }
            let keepRow: [Bool]? = trial % 3 == 0 ? nil : (0..<n).map { _ in Bool.random(using: &rng) }
            let keepColumn: [Bool]? = trial % 3 == 0 ? nil : (0..<m).map { _ in Bool.random(using: &rng) }
            let layer = HintAffineLayer(affine, keepRow: keepRow, keepColumn: keepColumn)
            let rowKept = { (r: Int) in keepRow?[r] ?? true }, columnKept = { (c: Int) in keepColumn?[c] ?? true }
            let count = Int.random(in: 1...7, using: &rng)
            let xs = (0..<count).map { _ in (0..<m).map { columnKept($0) ? Double.random(in: -3...3, using: &rng) : 0 } }
            let lambdas = (0..<count).map { _ in (0..<n).map { rowKept($0) ? Double.random(in: -3...3, using: &rng) : 0 } }
            let forward = layer.forward(batch: xs.flatMap { $0 }, count: count)
            let (terms, backward) = layer.backward(batch: lambdas.flatMap { $0 }, count: count)
            XCTAssertEqual(forward.count, count * n)
            XCTAssertEqual(backward.count, count * m)
            for r in 0..<count {
                let y = layer.forward(xs[r]), (term, back) = layer.backward(lambdas[r])
                for i in 0..<n where rowKept(i) { XCTAssertEqual(forward[r * n + i], y[i], accuracy: 1e-12, "trial \(trial) row \(r)") }
                for c in 0..<m where columnKept(c) { XCTAssertEqual(backward[r * m + c], back[c], accuracy: 1e-12, "trial \(trial) row \(r)") }
                XCTAssertEqual(terms[r], term, accuracy: 1e-12, "trial \(trial) row \(r)")
            }
        }
    }

    /// A stably inactive ReLU is dead (its row and column drop out), a split-inactive one
    /// with a multiplier is not: on `x ∈ [-1, 1]`, `z1 = x` split inactive (`x <= 0`),
    /// `z2 = 1 - x` stably active, `y = ReLU(z2) - 1 = -x`. Without the split the bound is
    /// -1; the multiplier `β` adds `β z1 <= 0`: `y + β z1 = (β - 1) x`, whose bound is 0 at
    /// `β = 1`. The ascent finds it only if the pass computes `z1` at the minimiser, that is
    /// keeps `z1`'s row although both its lines are 0.
    func testAnInactiveSplitUnitKeepsItsRowForItsMultiplier() throws {
        let network = try NeuralNetwork(inputShape: [1], layers: [
            .affine(AffineLayer(inputSize: 1, outputSize: 3, weights: [1, -1, 1], bias: [0, 1, -5])), .relu,
            .affine(AffineLayer(inputSize: 3, outputSize: 1, weights: [0, 1, 7], bias: [-1])),
        ])
        let box = try Box(lower: [-1], upper: [1])
        let unit = ActivationUnit(layer: 1, unit: 0)
        let phases = PhaseConstraints().fixing(unit, .inactive, width: 3)
        let y = LinearSpecification(coefficients: [[1]], constants: [0])
        let plain = try XCTUnwrap(PhaseSplitBounds.bounds(of: network, over: box, phases: phases, specification: y))
        XCTAssertEqual(plain.result.specLower[0], -1, accuracy: 1e-9)

        // Unit 2 (`x - 5 < 0`) is stably inactive: dead. Unit 0 is dead too unless it is split.
        let without = plain.hintAffineLayers(free: plain.freeLines(), splitUnits: [])
        XCTAssertEqual(without[0]!.forward([1]), [0, 0, 0], "dead rows are 0 and z2 = 1 - 1")
        let with = plain.hintAffineLayers(free: plain.freeLines(), splitUnits: [unit])
        XCTAssertEqual(with[0]!.forward([1]), [1, 0, 0])
        XCTAssertEqual(with[2]!.backward([1]).lambda, [0, 1, 0], "the dead column of unit 2 drops out")

        let hints = plain.optimisedHints(rows: [0], specification: y, box: box, phases: phases, start: SplitMultipliers(), iterations: 30)
        let beta = try XCTUnwrap(hints.multipliers.values[0]?[unit])
        XCTAssertEqual(beta, 1, accuracy: 0.1)
        let tight = try XCTUnwrap(PhaseSplitBounds.bounds(of: network, over: box, phases: phases, specification: y,
                                                          multipliers: hints.multipliers))
        XCTAssertGreaterThan(tight.result.specLower[0], -0.15)
    }
}
