import Foundation
import Network
import XCTest
@testable import Encoding

/// Element-wise affine layers (``AffineLayer/diagonalScale``) take `O(n)` paths in interval
/// propagation and back-substitution; they must stay sound, the interval path must be no
/// looser than the dense one, and the substitution step must give the dense step's Doubles.
final class BoundsElementWiseTests: XCTestCase {
    /// A random network of ``BoundsFixtures`` with element-wise layers inserted after random
    /// layers (scales include 0, negatives, tiny and large values).
    static func network(using rng: inout BoundsRandom) -> NeuralNetwork {
        let base = BoundsFixtures.network(.all, using: &rng)
        let scales: [Double] = [-2, -0.5, 0, 0.3, 1, 1e-3, 3, 0.1]
        var layers: [Layer] = []
        var width = base.inputSize
        func diagonal() -> Layer {
            .affine(.diagonal(scale: (0..<width).map { _ in scales.randomElement(using: &rng)! },
                              shift: (0..<width).map { _ in Double.random(in: -0.5...0.5, using: &rng) }))
        }
        if Bool.random(using: &rng) { layers.append(diagonal()) }
        for (layer, size) in zip(base.layers, base.layerOutputSizes) {
            layers.append(layer)
            width = size
            if Int.random(in: 0..<3, using: &rng) == 0 { layers.append(diagonal()) }
        }
        return try! NeuralNetwork(inputShape: [base.inputSize], layers: layers)
    }

    func testIntervalAndLinearBoundsContainFloatAndExactActivations() {
        var rng = BoundsRandom(seed: 21)
        var diagonalLayers = 0
        for _ in 0..<300 {
            let network = Self.network(using: &rng)
            diagonalLayers += network.layers.filter { if case .affine(let a) = $0 { a.diagonalScale != nil } else { false } }.count
            let box = BoundsFixtures.box(dimension: network.inputSize, using: &rng)
            let specification = BoundsFixtures.specification(outputs: network.outputSize, using: &rng)
            let points = BoundsFixtures.samples(box, count: 20, using: &rng)
            let interval = BoundPropagation.bounds(of: network, over: box, specification: specification, method: .interval)
            let linear = BoundPropagation.bounds(of: network, over: box, specification: specification, method: .linear)
            for point in points {
                let float = network.activations(point)
                let exact = float80Activations(network, point)
                for result in [interval, linear] {
                    for (k, bounds) in result.layerBounds.enumerated() {
                        for i in 0..<bounds.count {
                            XCTAssertLessThanOrEqual(Float80(bounds.lower[i]), exact[k][i], "layer \(k) unit \(i)")
                            XCTAssertGreaterThanOrEqual(Float80(bounds.upper[i]), exact[k][i], "layer \(k) unit \(i)")
                        }
                    }
                    for row in 0..<specification.count {
                        XCTAssertLessThanOrEqual(Float80(result.specLower[row]),
                                                 float80Specification(specification, row: row, exact[exact.count - 1]))
                    }
                }
                for (k, bounds) in interval.layerBounds.enumerated() {
                    for i in 0..<bounds.count {
                        XCTAssertLessThanOrEqual(bounds.lower[i], float[k][i], "float, layer \(k) unit \(i)")
                        XCTAssertGreaterThanOrEqual(bounds.upper[i], float[k][i], "float, layer \(k) unit \(i)")
                    }
                }
            }
        }
        XCTAssertGreaterThan(diagonalLayers, 100)
    }

    /// `y = s x + b` by hand: s = 0.1, b = 0.2 on x in [1, 3]: exact range [0.1d + 0.2d, 0.3d +
    /// 0.2d] (products of Doubles), and the bounds are at most one rounding step outside it.
    /// The dense path pays `gamma_m` per row; the element-wise path is never looser.
    func testElementWiseIntervalIsTightAndNoLooserThanTheDensePath() {
        let layer = AffineLayer.diagonal(scale: [0.1, -3, 0], shift: [0.2, 1, -0.5])
        let input = LayerBounds(lower: [1, -1, -7], upper: [3, 2, 9])
        let (fast, fastMagnitudes) = IntervalPropagation.affine(layer, input)
        let (dense, denseMagnitudes) = IntervalPropagation.dense(layer, input)
        // Unit 0: [RD(RD(0.1 * 1) + 0.2), RU(RU(0.1 * 3) + 0.2)].
        XCTAssertEqual(fast.lower[0], DirectedRounding.addDown(DirectedRounding.mulDown(0.1, 1), 0.2))
        XCTAssertEqual(fast.upper[0], DirectedRounding.addUp(DirectedRounding.mulUp(0.1, 3), 0.2))
        XCTAssertLessThanOrEqual(Float80(fast.lower[0]), Float80(0.1) + Float80(0.2))
        XCTAssertGreaterThanOrEqual(Float80(fast.upper[0]), Float80(0.1) * 3 + Float80(0.2))
        // Unit 1: -3 x + 1 on [-1, 2] is [-5, 4], exact in Doubles; unit 2: the point -0.5.
        XCTAssertEqual(fast.lower[1], -5)
        XCTAssertEqual(fast.upper[1], 4)
        XCTAssertEqual(fast.lower[2], -0.5)
        XCTAssertEqual(fast.upper[2], -0.5)
        for i in 0..<3 {
            XCTAssertGreaterThanOrEqual(fast.lower[i], dense.lower[i])
            XCTAssertLessThanOrEqual(fast.upper[i], dense.upper[i])
            XCTAssertGreaterThanOrEqual(fastMagnitudes[i], [0.3, 6, 0][i])
            XCTAssertLessThanOrEqual(fastMagnitudes[i], denseMagnitudes[i])
        }
    }

    /// The element-wise substitution step computes exactly the dense step's coefficient rows,
    /// constants and lower bounds (same interval bounds on both sides).
    func testElementWiseSubstitutionEqualsTheDenseStep() {
        var rng = BoundsRandom(seed: 22)
        for _ in 0..<200 {
            let network = Self.network(using: &rng)
            let box = BoundsFixtures.box(dimension: network.inputSize, using: &rng)
            let top = network.layers.count
            var fast = BackSubstitution(network: network, box: box, linear: true)
            var dense = BackSubstitution(network: network, box: box, linear: true, substitutesElementWise: false)
            for k in 0..<top {
                fast.appendLayer(k, slopes: nil)
                dense.appendLayer(k, slopes: nil)
            }
            let outputs = network.outputSize
            var rows = [Double](repeating: 0, count: 2 * outputs * outputs)
            for i in 0..<outputs {
                rows[2 * i * outputs + i] = 1
                rows[(2 * i + 1) * outputs + i] = -Double.random(in: 0.5...2, using: &rng)
            }
            var fastConstants = [Double](repeating: 0.25, count: 2 * outputs)
            var denseConstants = fastConstants
            var fastCoefficients: [Double] = [], denseCoefficients: [Double] = []
            let fastLower = fast.lowerBounds(rows: rows, constants: &fastConstants, rowCount: 2 * outputs, top: top,
                                             coefficients: &fastCoefficients)
            let denseLower = dense.lowerBounds(rows: rows, constants: &denseConstants, rowCount: 2 * outputs, top: top,
                                               coefficients: &denseCoefficients)
            XCTAssertEqual(fastLower, denseLower)
            XCTAssertEqual(fastConstants, denseConstants)
            XCTAssertEqual(fastCoefficients, denseCoefficients)
        }
    }
}
