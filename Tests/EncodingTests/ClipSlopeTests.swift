import Foundation
import Network
@testable import Encoding
import XCTest

/// Chosen slopes of clip units' free lines (``LinearRelaxation/freeLine(_:_:_:)``: the line
/// through the one kink inside a unit's bounds, lower at `p`, upper at `q`).
///
/// Mutation checks (run on this branch): ignoring the slope in ``LinearRelaxation/clip(_:_:_:_:slope:)``
/// fails ``testOptimisedClipSlopesStayInRangeAndRaiseTheBound``; leaving the upper line's
/// slope unclamped (`s > 1` through `(q, q)` dips below `f` left of `q`) fails
/// ``testClipLinesWithAnySlopeEncloseTheFunctionExactly``.
final class ClipSlopeTests: XCTestCase {
    /// For random clips and bounds, and every slope (in range, out of range, NaN), the lines
    /// enclose `f(z) = min(max(z, p), q)` at the vertices of `f` on `[l, u]` and at random
    /// points, in exact rational arithmetic on the stored Doubles.
    func testClipLinesWithAnySlopeEncloseTheFunctionExactly() {
        var rng = BoundsRandom(seed: 61)
        var oneKink = 0
        for _ in 0..<3_000 {
            let p = [0.0, -0.5, Double.random(in: -1...1, using: &rng)].randomElement(using: &rng)!
            let q = p + [1.0, 0.25, Double.random(in: 0.01...2, using: &rng)].randomElement(using: &rng)!
            let l = Double.random(in: (p - 1.5)...(q + 0.5), using: &rng)
            let u = l + Double.random(in: 1e-3...2.5, using: &rng)
            let slope = [Double.nan, 0, 1, Double.random(in: -1...2, using: &rng), Double.random(in: 0...1, using: &rng)]
                .randomElement(using: &rng)!
            if LinearRelaxation.freeLine(.clip(lower: p, upper: q), l, u) != nil { oneKink += 1 }
            let lines = LinearRelaxation.clip(p, q, l, u, slope: slope)
            var points = [l, u] + (0..<6).map { _ in Double.random(in: l...u, using: &rng) }
            for kink in [p, q] where l < kink && kink < u { points.append(kink) }
            for z in points {
                let f = ExactRational(Swift.min(Swift.max(z, p), q)), x = ExactRational(z)
                let low = ExactRational(lines.lowerSlope) * x + ExactRational(lines.lowerIntercept)
                let high = ExactRational(lines.upperSlope) * x + ExactRational(lines.upperIntercept)
                XCTAssert(!(f < low), "lower line above clip[\(p), \(q)] at \(z) on [\(l), \(u)], slope \(slope): \(lines)")
                XCTAssert(!(high < f), "upper line below clip[\(p), \(q)] at \(z) on [\(l), \(u)], slope \(slope): \(lines)")
            }
        }
        XCTAssertGreaterThan(oneKink, 600, "the one-kink cases must be exercised")
    }

    /// The free lines: lower at `p` for `l < p < u <= q`, upper at `q` for `p <= l < q < u`,
    /// none with both kinks inside or none; the chosen slope sets that line and no other.
    func testFreeLineOfEachClipCase() {
        let clip = Layer.clip(lower: 0, upper: 1)
        XCTAssertEqual(LinearRelaxation.freeLine(clip, -0.5, 0.8), .init(isUpper: false, pivot: 0, floor: 0, ceiling: 1))
        XCTAssertEqual(LinearRelaxation.freeLine(clip, 0.2, 1.5), .init(isUpper: true, pivot: 1, floor: 0, ceiling: 1))
        XCTAssertNil(LinearRelaxation.freeLine(clip, -0.5, 1.5))
        XCTAssertNil(LinearRelaxation.freeLine(clip, 0.1, 0.9))
        let lower = LinearRelaxation.clip(0, 1, -0.5, 0.8, slope: 0.3)
        XCTAssertEqual(lower.lowerSlope, 0.3)
        XCTAssertEqual(lower.lowerIntercept, 0)
        XCTAssertEqual(lower.upperSlope, LinearRelaxation.clip(0, 1, -0.5, 0.8).upperSlope)
        let upper = LinearRelaxation.clip(0, 1, 0.2, 1.5, slope: 0.25)
        XCTAssertEqual(upper.upperSlope, 0.25)
        XCTAssertEqual(upper.upperIntercept, 0.75)
        XCTAssertEqual(upper.lowerSlope, LinearRelaxation.clip(0, 1, 0.2, 1.5).lowerSlope)
    }

