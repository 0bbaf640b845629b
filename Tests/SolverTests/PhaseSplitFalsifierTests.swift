import Encoding
import Network
@testable import Solver
import Support
import XCTest

/// The phase engine's falsifier (``PhaseSplitFalsifier``): it finds a counterexample region
/// far too small for random sampling, it never reports a candidate that the exact check
/// rejects, and its answer does not depend on the thread count.
final class PhaseSplitFalsifierTests: XCTestCase {
    /// `n` inputs in `[-1, 1]^n`; hidden units `h_{2i} = relu(x_i - a_i)`,
    /// `h_{2i+1} = relu(a_i - x_i)` (so `h_{2i} + h_{2i+1} = |x_i - a_i|`), outputs
    /// `y_0 = Σ h`, `y_1 = r`. The unsafe set `y_0 - y_1 <= 0` is the L1 ball
    /// `||x - a||_1 <= r` around `a_i = 0.3 · (-1)^i`: for `n = 10`, `r = 0.5` its volume is
    /// `(2r)^n / n! = 1 / 3,628,800`, a fraction `2.7e-10` of the box (volume `2^10`), and no
    /// box vertex lies in it (each vertex has `||x - a||_1 >= 10 · 0.7`).
    static func l1BallQuery(n: Int = 10, radius r: Double = 0.5) throws -> SafetyQuery {
        let a = (0..<n).map { $0 % 2 == 0 ? 0.3 : -0.3 }
        var first = [[Double]]()
        var bias = [Double]()
        for i in 0..<n {
            var plus = [Double](repeating: 0, count: n), minus = plus
            plus[i] = 1
            minus[i] = -1
            first += [plus, minus]
            bias += [-a[i], a[i]]
        }
        let network = try NeuralNetwork(inputShape: [n], layers: [
            AttackFixtures.affine(first, bias), .relu,
            AttackFixtures.affine([[Double](repeating: 1, count: 2 * n), [Double](repeating: 0, count: 2 * n)], [0, r]),
        ])
        let property = OutputProperty(outputCount: 2, disjuncts: [[OutputAtom(coefficients: [1, -1], constant: 0)]])
        return SafetyQuery(network: network, box: try Box(lower: Array(repeating: -1, count: n), upper: Array(repeating: 1, count: n)),
                           property: property)
    }

    /// The phase engine alone (no whole-box attack, no Z3, a small node budget), so that
    /// only the falsifier can find a counterexample; `wholeBox`/`nodes` switch its two parts.
    static func falsifierOnly(enabled: Bool, wholeBox: Bool = true, nodes: Bool = true) -> QueryConfiguration {
        var configuration = QueryConfiguration()
        configuration.attack.useAttack = false
        configuration.leaves.useSMT = false
        configuration.limits.maxNodes = 200
        configuration.phaseSplit.engine = .phase
        configuration.phaseSplit.falsifier.enabled = enabled
        if !wholeBox { configuration.phaseSplit.falsifier.targets = 0 }
        if !nodes { configuration.phaseSplit.falsifier.nodeSteps = 0 }
        return configuration
    }

    func testFalsifierFindsSmallL1BallThatSamplingMisses() throws {
        let query = try Self.l1BallQuery()
        // Oracle for "small": 20,000 uniform points of the box all lie outside the ball.
        var rng = SplitMix64(seed: 7)
        for _ in 0..<20_000 {
            let x = RandomSearchAttack.uniformPoint(in: query.box, using: &rng)
            XCTAssertNil(query.property.violatedDisjunct(query.network.evaluate(x)))
        }
        // The whole-box descent alone, and the sub-problems' descents alone (from every open
        // node: the ball is a needle that no minimiser comes near on the bounds' scale), each
        // find it.
        for (wholeBox, nodes) in [(true, false), (false, true)] {
            var configuration = Self.falsifierOnly(enabled: true, wholeBox: wholeBox, nodes: nodes)
            configuration.phaseSplit.falsifier.nodeDescentRatio = .infinity
            let result = try QuerySolver(configuration: configuration).solve(query)
            guard case .violated(let found) = result.verdict else {
                return XCTFail("whole box \(wholeBox), nodes \(nodes): expected violated, got \(result.verdict)")
            }
            // The witness, checked independently: the float L1 distance with a margin for rounding.
            let a = (0..<10).map { $0 % 2 == 0 ? 0.3 : -0.3 }
            let distance = zip(found.input, a).map { abs($0 - $1) }.reduce(0, +)
            XCTAssertLessThanOrEqual(distance, 0.5 + 1e-12)
            XCTAssertTrue(query.box.contains(found.input))
            XCTAssertNotNil(CounterexampleCheck.check(query, point: found.input, source: .attack))
        }
        // Control: the same search without the falsifier finds nothing within its budget.
        let control = try QuerySolver(configuration: Self.falsifierOnly(enabled: false)).solve(query)
        if case .violated = control.verdict { XCTFail("the control must depend on the falsifier") }
        // The default ratio lets no descent start here (every minimiser scores far above the
        // depth of its node's bound): the sub-problems' descents alone find nothing, and take
        // no step.
        let screened = try QuerySolver(configuration: Self.falsifierOnly(enabled: true, wholeBox: false)).solve(query)
        if case .violated = screened.verdict { XCTFail("no descent should start at the default ratio") }
        XCTAssertEqual(screened.statistics.falsifier.steps, 0)
    }

