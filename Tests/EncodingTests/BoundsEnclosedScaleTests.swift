@testable import Encoding
import Network
import XCTest

/// Bounds of networks with an ``EnclosedScale`` (`x / c`, batch normalisation's
/// `gamma / sqrt(var + eps)`) against the file's network in exact rational arithmetic:
///
/// - `x / c` is evaluated with the divisor `c` itself (never `fl(1/c)`);
/// - `gamma / sqrt(v)` is irrational; its enclosure is re-certified here with rationals
///   (`lower^2 v <= gamma^2 <= upper^2 v` for `gamma > 0`), and since the bounds claim to hold
///   for every factor in the enclosure, the network is evaluated with both end points.
///
/// Every layer's bounds (interval and linear) must contain the exact value at every sample
/// of a dense grid over the box (corners included), and the interval bounds also the float
/// forward pass; the specification lower bound must be below the exact margin.
final class BoundsEnclosedScaleTests: XCTestCase {
    private static let divisors: [Double] = [3, 0.3, 7, -0.7, 10, 1.5, 0.1, 2]
    private static let weights: [Double] = [0.1, -0.1, 0.3, -0.7, 1, -1, 3, 0.5, 2.5, -3]

    private func pick<T>(_ pool: [T], _ rng: inout BoundsRandom) -> T { pool[Int(rng.next() % UInt64(pool.count))] }

    private func dense(_ m: Int, _ n: Int, _ rng: inout BoundsRandom) -> Layer {
        .affine(AffineLayer(inputSize: m, outputSize: n, weights: (0..<(m * n)).map { _ in pick(Self.weights, &rng) },
                            bias: (0..<n).map { _ in pick(Self.weights, &rng) }))
    }

    private func enclosed(_ n: Int, batchNorm: Bool, _ rng: inout BoundsRandom) throws -> EnclosedScale {
        if batchNorm {
            let gamma = (0..<n).map { _ in pick([0.3, -0.7, 1.1, 2, 0.9], &rng) }
            let variance = (0..<n).map { _ in pick([0.1, 3, 0.7, 2, 5e-3], &rng) }
            let scale = try XCTUnwrap(EnclosedScale.batchNormalization(gamma: gamma, variance: variance, epsilon: 1e-5))
            for i in 0..<n {
                // Independent certificate: lower^2 v <= gamma^2 <= upper^2 v (|.| for gamma < 0).
                let v = ExactRational(variance[i]) + ExactRational(1e-5), g2 = ExactRational(gamma[i]) * ExactRational(gamma[i])
                let (small, large) = gamma[i] > 0 ? (scale.lower[i], scale.upper[i]) : (-scale.upper[i], -scale.lower[i])
                XCTAssertLessThanOrEqual(ExactRational(small) * ExactRational(small) * v, g2)
                XCTAssertLessThanOrEqual(g2, ExactRational(large) * ExactRational(large) * v)
                XCTAssertGreaterThanOrEqual(small, 0)
            }
            return scale
        }
        return try XCTUnwrap(EnclosedScale.reciprocals((0..<n).map { _ in pick(Self.divisors, &rng) }))
    }

    /// Exact outputs of every layer, with the enclosed factors `1/c` exact, or the end point
    /// `upper` / `lower` of a batch-norm enclosure.
    private func exactLayers(_ network: NeuralNetwork, _ input: [Double], upperEnd: Bool) -> [[ExactRational]] {
        var values = [input.map(ExactRational.init)]
        for layer in network.layers {
            let x = values[values.count - 1]
            switch layer {
            case .affine(let affine):
                values.append((0..<affine.outputSize).map { i in
                    var sum = ExactRational(affine.bias[i])
                    for j in 0..<affine.inputSize { sum = sum + ExactRational(affine.weight(row: i, column: j)) * x[j] }
                    return sum
                })
            case .relu: values.append(x.map { $0.signum > 0 ? $0 : .zero })
            case .enclosedScale(let scale):
                values.append(x.indices.map { i in
                    if let c = scale.divisors { return x[i] / ExactRational(c[i]) }
                    return ExactRational(upperEnd ? scale.upper[i] : scale.lower[i]) * x[i]
                })
            default: preconditionFailure("test networks use affine, relu and enclosed scales")
            }
        }
        return values
    }

