import Foundation
import Network
@testable import Encoding
import Support
import XCTest

/// Back-substitution (BLAS products, centre-radius concretisation, units with an identically
/// zero relaxation left out, the exact first step of refinement rows) against two exact
/// oracles on tiny networks: the same relaxation back-substituted in dyadic rationals
/// (``exactBest(_:row:constant:top:)``: no float bound may be above it), and the exact
/// values at sampled points of the box. Plus two hand-built cancellations whose float
/// results lie above the exact value, so that each error term is needed (mutation checks).
final class BoundsExactRelaxationTests: XCTestCase {
    /// The exact lower bound of `row · v_top + constant` from the state's relaxations and
    /// bounds: the row back-substituted in dyadic rationals (a ReLU-style line by the sign of
    /// the exact coefficient), concretised over `bounds[j]` after every step (and over
    /// `bounds[0]` when `top == 0`); the best of these. Nil when some bound or line is not
    /// finite.
    static func exactBest(_ state: BackSubstitution, row: [Double], constant: Double, top: Int) -> ExactDyadic? {
        var lambda = row.map(ExactDyadic.init)
        var c = ExactDyadic(constant)
        var best: ExactDyadic?
        func concretise(_ j: Int) -> Bool {
            let bounds = state.bounds[j]
            guard bounds.lower.allSatisfy(\.isFinite), bounds.upper.allSatisfy(\.isFinite) else { return false }
            var value = c
            for (i, l) in lambda.enumerated() where l != .zero {
                value = value + l * ExactDyadic(l > .zero ? bounds.lower[i] : bounds.upper[i])
            }
            best = best.map { Swift.max($0, value) } ?? value
            return true
        }
        if top == 0 && !concretise(0) { return nil }
        for j in stride(from: top - 1, through: 0, by: -1) {
            switch state.layers[j] {
            case .affine(let affine):
                let m = affine.inputSize
                for (i, l) in lambda.enumerated() { c = c + l * ExactDyadic(affine.bias[i]) }
                lambda = (0..<m).map { k in
                    var sum = ExactDyadic.zero
                    for (i, l) in lambda.enumerated() where l != .zero { sum = sum + l * ExactDyadic(affine.weights[i * m + k]) }
                    return sum
                }
            default:
                guard let r = state.relaxations[j] else { return nil }
                for i in lambda.indices where lambda[i] != .zero {
                    let positive = lambda[i] > .zero
                    let a = positive ? r.lowerSlope[i] : r.upperSlope[i], b = positive ? r.lowerIntercept[i] : r.upperIntercept[i]
                    guard a.isFinite, b.isFinite else { return nil }
                    c = c + lambda[i] * ExactDyadic(b)
                    lambda[i] = lambda[i] * ExactDyadic(a)
                }
            }
            guard concretise(j) else { return nil }
        }
        return best
    }

    /// Affine blocks of widths 2-6 with ReLU, LeakyReLU or clip between them and biases
    /// that leave some ReLUs inactive (so the zero-relaxation units are left out), 3-4
    /// hidden layers.
    private static func network(using rng: inout BoundsRandom) -> NeuralNetwork {
        let inputs = Int.random(in: 1...4, using: &rng)
        var width = inputs
        var layers: [Layer] = []
        for block in 0..<Int.random(in: 3...4, using: &rng) {
            let next = Int.random(in: 2...6, using: &rng)
            let scale = Double.random(in: 0.3...1.5, using: &rng)
            layers.append(.affine(AffineLayer(
                inputSize: width, outputSize: next,
                weights: (0..<(width * next)).map { _ in scale * Double.random(in: -1...1, using: &rng) },
                bias: (0..<next).map { _ in Double.random(in: -1.5...0.5, using: &rng) })))
            layers.append(block == 0 || Int.random(in: 0..<3, using: &rng) > 0
                          ? .relu : BoundsFixtures.activation(.piecewiseLinear, using: &rng))
            width = next
        }
        layers.append(.affine(BoundsFixtures.affine(width, Int.random(in: 1...3, using: &rng), scale: 1, using: &rng)))
        return try! NeuralNetwork(inputShape: [inputs], layers: layers)
    }

    /// Asserts `lower <= exact` (dyadic comparison), skipping infinite bounds.
    private func assertBelow(_ lower: Double, _ exact: ExactDyadic, _ message: String) {
        guard lower.isFinite else { return }
        XCTAssertLessThanOrEqual(ExactDyadic(lower), exact, message)
    }

