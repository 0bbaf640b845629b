import Foundation
import Network
@testable import Encoding
import XCTest

/// Intermediate bounds tightened by branch and bound over earlier phases
/// (``IntermediateBranching``).
///
/// Oracles: forward passes in `Float80` at sample points of the box (every value a tightened
/// bound must contain; the vertices of the box are among them), the starting bounds (the
/// result must lie inside them), and the replay of the recorded trees (it must give the same
/// bounds bit for bit). Mutation checks, run by hand: giving both children of a split the side
/// `z >= 0` in `bestFirst` (the leaves then cover only part of the box) fails
/// ``testBranchedBoundsContainEveryReachableValue``; dropping the negation of the upper row
/// fails it too.
final class IntermediateBranchingTests: XCTestCase {
    static let budget = IntermediateBranchingBudget(perBound: 15, total: 100_000, layers: 3)

    /// Random ReLU / LeakyReLU chains of two hidden layers and random deeper piecewise-linear
    /// networks: every branched layer lies inside the starting bounds and contains the
    /// pre-activation values of every sample point; some bounds get strictly tighter than
    /// the single relaxation gives, and replaying the recorded trees gives the same bounds.
    func testBranchedBoundsContainEveryReachableValue() throws {
        var rng = BoundsRandom(seed: 9191)
        var tightened = 0, trees = 0, splits = 0
        for trial in 0..<120 {
            let network: NeuralNetwork, box: Box
            if trial % 2 == 0 {
                let activations: [Layer] = [.relu, .leakyRelu(alpha: 0.1), .leakyRelu(alpha: -0.3)]
                (network, box) = BoundsFixtures.activationChain(activations[trial / 2 % 3], using: &rng)
            } else {
                network = BoundsFixtures.network(.piecewiseLinear, using: &rng)
                box = BoundsFixtures.box(dimension: network.inputSize, using: &rng)
            }
            let start = BoundPropagation.bounds(of: network, over: box, specification: .none, method: .linear).layerBounds
            guard let branched = IntermediateBranching.tighten(network, box: box, enclosing: start, budget: Self.budget) else {
                XCTFail("trial \(trial): crossed bounds on a non-empty box")
                continue
            }
            let bounds = branched.bounds
            trees += branched.trees.count
            splits += branched.trees.reduce(0) { $0 + $1.nodes.compactMap { $0 }.count }
            for tree in branched.trees {
                XCTAssertLessThanOrEqual(tree.nodes.count, Self.budget.perBound, "trial \(trial): a tree over its budget")
            }
            for k in bounds.indices {
                for i in 0..<bounds[k].count {
                    XCTAssertGreaterThanOrEqual(bounds[k].lower[i], start[k].lower[i], "trial \(trial) layer \(k) unit \(i)")
                    XCTAssertLessThanOrEqual(bounds[k].upper[i], start[k].upper[i], "trial \(trial) layer \(k) unit \(i)")
                    if bounds[k].lower[i] > start[k].lower[i] || bounds[k].upper[i] < start[k].upper[i] { tightened += 1 }
                }
            }
            for point in BoundsFixtures.samples(box, count: 200, using: &rng) + vertices(box, count: 64, using: &rng) {
                let values = float80Activations(network, point)
                for k in bounds.indices {
                    for i in 0..<bounds[k].count {
                        XCTAssertLessThanOrEqual(Float80(bounds[k].lower[i]), values[k][i], "trial \(trial) layer \(k) unit \(i)")
                        XCTAssertGreaterThanOrEqual(Float80(bounds[k].upper[i]), values[k][i], "trial \(trial) layer \(k) unit \(i)")
                    }
                }
            }
            XCTAssertEqual(IntermediateBranching.replay(network, box: box, enclosing: start, trees: branched.trees), bounds,
                           "trial \(trial)")
        }
        XCTAssertGreaterThan(trees, 100)
        XCTAssertGreaterThan(splits, 200)
        XCTAssertGreaterThan(tightened, 100)
    }

