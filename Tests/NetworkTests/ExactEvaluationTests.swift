import Foundation
import Network
import XCTest

/// The exact dyadic arithmetic, the strict classification, the sound float error bound and
/// the float32 pass. Oracles: integer arithmetic on scaled values, hand derivations in the
/// comments, and the exact pass itself for the error bound (checked against integers first).
final class ExactEvaluationTests: XCTestCase {
    /// `a = k1 2^e1`, `b = k2 2^e2` with `|k| < 2^20`, `|e| <= 10`: `2^20 (a + b)` is an
    /// integer below 2^51, so `Double(n) 2^-20` is the exact sum, and `a b` is exact in Double.
    func testDyadicSumsAndProductsMatchIntegerArithmetic() {
        var rng = SeededGenerator(seed: 11)
        for _ in 0..<2_000 {
            let k1 = Int.random(in: -(1 << 20)...(1 << 20), using: &rng), k2 = Int.random(in: -(1 << 20)...(1 << 20), using: &rng)
            let e1 = Int.random(in: -10...10, using: &rng), e2 = Int.random(in: -10...10, using: &rng)
            let a = Double(k1) * pow(2, Double(e1)), b = Double(k2) * pow(2, Double(e2))
            let scaledSum = k1 * (1 << (e1 + 20)) + k2 * (1 << (e2 + 20))
            XCTAssertEqual(ExactDyadic(a) + ExactDyadic(b), ExactDyadic(Double(scaledSum) * 0x1p-20), "\(a) + \(b)")
            XCTAssertEqual(ExactDyadic(a) - ExactDyadic(b), ExactDyadic(a) + ExactDyadic(-b))
            XCTAssertEqual(ExactDyadic(a) * ExactDyadic(b), ExactDyadic(a * b), "\(a) * \(b)")
            XCTAssertEqual(ExactDyadic(a) < ExactDyadic(b), a < b)
        }
    }

    /// Values no Double holds: `1 + 2^-60 > 1`, `(2^53 - 1)^2` (printed by Python), subnormals.
    func testDyadicBeyondDoublePrecision() {
        let one = ExactDyadic(1), tiny = ExactDyadic(0x1p-60)
        XCTAssertTrue(one < one + tiny)
        XCTAssertEqual((one + tiny) - one, tiny)
        XCTAssertEqual((one + tiny).approximateDouble, 1)
        let big = ExactDyadic(0x1p53 - 1)
        XCTAssertEqual((big * big).description, "81129638414606663681390495662081")
        let least = Double.leastNonzeroMagnitude
        XCTAssertEqual(ExactDyadic(least) + ExactDyadic(least), ExactDyadic(2 * least))
        XCTAssertEqual((ExactDyadic(least) * ExactDyadic(0x1p-1074)).signum, 1, "no underflow")
        XCTAssertEqual(ExactDyadic(-0.0), .zero)
        XCTAssertEqual((ExactDyadic(3) - ExactDyadic(3)).signum, 0)
        XCTAssertEqual(ExactDyadic(-0.375).description, "-3*2^-3")
    }

    /// Strict rule: a tie is no class; NaN is never beaten and never beats.
    func testClassificationIsStrict() {
        XCTAssertEqual(Classification(scores: [2.0, 2.0]), .tie([0, 1]))
        XCTAssertEqual(Classification(scores: [1.0, 3.0, 2.0]), .class(1))
        XCTAssertEqual(Classification(scores: [1.0, 3.0, 3.0]), .tie([1, 2]))
        XCTAssertEqual(Classification(scores: [Double.nan, 1.0, 0.0]), .tie([0, 1]))
        XCTAssertEqual(Classification(scores: [5.0]), .class(0))
        XCTAssertEqual(Classification(scores: [0.7, 0.1, 0.7, 0.2]).description, "TIE(0,2)")
        XCTAssertFalse(Classification.tie([0, 1]).isClass(0))
    }

    /// `y = (x + 2^-60, x)`: at `x = 1` the float pass rounds `1 + 2^-60` to 1 (a tie), the
    /// exact outputs differ by `2^-60 > 0`: class 0. `y = (x, x)` is an exact tie.
    func testCheckedClassificationUsesExactArithmeticNearTies() throws {
        let near = try NeuralNetwork(inputShape: [1], layers: [
            .affine(AffineLayer(inputSize: 1, outputSize: 2, weights: [1, 1], bias: [0x1p-60, 0])),
        ])
        XCTAssertEqual(Classification(scores: near.evaluate([1])), .tie([0, 1]), "the float pass ties")
        XCTAssertEqual(near.checkedClassification([1]), .decided(.class(0), .exactArithmetic))
        // Far from a tie, the error bound decides alone.
        XCTAssertEqual(near.checkedClassification([0x1p-70]), .decided(.class(0), .errorBound))
        let equal = try NeuralNetwork(inputShape: [1], layers: [
            .affine(AffineLayer(inputSize: 1, outputSize: 2, weights: [1, 1], bias: [0, 0])), .relu,
        ])
        XCTAssertEqual(equal.checkedClassification([0.3]), .decided(.tie([0, 1]), .exactArithmetic))
        XCTAssertEqual(equal.checkedClassification([-0.3]), .decided(.tie([0, 1]), .exactArithmetic))
    }

