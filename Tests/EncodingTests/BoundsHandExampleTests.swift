import Network
import XCTest

@testable import Encoding

/// Oracle: a 2-2-1 ReLU network with every bound derived by hand.
///
/// ```
/// x in [-1, 1]^2
/// z1 = x1 + x2,  z2 = x1 - x2          (layer 0, affine)   z in [-2, 2]^2 (exact ranges)
/// h  = relu(z)                          (layer 1)           h in [0, 2]^2
/// y  = h1 + h2                          (layer 2, affine)   true range [0, 2]
///
/// IBP: y in [0 + 0, 2 + 2] = [0, 4].
///
/// Linear (CROWN), unstable units with l = -2, u = 2:
///   upper line  h <= u (z - l) / (u - l) = 0.5 z + 1
///   lower line  h >= 1 * z              (adaptive slope: u >= -l gives slope 1)
///   y <= 0.5 (z1 + z2) + 2 = x1 + 2 <= 3
///   y >= z1 + z2 = 2 x1 >= -2            (IBP's 0 is better: best of both gives 0)
/// So the linear output bounds are [0, 3].
///
/// Specification rows:
///   row A: y          interval 0;  linear 2 x1 >= -2       -> specLower 0,   Λ = [2, 0],  c = 0
///   row B: 3.5 - y    interval -0.5; linear 1.5 - x1 >= 0.5 -> specLower 0.5, Λ = [-1, 0], c = 1.5
/// ```
/// Affine steps (interval and linear) carry an a-priori rounding margin (a few 1e-16 here),
/// always on the safe side; element-wise steps round only inexact operations, so the ReLU
/// outputs of exact inputs and the relaxation lines below are exact.
final class BoundsHandExampleTests: XCTestCase {
    private let network = try! NeuralNetwork(inputShape: [2], layers: [
        .affine(AffineLayer(inputSize: 2, outputSize: 2, weights: [1, 1, 1, -1], bias: [0, 0])),
        .relu,
        .affine(AffineLayer(inputSize: 2, outputSize: 1, weights: [1, 1], bias: [0])),
    ])
    private let box = try! Box(lower: [-1, -1], upper: [1, 1])
    private let specification = LinearSpecification(coefficients: [[1], [-1]], constants: [0, 3.5])
    /// The documented rounding margin of the linear bounds in this example.
    private let margin = 1e-14