    func testBoundsContainTheExactValuesOfDivisionAndBatchNormNetworks() throws {
        var rng = BoundsRandom(seed: 15_015)
        var checked = 0
        for trial in 0..<24 {
            let batchNorm = trial % 2 == 1
            var layers: [Layer] = []
            if trial % 4 < 2 { layers.append(.enclosedScale(try enclosed(2, batchNorm: batchNorm, &rng))) }
            layers += [dense(2, 3, &rng), .enclosedScale(try enclosed(3, batchNorm: batchNorm, &rng)), .relu,
                       dense(3, 3, &rng), .relu, dense(3, 2, &rng)]
            let network = try NeuralNetwork(inputShape: [2], layers: layers)
            let center = (0..<2).map { _ in Double(Int(rng.next() % 9) - 4) * 0.5 }
            let box = try Box.linf(center: center, radius: pick([0.1, 1, 3], &rng))
            let specification = LinearSpecification(coefficients: [[1, -1]], constants: [0])
            for method in [BoundMethod.interval, .linear] {
                let result = BoundPropagation.bounds(of: network, over: box, specification: specification, method: method)
                for a in 0...4 {
                    for b in 0...4 {
                        let point = [box.lower[0] + (box.upper[0] - box.lower[0]) * Double(a) / 4,
                                     box.lower[1] + (box.upper[1] - box.lower[1]) * Double(b) / 4].enumerated().map {
                            min($0.element, box.upper[$0.offset])
                        }
                        let float = network.activations(point)
                        for upperEnd in batchNorm ? [false, true] : [false] {
                            let exact = exactLayers(network, point, upperEnd: upperEnd)
                            for k in 1..<exact.count {
                                let bounds = result.layerBounds[k]
                                for i in exact[k].indices {
                                    XCTAssertLessThanOrEqual(ExactRational(bounds.lower[i]), exact[k][i], "trial \(trial) \(method) layer \(k - 1) unit \(i) at \(point)")
                                    XCTAssertLessThanOrEqual(exact[k][i], ExactRational(bounds.upper[i]), "trial \(trial) \(method) layer \(k - 1) unit \(i) at \(point)")
                                    if method == .interval {
                                        XCTAssertTrue(bounds.lower[i] <= float[k][i] && float[k][i] <= bounds.upper[i], "float pass, trial \(trial)")
                                    }
                                }
                            }
                            let output = exact[exact.count - 1]
                            XCTAssertLessThanOrEqual(ExactRational(result.specLower[0]), output[0] - output[1], "trial \(trial) \(method)")
                            checked += 1
                        }
                    }
                }
            }
        }
        XCTAssertGreaterThan(checked, 1500)
    }

    /// The relaxation of `y = s z` is tight where the product is exact: `s = 1/2` on `z >= 0`
    /// gives the lines `z / 2` with zero intercepts; and it is valid for both ends of a
    /// straddling enclosure (hand check: `s` in `[fl(1/3)-, fl(1/3)+]`, `z` in `[-3, 6]`).
    func testEnclosedRelaxationLinesAreValidAtTheEnds() {
        let half = LinearRelaxation.enclosed(0.5, 0.5, 0.5, 1, 4)
        XCTAssertEqual([half.lowerSlope, half.lowerIntercept, half.upperSlope, half.upperIntercept], [0.5, 0, 0.5, 0])
        let m = 1.0 / 3, a = m.nextDown, b = m.nextUp
        let lines = LinearRelaxation.enclosed(a, m, b, -3, 6)
        for z in [-3.0, -1, 0, 2, 6] {
            for s in [a, b] {
                let y = ExactRational(s) * ExactRational(z)
                XCTAssertLessThanOrEqual(ExactRational(lines.lowerSlope) * ExactRational(z) + ExactRational(lines.lowerIntercept), y)
                XCTAssertLessThanOrEqual(y, ExactRational(lines.upperSlope) * ExactRational(z) + ExactRational(lines.upperIntercept))
            }
        }
    }
}