    /// `z_0 = x + 2^-60`, `z_1 = x`, `z_2 = z_3 = x - 0.75` on `x ∈ [0.5, 1]`, ReLU, and
    /// `y_0 = h_0 + h_2`, `y_1 = h_1 + h_3`. Exactly `y_0 - y_1 = 2^-60 > 0` everywhere: the
    /// property holds. In floating point `x + 2^-60` rounds to `x` (ulp(x) >= 2^-53), so
    /// `y_0 - y_1 = 0` and every point "reaches" the unsafe set `y_0 - y_1 <= 0`: each one is a
    /// candidate that the exact check must reject. `z_2`, `z_3` are unstable with separate
    /// relaxations, so the root bounds cannot prove it and the search (with its falsifier)
    /// runs; Z3 proves the leaves.
    func testFloatOnlyCandidatesNeverYieldViolated() throws {
        let tiny = 0x1p-60
        let network = try NeuralNetwork(inputShape: [1], layers: [
            AttackFixtures.affine([[1], [1], [1], [1]], [tiny, 0, -0.75, -0.75]), .relu,
            AttackFixtures.affine([[1, 0, 1, 0], [0, 1, 0, 1]], [0, 0]),
        ])
        let property = OutputProperty(outputCount: 2, disjuncts: [[OutputAtom(coefficients: [1, -1], constant: 0)]])
        let query = SafetyQuery(network: network, box: try Box(lower: [0.5], upper: [1]), property: property)
        XCTAssertNotNil(property.violatedDisjunct(network.evaluate([0.75])), "float pass must see a (false) violation")
        XCTAssertNil(CounterexampleCheck.check(query, point: [0.75], source: .attack), "exact check must reject it")
        let falsifier = PhaseSplitFalsifier(query: query, options: FalsifierOptions())
        var effort = FalsifierEffort()
        XCTAssertNil(falsifier.wholeBox(minimisers: [0: [1]], expired: { false }, effort: &effort))
        XCTAssertNil(falsifier.descend(disjunct: 0, from: [0.6], steps: 20, expired: { false }, effort: &effort))
        XCTAssertGreaterThan(effort.candidates, 1)
        XCTAssertGreaterThan(effort.steps, 0)
        var configuration = QueryConfiguration()
        configuration.phaseSplit.engine = .phase
        let result = try QuerySolver(configuration: configuration).solve(query)
        guard case .holds = result.verdict else { return XCTFail("expected holds, got \(result.verdict)") }
    }

    /// The filter before the exact check of a sub-problem's bound minimisers
    /// (``PhaseSplitPreparation/isNearlyUnsafe(_:)``): outputs in the unsafe set `y_0 - y_1 <= 0`
    /// and outputs within `1e-6 (1 + max |y|)` of it pass, outputs clearly outside do not.
    func testOnlyNearlyUnsafeMinimisersGoToTheExactCheck() throws {
        let query = try Self.l1BallQuery()
        let preparation = PhaseSplitPreparation(query: query, specification: LinearSpecification(coefficients: [[1, -1]], constants: [0]),
                                                rows: [0..<1])
        XCTAssertTrue(preparation.isNearlyUnsafe([0.4, 0.5]))
        XCTAssertTrue(preparation.isNearlyUnsafe([0.5, 0.5]))
        XCTAssertTrue(preparation.isNearlyUnsafe([0.5 + 1e-9, 0.5]))
        XCTAssertTrue(preparation.isNearlyUnsafe([1000 + 1e-4, 1000]))
        XCTAssertFalse(preparation.isNearlyUnsafe([0.5 + 1e-5, 0.5]))
        XCTAssertFalse(preparation.isNearlyUnsafe([0.6, 0.5]))
    }

