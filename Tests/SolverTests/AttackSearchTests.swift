import Encoding
import Network
@testable import Solver
import Support
import XCTest

/// The attacks (gradient with sign or Adam steps, random search) on networks whose adversarial regions are known, their postconditions on
/// random networks and the digits models, determinism, and their use in the pipeline.
final class AttackSearchTests: XCTestCase {
    /// The hand-made network (inputs x0, x1; outputs y0, y1, y2):
    ///
    /// ```
    /// y0 = 1.5                      (class 0, constant)
    /// y1 = relu(x0) + relu(x1)
    /// y2 = relu(-x0) + relu(x1) - 0.3
    /// ```
    ///
    /// On the box [-0.9, 1.1]^2 (centre (0.1, 0.1), classified 0): "any" is reached exactly
    /// where y1 >= 1.5 or y2 >= 1.5, a corner region near (1.1, 1.1) or (-0.9, 1.1); target 2
    /// exactly where y2 > 1.5 and y2 > y1, i.e. the triangle x0 < 0, x1 - x0 > 1.8 of area
    /// 0.02 (0.5% of the box). On the box [-0.4, 0.6]^2 neither can happen: y1 <= 1.2, y2 <= 0.7.
    static let corner = try! NeuralNetwork(inputShape: [2], layers: [
        AttackFixtures.affine([[1, 0], [0, 1], [-1, 0], [0, 0]], [0, 0, 0, 1]), .relu,
        AttackFixtures.affine([[0, 0, 0, 1.5], [1, 1, 0, 0], [0, 1, 1, 0]], [0, 0, -0.3]),
    ])

    static func analytic(_ x: [Double]) -> [Double] {
        let r = { (v: Double) in max(v, 0) }
        return [1.5, r(x[0]) + r(x[1]), r(-x[0]) + r(x[1]) - 0.3]
    }

    typealias Attack = @Sendable (NeuralNetwork, Box, AttackGoal, UInt64) -> AttackOutcome

    static let gradient: Attack = { network, box, goal, seed in
        GradientAttack.search(network: network, box: box, goal: goal,
                              configuration: AttackConfiguration(restarts: 8, steps: 40, seed: seed))
    }
    /// The gradient attack with Adam steps (``AttackStepRule/adam``).
    static let adam: Attack = { network, box, goal, seed in
        GradientAttack.search(network: network, box: box, goal: goal,
                              configuration: AttackConfiguration(restarts: 8, steps: 40, seed: seed, rule: .adam))
    }
    static let random: Attack = { network, box, goal, seed in
        RandomSearchAttack.search(network: network, box: box, goal: goal,
                                  configuration: RandomSearchConfiguration(restarts: 8, steps: 60, seed: seed))
    }
    /// The gradient attack with its descents in float32 (as `verify attack` runs it on large networks).
    static let gradient32: Attack = { network, box, goal, seed in
        GradientAttack.search(network: network, box: box, goal: goal,
                              configuration: AttackConfiguration(restarts: 8, steps: 40, seed: seed), float32: Float32BatchPass(network))
    }
    /// The random search scoring its candidates in float32 (as `verify attack` runs it on large networks).
    static let random32: Attack = { network, box, goal, seed in
        RandomSearchAttack.search(network: network, box: box, goal: goal,
                                  configuration: RandomSearchConfiguration(restarts: 8, steps: 60, seed: seed),
                                  float32: Float32BatchPass(network))
    }

    func testBothAttacksFindTheKnownRegionsOfTheHandMadeNetwork() throws {
        let box = try Box.linf(center: [0.1, 0.1], radius: 1)
        XCTAssertEqual(Self.corner.evaluate([0.1, 0.1]), Self.analytic([0.1, 0.1]))
        for (name, attack) in [("gradient", Self.gradient), ("adam", Self.adam), ("random", Self.random), ("random32", Self.random32), ("gradient32", Self.gradient32)] {
            for seed: UInt64 in [1, 2, 3] {
                guard case .found(let x, _, _) = attack(Self.corner, box, .misclassification(outputCount: 3, trueClass: 0), seed) else {
                    return XCTFail("\(name) seed \(seed): missed the 'any' region")
                }
                let y = Self.analytic(x)
                XCTAssertTrue(y[1] >= 1.5 || y[2] >= 1.5, "\(name): \(x) is not in the analytic region")
                guard case .found(let t, _, _) = attack(Self.corner, box, .target(outputCount: 3, target: 2), seed) else {
                    return XCTFail("\(name) seed \(seed): missed the target-2 triangle")
                }
                XCTAssertTrue(t[0] < 0 && t[1] - t[0] > 1.8, "\(name): \(t) is not in the analytic triangle")
            }
        }
    }

