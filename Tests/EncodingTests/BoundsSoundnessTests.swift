import Foundation
import Network
import XCTest

@testable import Encoding

/// Oracle: dense sampling (center, corners, uniform points) of random small networks with
/// every layer kind. A sampled value outside a bound is a soundness bug.
final class BoundsSoundnessTests: XCTestCase {
    /// Runs `body` on `count` random (network, box, specification) triples.
    private func forRandomCases(_ mix: BoundsActivationMix, count: Int, seed: UInt64,
                                _ body: (NeuralNetwork, Box, LinearSpecification, [[Double]]) throws -> Void) rethrows {
        var rng = BoundsRandom(seed: seed)
        for _ in 0..<count {
            let network = BoundsFixtures.network(mix, using: &rng)
            let box = BoundsFixtures.box(dimension: network.inputSize, using: &rng)
            let specification = BoundsFixtures.specification(outputs: network.outputSize, using: &rng)
            let points = BoundsFixtures.samples(box, count: 40, using: &rng)
            try body(network, box, specification, points)
        }
    }

    func testIntervalBoundsContainFloatAndExactActivations() {
        forRandomCases(.all, count: 400, seed: 1) { network, box, specification, points in
            let result = BoundPropagation.bounds(of: network, over: box, specification: specification, method: .interval)
            XCTAssertEqual(result.layerBounds.count, network.layers.count + 1)
            XCTAssertTrue(result.inputCoefficients.isEmpty)
            for point in points {
                let float = network.activations(point)
                let exact = float80Activations(network, point)
                for (k, bounds) in result.layerBounds.enumerated() {
                    for i in 0..<bounds.count {
                        // No tolerance: IBP follows the forward pass's order with directed rounding.
                        XCTAssertLessThanOrEqual(bounds.lower[i], float[k][i], "layer \(k) unit \(i) \(network.layers.map(\.kindName))")
                        XCTAssertGreaterThanOrEqual(bounds.upper[i], float[k][i], "layer \(k) unit \(i)")
                        XCTAssertLessThanOrEqual(Float80(bounds.lower[i]), exact[k][i], "layer \(k) unit \(i)")
                        XCTAssertGreaterThanOrEqual(Float80(bounds.upper[i]), exact[k][i], "layer \(k) unit \(i)")
                    }
                }
                for row in 0..<specification.count {
                    XCTAssertLessThanOrEqual(Float80(result.specLower[row]),
                                             float80Specification(specification, row: row, exact[exact.count - 1]))
                }
            }
        }
    }

    func testLinearBoundsContainExactActivationsOfPiecewiseLinearNetworks() {
        forRandomCases(.piecewiseLinear, count: 400, seed: 2) { network, box, specification, points in
            checkLinearContainsExact(network, box, specification, points, options: BoundOptions())
        }
    }

    func testLinearBoundsContainExactActivationsOfSmoothNetworks() {
        forRandomCases(.all, count: 400, seed: 3) { network, box, specification, points in
            checkLinearContainsExact(network, box, specification, points, options: BoundOptions())
        }
    }

    func testLinearBoundsWithForwardPassContainExactActivations() {
        forRandomCases(.all, count: 400, seed: 9) { network, box, specification, points in
            checkLinearContainsExact(network, box, specification, points,
                                     options: BoundOptions(forwardPassInputLimit: 64))
        }
    }

    func testLinearBoundsWithIntervalIntermediatesContainExactActivations() {
        forRandomCases(.all, count: 200, seed: 4) { network, box, specification, points in
            checkLinearContainsExact(network, box, specification, points,
                                     options: BoundOptions(method: .linear, intermediate: .interval))
        }
    }

    func testArbitraryLowerSlopesStaySound() {
        var slopeRng = BoundsRandom(seed: 55)
        forRandomCases(.piecewiseLinear, count: 200, seed: 5) { network, box, specification, points in
            var slopes: [Int: [Double]] = [:]
            for (k, size) in network.layerInputSizes.enumerated() {
                // Deliberately out of range sometimes: the implementation must clamp.
                slopes[k] = (0..<size).map { _ in [Double.nan, 0, 1, -0.5, 1.7, Double.random(in: 0...1, using: &slopeRng)][Int.random(in: 0..<6, using: &slopeRng)] }
            }
            checkLinearContainsExact(network, box, specification, points, options: BoundOptions(lowerSlopes: slopes))
        }
    }