    /// Every refinement row (`±v_u` of an affine output feeding an activation, the first
    /// step exact) and every specification row: below the exact bound of the same relaxation
    /// and below the exact values at points of the box. The state refines its bounds as
    /// ``BoundPropagation`` does, so later layers see stable units and leave them out.
    func testBoundsAreBelowTheExactRelaxationBoundAndTheSampledValues() throws {
        var rng = BoundsRandom(seed: 181)
        var leftOut = 0, copied = 0
        for trial in 0..<80 {
            let network = Self.network(using: &rng)
            let box = BoundsFixtures.box(dimension: network.inputSize, using: &rng)
            let points = BoundsFixtures.samples(box, count: 30, using: &rng)
            let layers = network.layers
            var state = BackSubstitution(network: network, box: box, linear: true)
            for k in layers.indices {
                state.appendLayer(k, slopes: nil)
                guard k >= 1, k + 1 < layers.count, case .affine = layers[k] else { continue }
                if case .affine = layers[k + 1] { continue }
                let top = k + 1
                let layout = state.columnLayout(top: top)
                leftOut += layout.units.compactMap { $0 }.count
                copied += layout.identityCounts.reduce(0, +)
                let units = Array(0..<state.sizes[top])
                let lower = state.unitLowerBounds(units: units, top: top)
                let prefix = try NeuralNetwork(inputShape: [network.inputSize], layers: Array(layers[0...k]))
                for (index, unit) in units.enumerated() {
                    var row = [Double](repeating: 0, count: units.count)
                    for (sign, r) in [(1.0, 2 * index), (-1.0, 2 * index + 1)] {
                        row[unit] = sign
                        if let exact = Self.exactBest(state, row: row, constant: 0, top: top) {
                            assertBelow(lower[r], exact, "trial \(trial) layer \(top) unit \(unit) sign \(sign)")
                        }
                        for point in points {
                            let value = try XCTUnwrap(prefix.evaluateExactly(point))[unit]
                            assertBelow(lower[r], sign > 0 ? value : -value, "trial \(trial) layer \(top) unit \(unit) at a point")
                        }
                    }
                }
                _ = state.refine(top: top) { l, u in LinearRelaxation.isLoose(layers[k + 1], l, u) }
            }
            let specification = BoundsFixtures.specification(outputs: network.outputSize, using: &rng)
            let top = layers.count
            var constants = specification.constants, coefficients: [Double] = []
            let lower = state.lowerBounds(rows: specification.coefficients.flatMap { $0 }, constants: &constants,
                                          rowCount: specification.count, top: top, coefficients: &coefficients)
            for (r, row) in specification.coefficients.enumerated() {
                if let exact = Self.exactBest(state, row: row, constant: specification.constants[r], top: top) {
                    assertBelow(lower[r], exact, "trial \(trial) specification row \(r)")
                }
                for point in points {
                    let outputs = try XCTUnwrap(network.evaluateExactly(point))
                    var value = ExactDyadic(specification.constants[r])
                    for (s, y) in zip(row, outputs) { value = value + ExactDyadic(s) * y }
                    assertBelow(lower[r], value, "trial \(trial) specification row \(r) at a point")
                }
            }
        }
        XCTAssertGreaterThan(leftOut, 20, "the fixtures must exercise units left out of the rows")
        XCTAssertGreaterThan(copied, 20, "the fixtures must exercise identity units")
    }

    /// `w = fl(1/3)` (below 1/3): `3 w = 1 - 2^-54` exactly, and every rounding of a sum
    /// holding `w · 3` rounds it up (`fl(3 w) = 1`, ties to even).
    private static let third = 1.0 / 3.0

    /// Concretisation error term (mutation: `concretize` without `bound.error`, or the
    /// products in round-to-nearest with no term): the row `w x` over the box `x ∈ [3, 3]`.
    /// `fl(Λ c) = fl(3 w) = 1` lies above the exact `1 - 2^-54`; only the `γ_n` term brings
    /// the bound below.
    func testConcretisationNeedsItsErrorTerm() throws {
        let network = try NeuralNetwork(inputShape: [1], layers: [
            .affine(AffineLayer(inputSize: 1, outputSize: 1, weights: [1], bias: [0]))])
        let box = try Box(lower: [3], upper: [3])
        var state = BackSubstitution(network: network, box: box, linear: true)
        state.appendLayer(0, slopes: nil)
        var constants = [0.0], coefficients: [Double] = []
        let lower = state.lowerBounds(rows: [Self.third], constants: &constants, rowCount: 1, top: 0,
                                      coefficients: &coefficients)
        let exact = ExactDyadic(Self.third) * ExactDyadic(3)
        XCTAssertEqual(exact, ExactDyadic(1) - ExactDyadic(0x1p-54), "hand derivation of 3 fl(1/3)")
        XCTAssertLessThanOrEqual(ExactDyadic(lower[0]), exact)
        XCTAssertEqual(Self.exactBest(state, row: [Self.third], constant: 0, top: 0), exact)
    }

    /// Affine-step error term on the intercepts (mutation: `stepConstants` combining `β` with
    /// no error, or `DotErrorBound.error` returning 0): layer `z = 0 x + (3, 3, 2)` and the
    /// row `(w, w, -1)` over `z`. `β = fl(3w + 3w - 2)`: exact `-2^-53`; in every summation
    /// order, with or without fused multiply-adds, the first product that meets the sum
    /// rounds up by `2^-54` (onto `1` from 0, onto `-1` from `-2`, onto `2` from `1`), so `β`
    /// is `0` or `-2^-54`, above the exact value; the coefficient rows over `x` are zero, so
    /// the concretisation adds only `2 η`.
    func testAffineStepNeedsItsErrorTerm() throws {
        let network = try NeuralNetwork(inputShape: [1], layers: [
            .affine(AffineLayer(inputSize: 1, outputSize: 3, weights: [0, 0, 0], bias: [3, 3, 2]))])
        let box = try Box(lower: [-1], upper: [1])
        let row = [Self.third, Self.third, -1]
        let exact = ExactDyadic(3) * ExactDyadic(Self.third) * ExactDyadic(2) - ExactDyadic(2)
        XCTAssertEqual(exact, -ExactDyadic(0x1p-53), "hand derivation of 6 fl(1/3) - 2")
        for blasRows in [1, Int.max] {
            var state = BackSubstitution(network: network, box: box, linear: true, blasRows: blasRows)
            state.appendLayer(0, slopes: nil)
            var constants = [0.0], coefficients: [Double] = []
            let lower = state.lowerBounds(rows: row, constants: &constants, rowCount: 1, top: 1, coefficients: &coefficients)
            XCTAssertLessThanOrEqual(ExactDyadic(lower[0]), exact, "blasRows \(blasRows)")
            XCTAssertEqual(Self.exactBest(state, row: row, constant: 0, top: 1), exact)
        }
    }
}