    func testBothAttacksFindNothingWhereNothingExists() throws {
        let box = try Box.linf(center: [0.1, 0.1], radius: 0.5)
        for attack in [Self.gradient, Self.adam, Self.random, Self.random32, Self.gradient32] {
            for goal in [AttackGoal.misclassification(outputCount: 3, trueClass: 0), .target(outputCount: 3, target: 1)] {
                guard case .exhausted(let effort) = attack(Self.corner, box, goal, 7) else { return XCTFail("found the impossible") }
                XCTAssertEqual(effort.restarts, 8)
            }
        }
    }

    /// A tie is reached for "any" (the pipeline's convention) but not for a target.
    func testTiesCountForAnyButNotForATarget() {
        XCTAssertTrue(AttackGoal.misclassification(outputCount: 3, trueClass: 0).isReached([1, 1, 0]))
        XCTAssertFalse(AttackGoal.target(outputCount: 3, target: 1).isReached([1, 1, 0]))
        XCTAssertTrue(AttackGoal.target(outputCount: 3, target: 1).isReached([1, 1.5, 0]))
        XCTAssertFalse(AttackGoal.misclassification(outputCount: 3, trueClass: 0).isReached([1.5, 1, 0]))
    }

    /// Every `.found` lies in the box and reproduces in the single-input forward pass.
    func checkPostconditions(_ outcome: AttackOutcome, _ network: NeuralNetwork, _ box: Box, _ goal: AttackGoal,
                             file: StaticString = #filePath, line: UInt = #line) -> Bool {
        guard case .found(let x, let outputs, _) = outcome else { return false }
        XCTAssertTrue(box.contains(x), file: file, line: line)
        XCTAssertEqual(network.evaluate(x), outputs, file: file, line: line)
        XCTAssertTrue(goal.isReached(network.evaluate(x)), file: file, line: line)
        if goal.strict { XCTAssertEqual(outputs.filter { $0 == outputs.max()! }.count, 1, "target must win alone", file: file, line: line) }
        return true
    }

    func testEveryReturnedPointIsValidatedOnRandomNetworks() throws {
        var rng = SplitMix64(seed: 21)
        var found = [0, 0, 0, 0, 0]
        for trial in 0..<50 {
            let network = AttackFixtures.randomNetwork(&rng)
            let center = (0..<network.inputSize).map { _ in Double.random(in: -1...1, using: &rng) }
            let box = try Box.linf(center: center, radius: [0.05, 0.3, 1].randomElement(using: &rng)!)
            let c = network.evaluate(center).argmax
            let goals = [AttackGoal.misclassification(outputCount: 3, trueClass: c), .target(outputCount: 3, target: (c + 1) % 3)]
            for goal in goals {
                for (index, attack) in [Self.gradient, Self.adam, Self.random, Self.random32, Self.gradient32].enumerated()
                where checkPostconditions(attack(network, box, goal, UInt64(trial)), network, box, goal) {
                    found[index] += 1
                }
            }
        }
        XCTAssertGreaterThan(found[0] + found[2], 25, "the sample must exercise found points")
        XCTAssertGreaterThan(found[1], 10, "the sample must exercise points found by Adam steps")
        XCTAssertGreaterThan(found[3], 10, "the sample must exercise points proposed by float32 scores")
        XCTAssertGreaterThan(found[4], 10, "the sample must exercise points found by float32 descents")
    }