    /// A split search bounds a sub-box with its parent's bounds as `enclosing`: the result
    /// must still contain every exact activation of the sub-box, and no layer may come out
    /// looser than the parent's.
    func testEnclosingBoundsOfASubBoxStaySoundAndNeverLooserThanTheParent() {
        var subRng = BoundsRandom(seed: 77)
        forRandomCases(.all, count: 300, seed: 10) { network, box, specification, _ in
            let parent = BoundPropagation.bounds(of: network, over: box, specification: specification)
            let cuts = (0..<box.dimension).map { _ in
                (Double.random(in: 0...0.5, using: &subRng), Double.random(in: 0.5...1, using: &subRng))
            }
            let sub = try! Box(lower: box.lower.indices.map { box.lower[$0] + (box.upper[$0] - box.lower[$0]) * cuts[$0].0 },
                               upper: box.lower.indices.map { box.lower[$0] + (box.upper[$0] - box.lower[$0]) * cuts[$0].1 })
            let subBox = try! Box(lower: zip(sub.lower, box.lower).map { Swift.max($0, $1) },
                                  upper: zip(sub.upper, box.upper).map { Swift.min($0, $1) })
            let points = BoundsFixtures.samples(subBox, count: 40, using: &subRng)
            let options = BoundOptions(enclosing: parent.layerBounds)
            checkLinearContainsExact(network, subBox, specification, points, options: options)
            let child = BoundPropagation.bounds(of: network, over: subBox, specification: specification, options: options)
            for (k, (outer, inner)) in zip(parent.layerBounds, child.layerBounds).enumerated().dropFirst() {
                for i in 0..<outer.count {
                    XCTAssertGreaterThanOrEqual(inner.lower[i], outer.lower[i], "layer \(k) unit \(i)")
                    XCTAssertLessThanOrEqual(inner.upper[i], outer.upper[i], "layer \(k) unit \(i)")
                }
            }
        }
    }

    /// Linear layer bounds and specification bounds contain the Float80 values at every
    /// sampled point, and `Λ x + c` lies below every specification row there.
    private func checkLinearContainsExact(_ network: NeuralNetwork, _ box: Box, _ specification: LinearSpecification,
                                          _ points: [[Double]], options: BoundOptions) {
        let result = BoundPropagation.bounds(of: network, over: box, specification: specification, options: options)
        XCTAssertEqual(result.inputCoefficients.count, specification.count)
        XCTAssertEqual(result.inputConstants.count, specification.count)
        for point in points {
            let exact = float80Activations(network, point)
            for (k, bounds) in result.layerBounds.enumerated() {
                for i in 0..<bounds.count {
                    XCTAssertLessThanOrEqual(Float80(bounds.lower[i]), exact[k][i],
                                             "layer \(k) unit \(i) of \(network.layers.map(\.kindName))")
                    XCTAssertGreaterThanOrEqual(Float80(bounds.upper[i]), exact[k][i],
                                                "layer \(k) unit \(i) of \(network.layers.map(\.kindName))")
                }
            }
            for row in 0..<specification.count {
                let value = float80Specification(specification, row: row, exact[exact.count - 1])
                XCTAssertLessThanOrEqual(Float80(result.specLower[row]), value, "row \(row)")
                var linear = Float80(result.inputConstants[row])
                for (lambda, x) in zip(result.inputCoefficients[row], point) { linear += Float80(lambda) * Float80(x) }
                // Λ x + c is a lower bound in exact arithmetic; Float80 evaluation adds ~2^-64.
                XCTAssertLessThanOrEqual(linear, value + 1e-15 * (1 + abs(value)), "row \(row)")
            }
        }
    }

    func testLinearBoundsAreNeverLooserThanIntervalBounds() {
        forRandomCases(.all, count: 400, seed: 6) { network, box, specification, _ in
            let interval = BoundPropagation.bounds(of: network, over: box, specification: specification, method: .interval)
            let linear = BoundPropagation.bounds(of: network, over: box, specification: specification,
                                                 options: BoundOptions(forwardPassInputLimit: Bool.random() ? 64 : 0))
            for (k, (a, b)) in zip(interval.layerBounds, linear.layerBounds).enumerated() {
                for i in 0..<a.count {
                    XCTAssertGreaterThanOrEqual(b.lower[i], a.lower[i], "layer \(k) unit \(i)")
                    XCTAssertLessThanOrEqual(b.upper[i], a.upper[i], "layer \(k) unit \(i)")
                }
            }
            for row in 0..<specification.count {
                XCTAssertGreaterThanOrEqual(linear.specLower[row], interval.specLower[row])
            }
        }
    }