    /// Same verdict and witness on 1 and 4 search threads: on the L1 ball and on random small
    /// networks with random boxes (the falsifier's starts come from the query's seed, its
    /// budgets are step counts).
    func testVerdictAndWitnessDoNotDependOnThreads() throws {
        var queries = [try Self.l1BallQuery(), try Self.l1BallQuery(n: 6, radius: 0.3)]
        var rng = SplitMix64(seed: 1_313)
        while queries.count < 30 {
            let network = AttackFixtures.randomNetwork(&rng)
            guard network.layers.contains(where: { if case .relu = $0 { return true } else { return false } }) else { continue }
            let center = (0..<network.inputSize).map { _ in Double.random(in: -1...1, using: &rng) }
            let radius = Double.random(in: 0.05...0.5, using: &rng)
            let box = try Box(lower: center.map { $0 - radius }, upper: center.map { $0 + radius })
            let y = network.evaluate(box.center)
            let trueClass = y.indices.max { y[$0] < y[$1] }!
            queries.append(SafetyQuery(network: network, box: box,
                                       property: .misclassification(outputCount: network.outputSize, trueClass: trueClass)))
        }
        var violated = 0
        for query in queries {
            var answers: [Verdict] = []
            for threads in [1, 4] {
                var configuration = Self.falsifierOnly(enabled: true)
                configuration.leaves.useSMT = true
                configuration.search.searchThreads = threads
                answers.append(try QuerySolver(configuration: configuration).solve(query).verdict)
            }
            XCTAssertEqual(answers[0].label, answers[1].label)
            if case .violated(let first) = answers[0], case .violated(let second) = answers[1] {
                XCTAssertEqual(first.input, second.input)
                violated += 1
            }
        }
        XCTAssertGreaterThan(violated, 3, "the sample must exercise counterexamples")
    }

    /// A witness that only a random start finds: the L1 ball of radius 0.5 around
    /// `(0.3, -0.3)` in `[-1, 1]^2` (an eighth of the box; neither the centre, at distance 0.6,
    /// nor a vertex lies in it) with steps too short to move (`α_0 = 1e-9` of the width), so
    /// the counterexample is the first seeded uniform start inside the ball. Two runs on
    /// different thread counts must return the same point: the starts come from the query's
    /// seed, not from time or threads.
    func testRandomStartsComeFromTheQuerysSeed() throws {
        let query = try Self.l1BallQuery(n: 2, radius: 0.5)
        var witnesses: [[Double]] = []
        for threads in [1, 4] {
            var configuration = Self.falsifierOnly(enabled: true, nodes: false)
            configuration.phaseSplit.falsifier.initialStep = 1e-9
            configuration.phaseSplit.falsifier.restarts = 40
            configuration.search.searchThreads = threads
            let result = try QuerySolver(configuration: configuration).solve(query)
            guard case .violated(let found) = result.verdict else { return XCTFail("expected violated, got \(result.verdict)") }
            witnesses.append(found.input)
        }
        XCTAssertEqual(witnesses[0], witnesses[1])
    }

    /// The statistics count the falsifier's work: on, it finds the L1 ball with nonzero
    /// candidates and steps; off, it takes no step and the search does not find it.
    func testStatisticsCountTheFalsifiersEffort() throws {
        let query = try Self.l1BallQuery()
        let on = try QuerySolver(configuration: Self.falsifierOnly(enabled: true)).solve(query)
        guard case .violated = on.verdict else { return XCTFail("expected violated, got \(on.verdict)") }
        XCTAssertTrue(on.statistics.falsifierFound)
        XCTAssertGreaterThan(on.statistics.falsifier.candidates, 0)
        XCTAssertGreaterThan(on.statistics.falsifier.steps, 0)
        let off = try QuerySolver(configuration: Self.falsifierOnly(enabled: false)).solve(query)
        XCTAssertFalse(off.statistics.falsifierFound)
        XCTAssertEqual(off.statistics.falsifier.steps, 0)
        XCTAssertGreaterThan(off.statistics.falsifier.candidates, 0, "the bound minimisers are still checked")
    }

    /// With the falsifier on, the phase engine skips the escalated whole-box attack; off, the
    /// attack runs at ``AttackSettings/escalateAfterNodes`` and finds the L1 ball (no whole-box
    /// attack step, no falsifier descent, and no box vertex in the ball, so only the
    /// escalated attack can).
    func testEscalatedAttackRunsOnlyWithoutTheFalsifier() throws {
        let query = try Self.l1BallQuery()
        func run(falsifier: Bool) throws -> QueryResult {
            var configuration = Self.falsifierOnly(enabled: falsifier, wholeBox: false, nodes: false)
            configuration.attack.useAttack = true
            configuration.attack.wholeBox = AttackConfiguration(restarts: 0, steps: 0)
            configuration.attack.escalatedAttack = AttackConfiguration(restarts: 64, steps: 100, seed: 11)
            configuration.attack.escalateAfterNodes = 1
            configuration.limits.maxNodes = 20
            return try QuerySolver(configuration: configuration).solve(query)
        }
        let without = try run(falsifier: false)
        guard case .violated = without.verdict else { return XCTFail("expected the escalated attack to find it, got \(without.verdict)") }
        XCTAssertTrue(without.statistics.escalatedAttackFound)
        let with = try run(falsifier: true)
        XCTAssertFalse(with.statistics.escalatedAttackFound)
        if case .violated = with.verdict { XCTFail("with the falsifier on (and doing nothing here) no attack may run") }
    }
}