    /// Soundness of ``PointEnclosure``: `|exact - value| <= error` on random networks built for
    /// cancellation (weights of mixed magnitudes, 0.1-like decimals), the exact outputs from
    /// the exact pass.
    func testEnclosureContainsExactOutputs() throws {
        var rng = SeededGenerator(seed: 5)
        let magnitudes = [1e-8, 0.1, 0.3, 1, 7, 1e8]
        for trial in 0..<200 {
            var layers: [Layer] = []
            var width = Int.random(in: 1...4, using: &rng)
            let inputSize = width
            for depth in 0..<3 {
                let next = depth == 2 ? 3 : Int.random(in: 2...6, using: &rng)
                let weights = (0..<(width * next)).map { _ in
                    magnitudes.randomElement(using: &rng)! * (Bool.random(using: &rng) ? 1 : -1) * Double.random(in: 0.5...1.5, using: &rng)
                }
                let bias = (0..<next).map { _ in Double.random(in: -1...1, using: &rng) }
                layers.append(.affine(AffineLayer(inputSize: width, outputSize: next, weights: weights, bias: bias)))
                if depth < 2 { layers.append([Layer.relu, .leakyRelu(alpha: 0.1), .clip(lower: -0.5, upper: 2)].randomElement(using: &rng)!) }
                width = next
            }
            let network = try NeuralNetwork(inputShape: [inputSize], layers: layers)
            let input = (0..<inputSize).map { _ in Double.random(in: -2...2, using: &rng) }
            let enclosure = network.enclosure(input)
            XCTAssertEqual(enclosure.values, network.evaluate(input), "same floats as the forward pass")
            let exact = try XCTUnwrap(network.evaluateExactly(input))
            for (k, y) in exact.enumerated() where enclosure.errors[k].isFinite {
                let distance = y - ExactDyadic(enclosure.values[k])
                let e = ExactDyadic(enclosure.errors[k])
                XCTAssertTrue(-e <= distance && distance <= e, "trial \(trial) output \(k): \(distance) vs \(e)")
            }
        }
    }

    /// A clip with crossed bounds (`lower = 0.4 > upper = 0.2`) is `min(max(x, 0.4), 0.2) = 0.2`
    /// for every `x` in the float pass (and ONNX); the exact pass must agree (it returned 0.4
    /// for `x < 0.4` when it tested the lower bound last).
    func testCrossedClipIsItsUpperBoundInTheExactPass() throws {
        let network = try NeuralNetwork(inputShape: [1], layers: [.clip(lower: 0.4, upper: 0.2)])
        for x in [-1.0, 0.3, 0.5] {
            XCTAssertEqual(network.evaluate([x]), [0.2])
            XCTAssertEqual(network.evaluateExactly([x]), [ExactDyadic(0.2)])
        }
    }

    /// `y = (x + 2^-30, x)` at `x = 1`: float64 holds `1 + 2^-30` (class 0); float32 rounds
    /// it to 1 (ulp 2^-23): a tie. The float32 pass must show the disagreement.
    func testFloat32PassRoundsLikeFloat32() throws {
        let network = try NeuralNetwork(inputShape: [1], layers: [
            .affine(AffineLayer(inputSize: 1, outputSize: 2, weights: [1, 1], bias: [0x1p-30, 0])),
        ])
        XCTAssertEqual(network.evaluate([1]), [1 + 0x1p-30, 1])
        XCTAssertEqual(network.evaluateFloat32([1]), [1, 1])
        XCTAssertEqual(Classification(scores: network.evaluateFloat32([1])), .tie([0, 1]))
        // The input is rounded to Float too: 1 + 2^-40 becomes 1.
        XCTAssertEqual(network.evaluateFloat32([1 + 0x1p-40]), [1, 1])
        // Activations run in Float: relu, clip, tanh.
        let activations = try NeuralNetwork(inputShape: [3], layers: [.relu, .clip(lower: -1, upper: 0.5), .tanh])
        XCTAssertEqual(activations.evaluateFloat32([-2, 0.25, 3]), [0, Float32Tanh.value(0.25), Float32Tanh.value(0.5)])
    }
}
