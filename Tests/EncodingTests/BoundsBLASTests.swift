import Foundation
import Network
@testable import Encoding
import Support
import XCTest

/// Back-substitution with the affine step on BLAS (its own summation order, fused
/// multiply-adds) against the row loop in index order. Both must be sound lower bounds: never
/// above the value of the specification row at any point of the box, where the value is
/// computed exactly (dyadic rationals, ``NeuralNetwork/evaluateExactly(_:)``) on tiny
/// networks and in `Float80` on wide ones (widths up to 90, so that BLAS's blocking and
/// vector kernels are exercised).
final class BoundsBLASTests: XCTestCase {
    /// Lower bounds of `rows · v_top + constants` from a fresh state of `network` over `box`.
    private func lowerBounds(_ network: NeuralNetwork, _ box: Box, rows: [Double], constants: [Double],
                             blas: Bool) -> [Double] {
        var state = BackSubstitution(network: network, box: box, linear: true, blasRows: blas ? 1 : .max)
        for k in 0..<network.layers.count { state.appendLayer(k, slopes: nil) }
        var c = constants, coefficients: [Double] = []
        return state.lowerBounds(rows: rows, constants: &c, rowCount: constants.count, top: network.layers.count,
                                 coefficients: &coefficients)
    }

    func testBLASAndLoopBoundsStayBelowTheExactValuesOnTinyNetworks() throws {
        var rng = BoundsRandom(seed: 31)
        for trial in 0..<300 {
            let network = BoundsFixtures.network(.piecewiseLinear, using: &rng)
            let box = BoundsFixtures.box(dimension: network.inputSize, using: &rng)
            let specification = BoundsFixtures.specification(outputs: network.outputSize, using: &rng)
            let rows = specification.coefficients.flatMap { $0 }
            for blas in [true, false] {
                let lower = lowerBounds(network, box, rows: rows, constants: specification.constants, blas: blas)
                for point in BoundsFixtures.samples(box, count: 20, using: &rng) {
                    let outputs = try XCTUnwrap(network.evaluateExactly(point))
                    for (r, row) in specification.coefficients.enumerated() where lower[r].isFinite {
                        var value = ExactDyadic(specification.constants[r])
                        for (s, y) in zip(row, outputs) { value = value + ExactDyadic(s) * y }
                        XCTAssertLessThanOrEqual(ExactDyadic(lower[r]), value, "trial \(trial) blas \(blas) row \(r)")
                    }
                }
            }
        }
    }

    func testBLASAndLoopBoundsStayBelowSampledValuesOnWideNetworks() throws {
        var rng = BoundsRandom(seed: 32)
        for trial in 0..<40 {
            var width = Int.random(in: 2...12, using: &rng)
            let inputs = width
            var layers: [Layer] = []
            for _ in 0..<3 {
                let next = Int.random(in: 20...90, using: &rng)
                layers.append(.affine(BoundsFixtures.affine(width, next, scale: 0.3, using: &rng)))
                layers.append(BoundsFixtures.activation(.piecewiseLinear, using: &rng))
                width = next
            }
            layers.append(.affine(BoundsFixtures.affine(width, 5, scale: 0.3, using: &rng)))
            let network = try NeuralNetwork(inputShape: [inputs], layers: layers)
            let box = BoundsFixtures.box(dimension: inputs, using: &rng)
            let specification = BoundsFixtures.specification(outputs: 5, using: &rng)
            let rows = specification.coefficients.flatMap { $0 }
            let viaBLAS = lowerBounds(network, box, rows: rows, constants: specification.constants, blas: true)
            let viaLoop = lowerBounds(network, box, rows: rows, constants: specification.constants, blas: false)
            for point in BoundsFixtures.samples(box, count: 100, using: &rng) {
                let output = float80Activations(network, point).last!
                for r in specification.coefficients.indices {
                    let value = float80Specification(specification, row: r, output)
                    XCTAssertLessThanOrEqual(Float80(viaBLAS[r]), value, "trial \(trial) row \(r)")
                    XCTAssertLessThanOrEqual(Float80(viaLoop[r]), value, "trial \(trial) row \(r)")
                }
            }
        }
    }
}
