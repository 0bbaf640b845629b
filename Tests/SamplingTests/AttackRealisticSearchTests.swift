import Foundation
import Network
@testable import Sampling
import Solver
import XCTest

/// The experiment-level search on the shipped digits experiment. Sample 2 of class 1 has a
/// realistic adversarial example within eps 0.2 (1 -> 8; found by both attacks); every
/// returned pair is re-checked here from its two noises by the plain forward pass.
final class AttackRealisticSearchTests: XCTestCase {
    static let digits = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples/digits").path

    static let loaded: LoadedExperiment = {
        var experiment = try! Experiment.load(contentsOf: digits + "/experiment.json")
        experiment.samplesPerClass = 10
        return try! LoadedExperiment(experiment)
    }()

    func search(_ method: RealisticAttackMethod, target: AdversarialTarget = .anyOther, eps: Double = 0.2,
                start: Int = 2, samples: Int = 1) -> RealisticAdversarialSearch {
        var search = RealisticAdversarialSearch(classIndex: 1, target: target, method: method)
        search.eps = eps
        search.startSample = start
        search.samples = samples
        search.steps = 20
        search.restarts = 2
        search.seed = 3
        return search
    }

    /// The definition, checked independently of the search's own validation.
    func checkPair(_ pair: RealisticAdversarialPair, target: AdversarialTarget, file: StaticString = #filePath, line: UInt = #line) {
        let experiment = Self.loaded
        let x = experiment.noise(classIndex: 1, sampleIndex: pair.sampleIndex)
        XCTAssertEqual(pair.noise, x, file: file, line: line)
        let distance = zip(x, pair.adversarialNoise).map { abs($0 - $1) }.max()!
        XCTAssertEqual(pair.noiseDistance, distance, file: file, line: line)
        XCTAssertLessThanOrEqual(distance, pair.eps * (1 + 1e-12), file: file, line: line)
        let y = experiment.classifier.evaluate(experiment.generators[1]!.evaluate(x))
        let yPrime = experiment.classifier.evaluate(experiment.generators[1]!.evaluate(pair.adversarialNoise))
        XCTAssertEqual(y.argmax, 1, file: file, line: line)
        XCTAssertEqual(pair.logits, y, file: file, line: line)
        XCTAssertEqual(pair.adversarialLogits, yPrime, file: file, line: line)
        XCTAssertEqual(pair.image, experiment.image(classIndex: 1, noise: x), file: file, line: line)
        switch target {
        case .anyOther: XCTAssertTrue((0..<10).contains { $0 != 1 && yPrime[$0] >= yPrime[1] }, file: file, line: line)
        case .label(let t): XCTAssertTrue((0..<10).allSatisfy { $0 == t || yPrime[$0] < yPrime[t] }, file: file, line: line)
        }
    }

    func testBothMethodsFindTheKnownPairAndItReproduces() throws {
        for method in RealisticAttackMethod.allCases {
            guard case .found(let pair) = try search(method).run(Self.loaded) else { return XCTFail("\(method) missed sample 2") }
            checkPair(pair, target: .anyOther)
            XCTAssertEqual(pair.sampleIndex, 2)
            XCTAssertEqual(pair.samplesTried, 1)
            XCTAssertNotEqual(pair.adversarialPrediction, 1)
        }
        guard case .found(let targeted) = try search(.whitebox, target: .label(8)).run(Self.loaded) else { return XCTFail("target 8 missed") }
        checkPair(targeted, target: .label(8))
        XCTAssertEqual(targeted.adversarialPrediction, 8)
    }

    /// A sample's attack is seeded by its index: starting earlier visits samples 0 and 1 first
    /// and then finds exactly the same pair at sample 2.
    func testResultIsDeterministicAndIndependentOfTheStart() throws {
        guard case .found(var alone) = try search(.blackbox).run(Self.loaded),
              case .found(var again) = try search(.blackbox).run(Self.loaded),
              case .found(var fromZero) = try search(.blackbox, start: 0, samples: 3).run(Self.loaded) else {
            return XCTFail("missed sample 2")
        }
        XCTAssertEqual(fromZero.sampleIndex, 2)
        XCTAssertEqual(fromZero.samplesTried, 3)
        alone.seconds = 0; again.seconds = 0; fromZero.seconds = 0; fromZero.samplesTried = 1
        XCTAssertEqual(alone, again)
        XCTAssertEqual(alone, fromZero)
    }

    func testZeroRadiusFindsNothingAndCountsTheSamples() throws {
        for method in RealisticAttackMethod.allCases {
            var zero = search(method, eps: 0, start: 0, samples: 3)
            zero.steps = 3
            guard case let .notFound(tried, skipped, _, end) = try zero.run(Self.loaded) else { return XCTFail("eps 0 found a pair") }
            XCTAssertEqual(tried + skipped, 3)
            XCTAssertEqual(end, .samples)
        }
    }

    func testInvalidRequestsAreRejectedNamingTheField() {
        var sameTarget = search(.blackbox, target: .label(1))
        XCTAssertThrowsError(try sameTarget.run(Self.loaded)) { XCTAssertTrue("\($0)".contains("attack target")) }
        sameTarget.target = .label(10)
        XCTAssertThrowsError(try sameTarget.run(Self.loaded)) { XCTAssertTrue("\($0)".contains("does not exist")) }
        var missing = search(.whitebox)
        missing.classIndex = 11
        XCTAssertThrowsError(try missing.run(Self.loaded)) { XCTAssertTrue("\($0)".contains("attack class")) }
        var negative = search(.whitebox)
        negative.eps = -1
        XCTAssertThrowsError(try negative.run(Self.loaded)) { XCTAssertTrue("\($0)".contains("attack eps")) }
    }

    /// A forged pair whose x' is outside the box or still classified c never validates.
    func testValidationRejectsForgedPairs() {
        let x = Self.loaded.noise(classIndex: 1, sampleIndex: 2)
        func validated(_ xPrime: [Double], eps: Double) -> RealisticAdversarialPair? {
            RealisticAdversarialPair.validated(in: Self.loaded, classIndex: 1, target: .anyOther, method: .blackbox, eps: eps,
                                               sampleIndex: 2, noise: x, adversarialNoise: xPrime, samplesTried: 1,
                                               seconds: 0, effort: AttackEffort())
        }
        XCTAssertNil(validated(x, eps: 0.2), "x itself is classified 1")
        guard case .found(let pair) = try? search(.whitebox).run(Self.loaded) else { return XCTFail("missed sample 2") }
        XCTAssertNotNil(validated(pair.adversarialNoise, eps: 0.2))
        XCTAssertNil(validated(pair.adversarialNoise, eps: pair.noiseDistance / 2), "outside a smaller box")
    }
}