    func testEveryReturnedPointIsValidatedOnTheDigitsModels() throws {
        var found = 0
        // Near (rounded) sample 2 of class 1 of the digits experiment, classified 1 with
        // margin ~0.08 over 8; the other classes at random centres and a wide radius.
        let near = [-0.35612, 1.2414, 0.95571, 1.1832, -2.3046, -0.59947]
        for c in 0..<10 {
            let network = try AttackFixtures.digitsNetwork(c)
            var rng = SplitMix64(seed: UInt64(c))
            let center = c == 1 ? near : (0..<6).map { _ in Double.random(in: -1.5...1.5, using: &rng) }
            let box = try Box.linf(center: center, radius: c == 1 ? 0.05 : 0.8)
            let goal = AttackGoal.misclassification(outputCount: 10, trueClass: network.evaluate(center).argmax)
            let small = AttackConfiguration(restarts: 2, steps: 15, seed: 5)
            if checkPostconditions(GradientAttack.search(network: network, box: box, goal: goal, configuration: small), network, box, goal) { found += 1 }
            if checkPostconditions(GradientAttack.search(network: network, box: box, goal: goal, configuration: small,
                                                         float32: Float32BatchPass(network)), network, box, goal) { found += 1 }
            let smallRandom = RandomSearchConfiguration(restarts: 2, steps: 15, seed: 5)
            if checkPostconditions(RandomSearchAttack.search(network: network, box: box, goal: goal, configuration: smallRandom), network, box, goal) { found += 1 }
            if checkPostconditions(RandomSearchAttack.search(network: network, box: box, goal: goal, configuration: smallRandom,
                                                             float32: Float32BatchPass(network)), network, box, goal) { found += 1 }
        }
        XCTAssertGreaterThanOrEqual(found, 4, "at least the class-1 box must be attacked successfully by all four")
    }

    func testAttacksAreDeterministicForASeed() throws {
        let box = try Box.linf(center: [0.1, 0.1], radius: 1)
        let goal = AttackGoal.target(outputCount: 3, target: 2)
        for attack in [Self.gradient, Self.adam, Self.random, Self.random32, Self.gradient32] {
            XCTAssertEqual(attack(Self.corner, box, goal, 9), attack(Self.corner, box, goal, 9))
        }
        var rng = SplitMix64(seed: 4)
        let network = AttackFixtures.randomNetwork(&rng)
        let wide = try Box.linf(center: [Double](repeating: 0, count: network.inputSize), radius: 2)
        let any = AttackGoal.misclassification(outputCount: 3, trueClass: 0)
        XCTAssertEqual(Self.random(network, wide, any, 3), Self.random(network, wide, any, 3))
        XCTAssertEqual(Self.random32(network, wide, any, 3), Self.random32(network, wide, any, 3))
    }

    /// The pipeline with each attack choice: the random attack decides the corner query by
    /// itself, and the verdict kinds agree with the default on the digits models.
    func testPipelineAttackChoicesKeepVerdicts() throws {
        XCTAssertEqual(QueryConfiguration().attack.attackMethod, .gradient)
        var onlyAttack = QueryConfiguration()
        onlyAttack.bounds.useInterval = false
        onlyAttack.bounds.useLinear = false
        onlyAttack.search.useSplit = false
        onlyAttack.leaves.useSMT = false
        onlyAttack.attack.attackMethod = .random
        let corner = SafetyQuery(network: Self.corner, box: try Box.linf(center: [0.1, 0.1], radius: 1),
                                 property: .misclassification(outputCount: 3, trueClass: 0))
        let result = try QuerySolver(configuration: onlyAttack).solve(corner)
        guard case .violated(let counterexample) = result.verdict else { return XCTFail("random attack step missed: \(result.verdict)") }
        XCTAssertEqual(counterexample.source, .attack)

        let network = try AttackFixtures.digitsNetwork(1)
        var rng = SplitMix64(seed: 31)
        for _ in 0..<6 {
            let center = (0..<6).map { _ in Double.random(in: -1.5...1.5, using: &rng) }
            let query = SafetyQuery(network: network, box: try Box.linf(center: center, radius: 0.2),
                                    property: .misclassification(outputCount: 10, trueClass: network.evaluate(center).argmax))
            let reference = try QuerySolver().solve(query).verdict.label
            for method in [AttackMethod.random, .both] {
                var configuration = QueryConfiguration()
                configuration.attack.attackMethod = method
                XCTAssertEqual(try QuerySolver(configuration: configuration).solve(query).verdict.label, reference)
            }
        }
    }
}