    func testLinearBoundsAreMuchTighterOnDeepReLUNetwork() throws {
        var rng = BoundsRandom(seed: 7)
        var layers: [Layer] = []
        var width = 5
        for _ in 0..<6 {
            layers.append(.affine(BoundsFixtures.affine(width, 30, scale: 0.5, using: &rng)))
            layers.append(.relu)
            width = 30
        }
        layers.append(.affine(BoundsFixtures.affine(width, 5, scale: 1, using: &rng)))
        let network = try NeuralNetwork(inputShape: [5], layers: layers)
        let box = try Box.linf(center: [0.1, -0.2, 0.3, 0, 0.5], radius: 0.05)
        let margins = LinearSpecification.robustnessMargins(outputs: 5, trueClass: 0)
        let interval = BoundPropagation.bounds(of: network, over: box, specification: margins, method: .interval)
        let linear = BoundPropagation.bounds(of: network, over: box, specification: margins, method: .linear)
        let intervalWidth = zip(interval.outputBounds.lower, interval.outputBounds.upper).map { $1 - $0 }.reduce(0, +)
        let linearWidth = zip(linear.outputBounds.lower, linear.outputBounds.upper).map { $1 - $0 }.reduce(0, +)
        XCTAssertLessThan(linearWidth, 0.5 * intervalWidth)
        for row in 0..<margins.count { XCTAssertGreaterThan(linear.specLower[row], interval.specLower[row]) }
        // Sampled margins stay above the bounds.
        for point in BoundsFixtures.samples(box, count: 200, using: &rng) {
            let margin = margins.evaluate(network.evaluate(point))
            for row in 0..<margins.count { XCTAssertLessThanOrEqual(linear.specLower[row], margin[row]) }
        }
    }

    func testDegenerateBoxBoundsContainThePointAndAreTight() throws {
        var rng = BoundsRandom(seed: 8)
        for index in 0..<300 {
            let network = BoundsFixtures.network(index % 2 == 0 ? .piecewiseLinear : .all, using: &rng)
            let point = (0..<network.inputSize).map { _ in Double.random(in: -2...2, using: &rng) }
            let box = try Box(lower: point, upper: point)
            let specification = BoundsFixtures.specification(outputs: network.outputSize, using: &rng)
            let float = network.activations(point)
            let exact = float80Activations(network, point)
            for method in [BoundMethod.interval, .linear] {
                let result = BoundPropagation.bounds(of: network, over: box, specification: specification, method: method)
                for (k, bounds) in result.layerBounds.enumerated() {
                    for i in 0..<bounds.count {
                        XCTAssertLessThanOrEqual(Float80(bounds.lower[i]), exact[k][i])
                        XCTAssertGreaterThanOrEqual(Float80(bounds.upper[i]), exact[k][i])
                        if method == .interval {
                            XCTAssertTrue(bounds.lower[i] <= float[k][i] && float[k][i] <= bounds.upper[i])
                        }
                        let scale = 1 + abs(float[k][i])
                        XCTAssertLessThanOrEqual(bounds.upper[i] - bounds.lower[i], 1e-12 * scale,
                                                 "layer \(k) unit \(i) \(method)")
                    }
                }
                for row in 0..<specification.count {
                    XCTAssertLessThanOrEqual(Float80(result.specLower[row]),
                                             float80Specification(specification, row: row, exact[exact.count - 1]))
                }
            }
        }
    }

    func testNetworkWithoutLayersBoundsTheInputBox() throws {
        let network = try NeuralNetwork(inputShape: [2], layers: [])
        let box = try Box(lower: [-1, 2], upper: [3, 4])
        let spec = LinearSpecification(coefficients: [[1, -2]], constants: [0.5])
        for method in [BoundMethod.interval, .linear] {
            let result = BoundPropagation.bounds(of: network, over: box, specification: spec, method: method)
            XCTAssertEqual(result.layerBounds, [LayerBounds(lower: [-1, 2], upper: [3, 4])])
            XCTAssertEqual(result.specLower, [-1 - 8 + 0.5])
        }
    }
}