    /// `actual` is a sound version of the hand value: on the safe side, within `margin`.
    private func assertLower(_ actual: [Double], _ hand: [Double], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, hand.count, file: file, line: line)
        for (a, h) in zip(actual, hand) {
            XCTAssertTrue(a <= h && h - a <= margin, "lower \(a) vs hand \(h)", file: file, line: line)
        }
    }

    private func assertUpper(_ actual: [Double], _ hand: [Double], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, hand.count, file: file, line: line)
        for (a, h) in zip(actual, hand) {
            XCTAssertTrue(a >= h && a - h <= margin, "upper \(a) vs hand \(h)", file: file, line: line)
        }
    }

    func testIntervalBoundsMatchHandDerivation() {
        let result = BoundPropagation.bounds(of: network, over: box, specification: specification, method: .interval)
        XCTAssertEqual(result.layerBounds.count, 4)
        XCTAssertEqual(result.layerBounds[0], LayerBounds(lower: [-1, -1], upper: [1, 1]))
        assertLower(result.layerBounds[1].lower, [-2, -2])
        assertUpper(result.layerBounds[1].upper, [2, 2])
        // ReLU of a slightly negative lower bound is exactly 0.
        XCTAssertEqual(result.layerBounds[2].lower, [0, 0])
        assertUpper(result.layerBounds[2].upper, [2, 2])
        assertLower(result.layerBounds[3].lower, [0])
        assertUpper(result.layerBounds[3].upper, [4])
        assertLower(result.specLower, [0, -0.5])
        XCTAssertEqual(result.preActivationBounds(ofLayer: 1), result.layerBounds[1])
    }

    func testReLURelaxationLinesMatchHandDerivation() {
        let lines = LinearRelaxation.lines(.relu, -2, 2, slope: .nan)
        XCTAssertEqual(lines.upperSlope, 0.5)
        XCTAssertEqual(lines.upperIntercept, 1)
        XCTAssertEqual(lines.lowerSlope, 1)
        XCTAssertEqual(lines.lowerIntercept, 0)
        // u < -l: the adaptive lower slope is 0.
        XCTAssertEqual(LinearRelaxation.lines(.relu, -3, 1, slope: .nan).lowerSlope, 0)
        // A provided slope is clamped into [0, 1].
        XCTAssertEqual(LinearRelaxation.lines(.relu, -3, 1, slope: 1.5).lowerSlope, 1)
        XCTAssertEqual(LinearRelaxation.lines(.relu, -3, 1, slope: 0.25).lowerSlope, 0.25)
    }

    func testLinearBoundsMatchHandDerivation() {
        for forward in [0, 64] {
            let result = BoundPropagation.bounds(of: network, over: box, specification: specification,
                                                 options: BoundOptions(forwardPassInputLimit: forward))
            // Pre-activation bounds: the first affine layer on the box, as IBP.
            assertLower(result.layerBounds[1].lower, [-2, -2])
            assertUpper(result.layerBounds[1].upper, [2, 2])
            XCTAssertEqual(result.layerBounds[2].lower, [0, 0])
            // Output: lower 0 from IBP, upper 3 from the linear bound.
            assertLower(result.outputBounds.lower, [0])
            assertUpper(result.outputBounds.upper, [3])
            // Row A: the interval bound 0 wins; the linear function is 2 x1 + 0.
            assertLower([result.specLower[0]], [0])
            XCTAssertEqual(result.inputCoefficients[0], [2, 0])
            assertLower([result.inputConstants[0]], [0])
            // Row B: the linear bound 0.5 wins; the linear function is -x1 + 1.5.
            assertLower([result.specLower[1]], [0.5])
            XCTAssertEqual(result.inputCoefficients[1], [-1, 0])
            assertLower([result.inputConstants[1]], [1.5])
        }
    }

    func testRobustnessMarginRows() {
        let spec = LinearSpecification.robustnessMargins(outputs: 3, trueClass: 1)
        XCTAssertEqual(spec.coefficients, [[-1, 1, 0], [0, 1, -1]])
        XCTAssertEqual(spec.constants, [0, 0])
        XCTAssertEqual(spec.evaluate([1, 5, 2]), [4, 3])
    }

    /// Clip and LeakyReLU relaxations on hand-checked intervals.
    func testClipAndLeakyRelaxationsMatchHandDerivation() {
        // clip[0, 1] on [-1, 3]: both kinks inside. Lower: constant 0 (area 0.5 + 2 = 2.5)
        // vs line through (0, 0), (3, 1) (slope 1/3, area 1/6 + 1 = 7/6): the line wins.
        // Upper: constant 1 (area 0.5 + 1 = 1.5) vs line through (-1, 0), (1, 1) (slope 0.5,
        // area 0.5 * 4 / 2 + 0.5 = 1.5): not smaller, the constant is kept.
        let clip = LinearRelaxation.lines(.clip(lower: 0, upper: 1), -1, 3, slope: .nan)
        XCTAssertEqual(clip.lowerSlope, 1.0 / 3.0)
        XCTAssertLessThanOrEqual(clip.lowerIntercept, 0)
        XCTAssertGreaterThanOrEqual(clip.lowerIntercept, -1e-15)
        XCTAssertEqual(clip.upperSlope, 0)
        XCTAssertEqual(clip.upperIntercept, 1)
        // leaky(0.5) on [-2, 4]: chord through (-2, -1), (4, 4): slope 5/6, intercept 2/3.
        let leaky = LinearRelaxation.lines(.leakyRelu(alpha: 0.5), -2, 4, slope: .nan)
        XCTAssertEqual(leaky.upperSlope, 5.0 / 6.0)
        XCTAssertGreaterThanOrEqual(leaky.upperIntercept, 2.0 / 3.0)
        XCTAssertLessThanOrEqual(leaky.upperIntercept, 2.0 / 3.0 + 1e-15)
        XCTAssertEqual(leaky.lowerSlope, 1)
        XCTAssertEqual(leaky.lowerIntercept, 0)
        // Stable cases are exact.
        let below = LinearRelaxation.lines(.leakyRelu(alpha: 0.5), -3, -1, slope: .nan)
        XCTAssertEqual([below.lowerSlope, below.lowerIntercept, below.upperSlope, below.upperIntercept], [0.5, 0, 0.5, 0])
        let inside = LinearRelaxation.lines(.clip(lower: -1, upper: 1), -0.5, 0.5, slope: .nan)
        XCTAssertEqual([inside.lowerSlope, inside.lowerIntercept, inside.upperSlope, inside.upperIntercept], [1, 0, 1, 0])
    }
}
