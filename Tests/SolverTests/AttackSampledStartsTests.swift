import Encoding
import Network
@testable import Solver
import Support
import XCTest

/// The two options of the gradient attack that `verify vnnlib` uses: starts taken from the
/// best of many uniform samples, and steps that shrink over each start.
final class AttackSampledStartsTests: XCTestCase {
    /// `y0 = relu(x0 - 0.95)`, `y1 = 0.01` on `[0, 1]^2`: class 0 wins (strictly) only where
    /// `x0 > 0.96`, 4% of the box. Everywhere else the ReLU is off, so the gradient at the
    /// centre is zero and projected gradient cannot move from there.
    static let plateau = try! NeuralNetwork(inputShape: [2], layers: [
        AttackFixtures.affine([[1, 0]], [-0.95]), .relu,
        AttackFixtures.affine([[1], [0]], [0, 0.01]),
    ])

    /// `y0 = -|x0 - 0.3437|`, `y1 = -0.002`: class 0 wins only in the band `|x0 - 0.3437| < 0.002`.
    /// Fixed sign steps of `2.5 / 40 = 0.0625` from the centre 0.5 land on 0.375 and 0.3125 and
    /// oscillate between them (0.031 from the band); shrinking steps settle into it.
    static let band = try! NeuralNetwork(inputShape: [2], layers: [
        AttackFixtures.affine([[1, 0], [-1, 0]], [-0.3437, 0.3437]), .relu,
        AttackFixtures.affine([[-1, -1], [0, 0]], [0, -0.002]),
    ])

    static let unit = try! Box(lower: [0, 0], upper: [1, 1])

    private func check(_ outcome: AttackOutcome, _ network: NeuralNetwork, _ goal: AttackGoal,
                       file: StaticString = #filePath, line: UInt = #line) {
        guard case .found(let point, let outputs, _) = outcome else {
            return XCTFail("expected a point, got \(outcome)", file: file, line: line)
        }
        XCTAssertTrue(Self.unit.contains(point), file: file, line: line)
        XCTAssertEqual(outputs, network.evaluate(point), file: file, line: line)
        XCTAssertTrue(goal.isReached(network.evaluate(point)), file: file, line: line)
    }

    func testSampledStartsReachARegionWithoutGradient() {
        let goal = AttackGoal.target(outputCount: 2, target: 0)
        let centreOnly = GradientAttack.search(network: Self.plateau, box: Self.unit, goal: goal,
                                               configuration: AttackConfiguration(restarts: 1, steps: 40))
        XCTAssertNil(centreOnly.point, "the centre has no gradient: the plain attack cannot move")
        let sampled = GradientAttack.search(network: Self.plateau, box: Self.unit, goal: goal,
                                            configuration: AttackConfiguration(restarts: 2, steps: 40, samples: 256))
        check(sampled, Self.plateau, goal)
        if case .found(let point, _, _) = sampled { XCTAssertGreaterThan(point[0], 0.96) }
    }

    func testShrinkingStepsSettleIntoANarrowBand() {
        let goal = AttackGoal.target(outputCount: 2, target: 0)
        let fixed = GradientAttack.search(network: Self.band, box: Self.unit, goal: goal,
                                          configuration: AttackConfiguration(restarts: 1, steps: 40))
        XCTAssertNil(fixed.point, "fixed steps oscillate around the band")
        let shrinking = GradientAttack.search(network: Self.band, box: Self.unit, goal: goal,
                                              configuration: AttackConfiguration(restarts: 1, steps: 40, decay: true))
        check(shrinking, Self.band, goal)
    }

