import Foundation
import Network
@testable import Encoding
import XCTest

/// Intermediate bounds tightened with slopes optimised for them (``IntermediateTightening``)
/// and the batched ascent passes they use (``PhaseSplitNodeBounds/accumulate(batch:specification:slopes:free:affineLayers:box:gradient:)``).
///
/// Oracles: forward passes in `Float80` at sample points of the box (every value a tightened
/// bound must contain), the starting bounds (the result must lie inside them), and the one-row
/// passes summed (the batch must agree with them). Mutation checks, run by hand: dropping the
/// upper rows' negation in `PrefixProblem.tighten` (`min(u, L')` instead of `min(u, -L')`)
/// fails ``testTightenedBoundsContainEveryReachableValue``; choosing the batch's line by
/// `value > 0` instead of `value < 0` fails ``testBatchedPassesMatchTheOneRowPassesSummed``.
final class IntermediateTighteningTests: XCTestCase {
    /// Random chains of two hidden layers (ReLU, LeakyReLU and clip) and random deeper
    /// networks: every tightened layer lies inside the starting linear bounds and contains
    /// the pre-activation values of every sample point; on ReLU chains some bound gets
    /// strictly tighter, and replaying the recorded slopes gives the same bounds bit for bit.
    func testTightenedBoundsContainEveryReachableValue() throws {
        var rng = BoundsRandom(seed: 4242)
        var tightened = 0, recorded = 0
        for trial in 0..<160 {
            let network: NeuralNetwork, box: Box
            if trial % 2 == 0 {
                let activations: [Layer] = [.relu, .leakyRelu(alpha: 0.1), .clip(lower: -0.3, upper: 0.6)]
                (network, box) = BoundsFixtures.activationChain(activations[trial / 2 % 3], using: &rng)
            } else {
                network = BoundsFixtures.network(.piecewiseLinear, using: &rng)
                box = BoundsFixtures.box(dimension: network.inputSize, using: &rng)
            }
            let start = BoundPropagation.bounds(of: network, over: box, specification: .none, method: .linear).layerBounds
            guard let (bounds, slopes) = IntermediateTightening.optimise(network, box: box, enclosing: start, iterations: 10) else {
                XCTFail("trial \(trial): crossed bounds on a non-empty box")
                continue
            }
            recorded += slopes.count
            for k in bounds.indices {
                for i in 0..<bounds[k].count {
                    XCTAssertGreaterThanOrEqual(bounds[k].lower[i], start[k].lower[i], "trial \(trial) layer \(k) unit \(i)")
                    XCTAssertLessThanOrEqual(bounds[k].upper[i], start[k].upper[i], "trial \(trial) layer \(k) unit \(i)")
                    if bounds[k].lower[i] > start[k].lower[i] || bounds[k].upper[i] < start[k].upper[i] { tightened += 1 }
                }
            }
            for point in BoundsFixtures.samples(box, count: 200, using: &rng) {
                let values = float80Activations(network, point)
                for k in bounds.indices {
                    for i in 0..<bounds[k].count {
                        XCTAssertLessThanOrEqual(Float80(bounds[k].lower[i]), values[k][i], "trial \(trial) layer \(k) unit \(i)")
                        XCTAssertGreaterThanOrEqual(Float80(bounds[k].upper[i]), values[k][i], "trial \(trial) layer \(k) unit \(i)")
                    }
                }
            }
            XCTAssertEqual(IntermediateTightening.replay(network, box: box, enclosing: start, slopes: slopes), bounds, "trial \(trial)")
        }
        XCTAssertGreaterThan(recorded, 40)
        XCTAssertGreaterThan(tightened, 20)
    }

