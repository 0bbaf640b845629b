import Foundation
@testable import Sampling
import XCTest

/// The `--paper` preset of the realistic adversarial search: the paper's Algorithm 2 budget
/// (N_step = 16 sign steps of alpha = eps / N_step from the sample's own noise) and the
/// black-box budget chosen to match it, and a preset search that finds a pair on the shipped
/// digits experiment (6 noise dimensions), re-checked by the plain forward pass.
final class AttackPaperPresetTests: XCTestCase {
    func testPresetSetsExactlyThePapersBudget() {
        let white = RealisticAdversarialSearch.paper(classIndex: 3, target: .label(5), method: .whitebox)
        XCTAssertEqual(white.steps, 16)
        XCTAssertEqual(white.restarts, 1)
        XCTAssertNil(white.stepSize)
        // alpha = eps / N_step: 0.2 / 16 = 0.0125 and 0.05 / 16 = 0.003125, both exact in binary.
        XCTAssertEqual(white.gradientStepSize(eps: 0.2), 0.0125)
        XCTAssertEqual(white.gradientStepSize(eps: 0.05), 0.003125)
        let black = RealisticAdversarialSearch.paper(classIndex: 3, method: .blackbox)
        XCTAssertEqual(black.steps, 16)
        XCTAssertEqual(black.restarts, 1)
        XCTAssertEqual(black.candidates, 8)
        // Everything else stays the plain search's.
        var plain = RealisticAdversarialSearch(classIndex: 3, target: .label(5), method: .whitebox)
        plain.steps = 16
        plain.restarts = 1
        XCTAssertEqual(white.classIndex, plain.classIndex)
        XCTAssertEqual(white.target, plain.target)
        XCTAssertEqual(white.samples, plain.samples)
        XCTAssertEqual(white.startSample, plain.startSample)
        XCTAssertEqual(white.seed, plain.seed)
        XCTAssertNil(white.eps)
        XCTAssertNil(white.seconds)
    }

    /// The preset keeps a step size set before it out: alpha follows eps.
    func testPresetClearsAnEarlierStepSize() {
        var search = RealisticAdversarialSearch(classIndex: 1, method: .whitebox)
        search.stepSize = 0.5
        search.applyPaperPreset()
        XCTAssertEqual(search.gradientStepSize(eps: 0.32), 0.02)
    }

    /// Sample 2 of digits class 1 has a pair within eps 0.2 (1 -> 8); both preset attacks find
    /// one there, and the pair is re-derived here from its two noises.
    func testPresetSearchFindsAConfirmedPairOnTheDigitsExperiment() throws {
        let loaded = AttackRealisticSearchTests.loaded
        for method in RealisticAttackMethod.allCases {
            var search = RealisticAdversarialSearch.paper(classIndex: 1, method: method)
            search.eps = 0.2
            search.startSample = 2
            search.samples = 1
            guard case .found(let pair) = try search.run(loaded) else { return XCTFail("\(method) with the paper preset missed sample 2") }
            let x = loaded.noise(classIndex: 1, sampleIndex: 2)
            XCTAssertEqual(pair.noise, x)
            XCTAssertLessThanOrEqual(zip(x, pair.adversarialNoise).map { abs($0 - $1) }.max()!, 0.2)
            let generator = loaded.generators[1]!
            XCTAssertEqual(loaded.classifier.evaluate(generator.evaluate(x)).argmax, 1)
            let yPrime = loaded.classifier.evaluate(generator.evaluate(pair.adversarialNoise))
            XCTAssertTrue((0..<10).contains { $0 != 1 && yPrime[$0] >= yPrime[1] }, "\(method): x' still classified 1")
            // One start of at most 16 steps: 16 gradients (white box); black box: 1 forward pass at x,
            // then per step 8 candidates and at most one confirming pass: 1 + 16·9.
            switch method {
            case .whitebox: XCTAssertLessThanOrEqual(pair.gradients, 16)
            case .blackbox: XCTAssertLessThanOrEqual(pair.evaluations, 1 + 16 * 9)
            }
        }
    }
}