    /// A larger budget refines the smaller budget's tree (best-first takes the same first
    /// steps) and a node's bound never falls below its parent's, so on ReLU chains the second
    /// layer's bounds with 601 evaluations per bound are at least as tight as with 5, and
    /// strictly tighter than the single relaxation somewhere. A budget of 1 bounds the root
    /// alone: every tree is one leaf, and the bounds move by rounding only.
    func testLargerBudgetsNeverLoosenAndBudgetOneOnlyBoundsTheRoot() throws {
        var rng = BoundsRandom(seed: 31)
        var strictlyBetter = 0
        for trial in 0..<40 {
            let (network, box) = BoundsFixtures.activationChain(.relu, using: &rng)
            let start = BoundPropagation.bounds(of: network, over: box, specification: .none, method: .linear).layerBounds
            func branched(_ perBound: Int) throws -> (bounds: [LayerBounds], trees: [IntermediateBranchTree]) {
                let result = try XCTUnwrap(IntermediateBranching.tighten(
                    network, box: box, enclosing: start, budget: IntermediateBranchingBudget(perBound: perBound, total: 100_000, layers: 1)))
                return (result.bounds, result.trees)
            }
            let one = try branched(1), small = try branched(5), large = try branched(601)
            XCTAssertTrue(one.trees.allSatisfy { $0.nodes == [nil] }, "trial \(trial)")
            for i in 0..<start[3].count {
                let scale = 1e-9 * (1 + abs(start[3].lower[i]) + abs(start[3].upper[i]))
                XCTAssertEqual(one.bounds[3].lower[i], start[3].lower[i], accuracy: scale, "trial \(trial) unit \(i)")
                XCTAssertEqual(one.bounds[3].upper[i], start[3].upper[i], accuracy: scale, "trial \(trial) unit \(i)")
                XCTAssertGreaterThanOrEqual(large.bounds[3].lower[i], small.bounds[3].lower[i], "trial \(trial) unit \(i)")
                XCTAssertLessThanOrEqual(large.bounds[3].upper[i], small.bounds[3].upper[i], "trial \(trial) unit \(i)")
                if large.bounds[3].lower[i] > start[3].lower[i] + scale { strictlyBetter += 1 }
            }
        }
        XCTAssertGreaterThan(strictlyBetter, 20)
    }

    /// Replay refuses malformed trees: a layer that cannot be tightened, layers out of order,
    /// a unit outside the layer, a preorder list cut short or with nodes left over, a split
    /// of a unit that is not an earlier ReLU / LeakyReLU unit, and a unit split twice on a
    /// path. The well-formed tree is accepted.
    func testReplayRefusesMalformedTrees() throws {
        var rng = BoundsRandom(seed: 77)
        let (network, box) = BoundsFixtures.activationChain(.relu, using: &rng)
        XCTAssertEqual(IntermediateTightening.targetLayers(network), [3])
        let start = BoundPropagation.bounds(of: network, over: box, specification: .none, method: .linear).layerBounds
        let unit = ActivationUnit(layer: 1, unit: 0), other = ActivationUnit(layer: 1, unit: 1)
        func tree(layer: Int = 3, unit target: Int = 0, _ nodes: [ActivationUnit?]) -> IntermediateBranchTree {
            IntermediateBranchTree(layer: layer, unit: target, side: .lower, nodes: nodes)
        }
        let good = tree([unit, nil, other, nil, nil])
        XCTAssertNotNil(IntermediateBranching.replay(network, box: box, enclosing: start, trees: [good]))
        XCTAssertNotNil(IntermediateBranching.replay(network, box: box, enclosing: start, trees: [tree([nil])]))
        let malformed: [(String, [IntermediateBranchTree])] = [
            ("first activation layer", [tree(layer: 1, [nil])]),
            ("an affine layer", [tree(layer: 2, [nil])]),
            ("unit outside the layer", [tree(unit: 8, [nil])]),
            ("cut short", [tree([unit, nil])]),
            ("nodes left over", [tree([nil, nil])]),
            ("empty", [tree([])]),
            ("split of the target layer", [tree([ActivationUnit(layer: 3, unit: 1), nil, nil])]),
            ("split of an affine layer", [tree([ActivationUnit(layer: 0, unit: 1), nil, nil])]),
            ("split outside the layer", [tree([ActivationUnit(layer: 1, unit: 8), nil, nil])]),
            ("split twice on a path", [tree([unit, unit, nil, nil, nil])]),
        ]
        for (name, trees) in malformed {
            XCTAssertNil(IntermediateBranching.replay(network, box: box, enclosing: start, trees: trees), name)
        }
        // Layers out of order need a network with two target layers: draw until one has them.
        var deep = BoundsFixtures.network(.piecewiseLinear, using: &rng)
        for _ in 0..<200 where IntermediateTightening.targetLayers(deep).count < 2 {
            deep = BoundsFixtures.network(.piecewiseLinear, using: &rng)
        }
        let targets = IntermediateTightening.targetLayers(deep)
        XCTAssertGreaterThanOrEqual(targets.count, 2, "no random network with two target layers")
        guard targets.count >= 2 else { return }
        let deepBox = BoundsFixtures.box(dimension: deep.inputSize, using: &rng)
        let deepStart = BoundPropagation.bounds(of: deep, over: deepBox, specification: .none, method: .linear).layerBounds
        XCTAssertNotNil(IntermediateBranching.replay(deep, box: deepBox, enclosing: deepStart,
                                                     trees: [tree(layer: targets[0], [nil]), tree(layer: targets[1], [nil])]), "layers in order")
        let outOfOrder = [tree(layer: targets[1], [nil]), tree(layer: targets[0], [nil])]
        XCTAssertNil(IntermediateBranching.replay(deep, box: deepBox, enclosing: deepStart, trees: outOfOrder), "layers out of order")
    }

    /// `count` random vertices of `box`.
    private func vertices(_ box: Box, count: Int, using rng: inout BoundsRandom) -> [[Double]] {
        (0..<count).map { _ in box.lower.indices.map { Bool.random(using: &rng) ? box.lower[$0] : box.upper[$0] } }
    }
}