    /// Replaying slopes for a layer that cannot be tightened (the first activation layer, an
    /// affine layer), or layers out of order, is refused.
    func testReplayRefusesLayersThatCannotBeTightened() throws {
        var rng = BoundsRandom(seed: 77)
        let (network, box) = BoundsFixtures.activationChain(.relu, using: &rng)
        XCTAssertEqual(IntermediateTightening.targetLayers(network), [3])
        let start = BoundPropagation.bounds(of: network, over: box, specification: .none, method: .linear).layerBounds
        for layers in [[1], [2], [4], [3, 3]] {
            let slopes = layers.map { IntermediateSlopes(layer: $0, lowerRows: [:], upperRows: [:]) }
            XCTAssertNil(IntermediateTightening.replay(network, box: box, enclosing: start, slopes: slopes), "\(layers)")
        }
        XCTAssertNotNil(IntermediateTightening.replay(network, box: box, enclosing: start,
                                                      slopes: [IntermediateSlopes(layer: 3, lowerRows: [:], upperRows: [:])]))
    }

    /// The batched pass's value and slope gradient equal the one-row passes' summed, on random
    /// ReLU / LeakyReLU / clip chains with random slopes in range and 16-40 random rows, with
    /// packed layers (units whose lines are both 0 dropped) and whole ones.
    func testBatchedPassesMatchTheOneRowPassesSummed() throws {
        var rng = BoundsRandom(seed: 515)
        var compared = 0
        for trial in 0..<60 {
            let activations: [Layer] = [.relu, .leakyRelu(alpha: 0.2), .clip(lower: -0.4, upper: 0.5)]
            let (network, box) = BoundsFixtures.activationChain(activations[trial % 3], using: &rng)
            let rowCount = Int.random(in: 16...40, using: &rng)
            let specification = LinearSpecification(
                coefficients: (0..<rowCount).map { _ in (0..<network.outputSize).map { _ in Double.random(in: -1...1, using: &rng) } },
                constants: (0..<rowCount).map { _ in Double.random(in: -1...1, using: &rng) })
            let bounds = try XCTUnwrap(PhaseSplitBounds.bounds(of: network, over: box, phases: PhaseConstraints(),
                                                               specification: specification))
            let free = bounds.freeLines()
            var slopes: [Int: [Double]] = [:]
            for (k, lines) in free {
                slopes[k] = lines.map { line in line.map { Double.random(in: $0.floor...$0.ceiling, using: &rng) } ?? .nan }
            }
            let packed = trial % 2 == 0
            let affineLayers = packed ? bounds.hintAffineLayers(free: free, splitUnits: [])
                : Dictionary(uniqueKeysWithValues: network.layers.enumerated().compactMap { k, layer -> (Int, HintAffineLayer)? in
                    guard case .affine(let affine) = layer else { return nil }
                    return (k, HintAffineLayer(affine, keepRow: nil, keepColumn: nil))
                })
            let rows = Array(0..<rowCount)
            var oneRowGradient = slopes.mapValues { $0.map { _ in 0.0 } }, batchGradient = oneRowGradient
            var oneRowValue = 0.0
            for r in rows {
                var betaGradient: [Double] = []
                oneRowValue += bounds.accumulate(row: specification.coefficients[r], constant: specification.constants[r],
                                                 slopes: slopes, free: free, affineLayers: affineLayers, splits: [], betas: [],
                                                 box: box, gradient: &oneRowGradient, betaGradient: &betaGradient)
            }
            let batchValue = bounds.accumulate(batch: rows, specification: specification, slopes: slopes, free: free,
                                               affineLayers: affineLayers, box: box, gradient: &batchGradient)
            XCTAssertEqual(batchValue, oneRowValue, accuracy: 1e-9 * (1 + abs(oneRowValue)), "trial \(trial)")
            for (k, expected) in oneRowGradient {
                for i in expected.indices {
                    XCTAssertEqual(batchGradient[k]![i], expected[i], accuracy: 1e-9 * (1 + abs(expected[i])), "trial \(trial) layer \(k) unit \(i)")
                }
            }
            if !free.isEmpty { compared += 1 }
        }
        XCTAssertGreaterThan(compared, 30)
    }
}
