import Encoding
import Foundation
import Network
@testable import Solver
import Support
import XCTest

/// Verdicts on compositions whose merges would round (issue 15, item 1), checked against the
/// UNMERGED layers evaluated in exact arithmetic: the generator, the adapter and the
/// classifier kept apart, as the user wrote them.
///
/// - ROBUST: every corner of the box and random points inside it are classified as the class
///   (strict margin) by the exact unmerged evaluation;
/// - NOT ROBUST: the counterexample lies in the box and the exact unmerged evaluation does
///   not classify it as the class.
///
/// Weights mix magnitudes (`1e-16` beside `1`) and non-dyadic decimals (`0.1`, `0.3`), so the
/// products and sums of a merge are inexact; the family also keeps many near-ties, where a
/// rounded merge flips verdicts (the reproduction of the issue is one member).
final class InexactMergeVerdictTests: XCTestCase {
    private static let pool: [Double] = [0.1, -0.1, 0.3, -0.7, 1, -1, 10, 3, 1e-16, -1e-16, 0.5, 0]

    private func randomLayer(_ inputs: Int, _ outputs: Int, using rng: inout SplitMix64) -> AffineLayer {
        let weights = (0..<(inputs * outputs)).map { _ in Self.pool[Int(rng.next() % UInt64(Self.pool.count))] }
        let bias = (0..<outputs).map { _ in Self.pool[Int(rng.next() % UInt64(Self.pool.count))] * (rng.next() % 2 == 0 ? 1 : 1e-16) }
        return AffineLayer(inputSize: inputs, outputSize: outputs, weights: weights, bias: bias)
    }

    private func exactClass(_ network: NeuralNetwork, _ input: [Double]) throws -> Classification {
        let outputs = try XCTUnwrap(network.evaluateExactly(input))
        return Classification(scores: outputs)
    }

    func testVerdictsAgreeWithTheExactUnmergedNetwork() throws {
        var rng = SplitMix64(seed: 15_001)
        var robust = 0, violated = 0, inexactMerges = 0
        for trial in 0..<120 {
            let noise = 1 + Int(rng.next() % 2), pixels = 2 + Int(rng.next() % 2), classes = 2 + Int(rng.next() % 2)
            var generatorLayers: [Layer] = [.affine(randomLayer(noise, pixels, using: &rng))]
            if rng.next() % 2 == 0 {
                generatorLayers += [.relu, .affine(randomLayer(pixels, pixels, using: &rng))]
            }
            let generator = try NeuralNetwork(inputShape: [noise], layers: generatorLayers)
            let classifier = try NeuralNetwork(inputShape: [pixels], layers: [.affine(randomLayer(pixels, classes, using: &rng))])
            let adapter: Adapter? = rng.next() % 2 == 0
                ? Adapter(scale: [0.5, 0.1, 1][Int(rng.next() % 3)], shift: [0.5, 0.3, 1e-16][Int(rng.next() % 3)]) : nil

            let composed = try NeuralNetwork.composing(classifier: classifier, after: generator, adapter: adapter)
            var unmergedLayers = generator.layers
            if let adapter { unmergedLayers.append(.affine(try adapter.affineLayer(size: pixels))) }
            unmergedLayers += classifier.layers
            let unmerged = try NeuralNetwork(inputShape: [noise], layers: unmergedLayers)
            if composed.layers.count > generatorLayers.count { inexactMerges += 1 }

            let center = (0..<noise).map { _ in Double(Int(rng.next() % 9) - 4) * 0.5 }
            let radius = [0.25, 1, 3][Int(rng.next() % 3)]
            let box = try Box.linf(center: center, radius: radius)
            let trueClass = Int(rng.next() % UInt64(classes))
            let property = OutputProperty.misclassification(outputCount: classes, trueClass: trueClass)
            var configuration = QueryConfiguration()
            configuration.attack.useAttack = trial % 2 == 0
            let result = try QuerySolver(configuration: configuration)
                .solve(SafetyQuery(network: composed, box: box, property: property))
            let context = "trial \(trial): centre \(center), radius \(radius), class \(trueClass), layers \(unmerged.layers)"
            switch result.verdict {
            case .holds:
                robust += 1
                var points: [[Double]] = []
                for corner in 0..<(1 << noise) {
                    points.append((0..<noise).map { (corner >> $0) & 1 == 1 ? box.upper[$0] : box.lower[$0] })
                }
                for _ in 0..<16 {
                    var point: [Double] = []
                    for i in 0..<noise {
                        let fraction = Double(rng.next() % 1025) / 1024
                        point.append(box.lower[i] + (box.upper[i] - box.lower[i]) * fraction)
                    }
                    point = zip(point, box.upper).map { min($0, $1) }
                    points.append(point)
                }
                for point in points {
                    XCTAssertEqual(try exactClass(unmerged, point), .class(trueClass), "ROBUST, yet \(point) is not the class; \(context)")
                }
            case .violated(let counterexample), .violatedUnconfirmed(let counterexample):
                violated += 1
                XCTAssertTrue(box.contains(counterexample.input), "counterexample outside the box; \(context)")
                XCTAssertNotEqual(try exactClass(unmerged, counterexample.input), .class(trueClass),
                                  "NOT ROBUST, yet the counterexample \(counterexample.input) is the class; \(context)")
            case .unknown:
                continue
            }
        }
        // The family must exercise both verdicts and merges that are refused as inexact.
        XCTAssertGreaterThan(robust, 10)
        XCTAssertGreaterThan(violated, 10)
        XCTAssertGreaterThan(inexactMerges, 10)
    }
}