    /// The split search's one escalated attack: with the whole-box and node attacks reduced to
    /// a look at the centre, the escalated one (sampled starts) decides the query at node 1,
    /// and its counterexample reproduces; without it the verdict is the same, found otherwise.
    func testEscalatedAttackRunsOnceTheSearchHasBoundedEnoughNodes() throws {
        let query = SafetyQuery(network: Self.plateau, box: Self.unit,
                                property: .misclassification(outputCount: 2, trueClass: 1))
        var configuration = QueryConfiguration()
        configuration.attack.wholeBox = AttackConfiguration(restarts: 1, steps: 0)
        configuration.attack.nodeAttack = AttackConfiguration(restarts: 1, steps: 0)
        configuration.attack.escalateAfterNodes = 1
        configuration.attack.escalatedAttack = AttackConfiguration(restarts: 2, steps: 10, samples: 256)
        let escalated = try QuerySolver(configuration: configuration).solve(query)
        XCTAssertTrue(escalated.statistics.escalatedAttackFound)
        XCTAssertEqual(escalated.statistics.nodes, 1)
        guard case .violated(let counterexample) = escalated.verdict else { return XCTFail("\(escalated.verdict)") }
        XCTAssertGreaterThanOrEqual(Self.plateau.evaluate(counterexample.input)[0], 0.01)

        configuration.attack.escalatedAttack = nil
        let plain = try QuerySolver(configuration: configuration).solve(query)
        XCTAssertFalse(plain.statistics.escalatedAttackFound)
        XCTAssertEqual(plain.verdict.label, escalated.verdict.label)
        XCTAssertFalse(String(describing: configuration).contains("escalate"),
                       "unset, the new fields stay out of the experiment identity text")
    }

    /// The attack's text is part of the experiment identity (version 1): with `samples` and
    /// `decay` off it leaves them out, as results files hashed before they existed do.
    func testConfigurationTextIsUnchangedWhileTheNewOptionsAreOff() {
        XCTAssertEqual(String(reflecting: AttackConfiguration()),
                       "Solver.AttackConfiguration(restarts: 4, steps: 40, seed: 24301, stepSize: nil)")
        let text = String(reflecting: QueryConfiguration.vnnlibAttack)
        XCTAssertTrue(text.contains("samples: 8192") && text.contains("decay: true"), text)
    }

    /// The escalated attack's restarts run on several threads once their starts are sampled:
    /// the outcome (point, outputs, effort) must be exactly the one-thread outcome, found or
    /// not. Random narrow bands `|x0 - c| < w` (class 0 wins there) and random networks.
    func testParallelRestartsReturnTheOneThreadOutcome() throws {
        var rng = SplitMix64(seed: 515)
        var foundLate = 0, exhausted = 0
        for trial in 0..<200 {
            let network: NeuralNetwork, box: Box
            if trial % 2 == 0 {
                let c = Double.random(in: 0.05...0.95, using: &rng), w = Double.random(in: 0.002...0.02, using: &rng)
                network = try NeuralNetwork(inputShape: [2], layers: [
                    AttackFixtures.affine([[1, 0], [-1, 0]], [-c, c]), .relu,
                    AttackFixtures.affine([[-1, -1], [0, 0]], [0, -w]),
                ])
                box = Self.unit
            } else {
                network = AttackFixtures.randomNetwork(&rng)
                let center = (0..<network.inputSize).map { _ in Double.random(in: -1...1, using: &rng) }
                box = try Box.linf(center: center, radius: [0.05, 0.3, 1].randomElement(using: &rng)!)
            }
            let goal = AttackGoal.target(outputCount: network.outputSize, target: 0)
            let configuration = AttackConfiguration(restarts: 12, steps: 5, seed: UInt64(trial), samples: trial % 4 == 1 ? 1_300 : 11,
                                                    decay: true)
            let one = GradientAttack.search(network: network, box: box, goal: goal, configuration: configuration)
            for threads in [2, 5] {
                let many = GradientAttack.search(network: network, box: box, goal: goal, configuration: configuration,
                                                 threads: threads)
                XCTAssertEqual(one, many, "trial \(trial), \(threads) threads")
            }
            if case .found(_, _, let effort) = one, effort.restarts > 1 { foundLate += 1 }
            if case .exhausted = one { exhausted += 1 }
        }
        XCTAssertGreaterThan(foundLate, 5, "some points must be found after the first restart")
        XCTAssertGreaterThan(exhausted, 5, "some searches must use every restart")
    }
}