    /// On networks whose only piecewise-linear layers are clips `[0, 1]`, the slopes optimised
    /// for one specification row stay in `[0, 1]`, sit only on clip layers, and raise that
    /// row's sound bound on a good share of the trials. It may fall on a few: the ascent
    /// raises the bound of the full back-substitution, while the sound bound is the best of
    /// several concretisation depths and is recomputed with re-refined intermediate bounds
    /// (whose chords change it non-monotonically); the search keeps the larger of the two.
    func testOptimisedClipSlopesStayInRangeAndRaiseTheBound() {
        var rng = BoundsRandom(seed: 67)
        var raised = 0, lowered = 0, optimised = 0
        for trial in 0..<120 {
            let (network, box) = BoundsFixtures.activationChain(.clip(lower: 0, upper: 1), using: &rng)
            let specification = BoundsFixtures.specification(outputs: 2, using: &rng)
            guard let plain = PhaseSplitBounds.bounds(of: network, over: box, phases: PhaseConstraints(), specification: specification)
            else { return XCTFail("no phases: never empty") }
            // One row at a time: the ascent raises the linear bound of the rows it is given
            // (their sum), and a sum can rise while one row falls.
            let row = trial % specification.count
            let slopes = plain.optimisedSlopes(rows: [row], specification: specification, box: box, iterations: 20)
            for (k, layerSlopes) in slopes {
                guard case .clip = network.layers[k] else { XCTFail("slopes for layer \(k), not clip"); continue }
                optimised += 1
                for slope in layerSlopes where !slope.isNaN { XCTAssert(0 <= slope && slope <= 1, "slope \(slope)") }
            }
            guard let tuned = PhaseSplitBounds.bounds(of: network, over: box, phases: PhaseConstraints(), specification: specification,
                                                      enclosing: plain.result.layerBounds, lowerSlopes: slopes) else {
                XCTFail("trial \(trial): optimised slopes called the box empty")
                continue
            }
            let before = plain.result.specLower[row], after = tuned.result.specLower[row]
            if after > before + 1e-6 * max(1, abs(before)) { raised += 1 }
            if after < before - 1e-6 * max(1, abs(before)) { lowered += 1 }
        }
        XCTAssertGreaterThan(optimised, 60, "most trials must have one-kink clip units")
        XCTAssertGreaterThan(raised, 20, "optimised slopes must raise the bound on a good share of the trials")
        XCTAssertGreaterThan(raised, 3 * lowered, "raised \(raised), lowered \(lowered)")
    }
}

extension ClipSlopeTests {
    /// Hand example: `x` in `[-0.5, 0.8]`, `y_1 = clip(x, 0, 1)` (one kink inside),
    /// `y_2 = clip(0.5 x + 0.5, 0, 1) = 0.5 x + 0.5` (exact), row `y_1 - y_2`, whose minimum
    /// is -0.5 (at `x = 0`). The adaptive lower line of `y_1` is `x` (the kink is nearer `l`),
    /// giving `0.5 x - 0.5 >= -0.75`; with slope `s` the bound is `(s - 0.5) x - 0.5`, exact
    /// at `s = 0.5`, which the ascent approaches.
    func testClipLowerSlopeHandExample() throws {
        let network = try NeuralNetwork(inputShape: [1], layers: [
            .affine(AffineLayer(inputSize: 1, outputSize: 2, weights: [1, 0.5], bias: [0, 0.5])), .clip(lower: 0, upper: 1),
            .affine(AffineLayer(inputSize: 2, outputSize: 1, weights: [1, -1], bias: [0])),
        ])
        let box = try Box(lower: [-0.5], upper: [0.8])
        let (plain, slope, tuned) = try Self.boundsOfTheOnlyRow(network, box)
        XCTAssertEqual(plain, -0.75, accuracy: 1e-9)
        XCTAssertEqual(tuned, 0.8 * min(slope - 0.5, 0) - 0.5 * max(slope - 0.5, 0) - 0.5, accuracy: 1e-9)
        XCTAssertGreaterThan(tuned, -0.55)
    }
}

extension ClipSlopeTests {
    /// Hand example for the upper line: `x` in `[0.2, 1.5]`, `y_1 = clip(x, 0, 1)` (kink `q`
    /// inside), `y_2 = clip(0.5 x, 0, 1) = 0.5 x` (exact), row `y_2 - y_1`, minimum -0.5 (at
    /// `x = 1`). The adaptive upper line of `y_1` is `x` (the kink is nearer `u`), giving
    /// `-0.5 x >= -0.75`; with slope `s` through `(1, 1)` the bound is `(0.5 - s) x + s - 1`,
    /// exact at `s = 0.5`.
    func testClipUpperSlopeHandExample() throws {
        let network = try NeuralNetwork(inputShape: [1], layers: [
            .affine(AffineLayer(inputSize: 1, outputSize: 2, weights: [1, 0.5], bias: [0, 0])), .clip(lower: 0, upper: 1),
            .affine(AffineLayer(inputSize: 2, outputSize: 1, weights: [-1, 1], bias: [0])),
        ])
        let box = try Box(lower: [0.2], upper: [1.5])
        let (plain, slope, tuned) = try Self.boundsOfTheOnlyRow(network, box)
        XCTAssertEqual(plain, -0.75, accuracy: 1e-9)
        XCTAssertEqual(tuned, min(0.2 * (0.5 - slope), 1.5 * (0.5 - slope)) + slope - 1, accuracy: 1e-9)
        XCTAssertGreaterThan(tuned, -0.55)
    }
}

extension ClipSlopeTests {
    /// The lower bound of the row `y` of a one-output network over `box`: with the adaptive
    /// slopes, the slope 60 ascent steps choose for unit 0 of layer 1, and the bound with it.
    static func boundsOfTheOnlyRow(_ network: NeuralNetwork, _ box: Box) throws -> (plain: Double, slope: Double, tuned: Double) {
        let specification = LinearSpecification(coefficients: [[1]], constants: [0])
        let plain = try XCTUnwrap(PhaseSplitBounds.bounds(of: network, over: box, phases: PhaseConstraints(), specification: specification))
        let slopes = plain.optimisedSlopes(rows: [0], specification: specification, box: box, iterations: 60)
        let tuned = try XCTUnwrap(PhaseSplitBounds.bounds(of: network, over: box, phases: PhaseConstraints(), specification: specification,
                                                          lowerSlopes: slopes))
        return (plain.result.specLower[0], try XCTUnwrap(slopes[1]?[0]), tuned.result.specLower[0])
    }
}
