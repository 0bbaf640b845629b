import Encoding
import Network
@testable import Solver
import Support
import XCTest

/// The white-box attack's gradient of the goal score `s(f(x))` (the gradient of the active
/// atom, from our reverse pass) against central finite differences
/// `(s(x + h e_i) - s(x - h e_i)) / 2h`.
///
/// Tolerance reasoning: on a piecewise-linear network, when every ReLU-like unit stays on
/// the same side of its kink at `x - h e_i`, `x` and `x + h e_i`, and the active atom is the
/// same, `s` is affine on that segment and the difference quotient equals the derivative up
/// to rounding: `|error| <~ 4 u |s| / h` with `u = 2^-53`, about `1e-9` for `|s| ~ 10`,
/// `h = 1e-6`. Segments that cross a kink (or switch the active atom) have no derivative to
/// compare with and are skipped, counted, and required to be rare. For tanh / sigmoid nets
/// the quotient's truncation error is `h² |s'''| / 6`, so `h = 1e-4` and `1e-6` are used.
final class AttackGradientTests: XCTestCase {
    /// Compares along every input axis at `x`; returns (checked, skipped).
    func compare(_ network: NeuralNetwork, _ goal: AttackGoal, at x: [Double], h: Double, tolerance: Double,
                 piecewise: Bool, file: StaticString = #filePath, line: UInt = #line) -> (Int, Int) {
        let outputs = network.evaluate(x)
        guard let atom = goal.activeAtom(outputs) else { return (0, 1) }
        let gradient = network.valueAndGradient(at: x, outputWeights: atom.coefficients).gradient
        XCTAssertEqual(network.valueAndGradient(at: x, outputWeights: atom.coefficients).value + atom.constant,
                       goal.score(outputs), accuracy: 1e-12, file: file, line: line)
        var checked = 0, skipped = 0
        for i in 0..<x.count {
            var plus = x, minus = x
            plus[i] += h
            minus[i] -= h
            let yPlus = network.evaluate(plus), yMinus = network.evaluate(minus)
            if piecewise {
                let pattern = AttackFixtures.activationPattern(network, x)
                guard AttackFixtures.activationPattern(network, plus) == pattern,
                      AttackFixtures.activationPattern(network, minus) == pattern,
                      goal.activeAtom(yPlus) == atom, goal.activeAtom(yMinus) == atom else {
                    skipped += 1
                    continue
                }
            }
            let quotient = (goal.score(yPlus) - goal.score(yMinus)) / (2 * h)
            XCTAssertEqual(gradient[i], quotient, accuracy: tolerance * max(1, abs(quotient)),
                           "axis \(i) at \(x)", file: file, line: line)
            checked += 1
        }
        return (checked, skipped)
    }

    func testMarginGradientOfDigitsCompositionsMatchesFiniteDifferences() throws {
        var rng = SplitMix64(seed: 11)
        var checked = 0, skipped = 0
        for c in [0, 3, 7] {
            let network = try AttackFixtures.digitsNetwork(c)
            for target in [nil, (c + 1) % 10] {
                let goal = target.map { AttackGoal.target(outputCount: 10, target: $0) }
                    ?? .misclassification(outputCount: 10, trueClass: c)
                for _ in 0..<4 {
                    let x = (0..<6).map { _ in Double.random(in: -2...2, using: &rng) }
                    let (a, b) = compare(network, goal, at: x, h: 1e-6, tolerance: 1e-6, piecewise: true)
                    checked += a
                    skipped += b
                }
            }
        }
        XCTAssertGreaterThan(checked, 8 * skipped, "most axes must avoid kinks (checked \(checked), skipped \(skipped))")
    }

    func testGradientOfRandomPiecewiseLinearNetsMatchesFiniteDifferences() {
        var rng = SplitMix64(seed: 12)
        var checked = 0, skipped = 0
        for _ in 0..<60 {
            let network = AttackFixtures.randomNetwork(&rng)
            let x = (0..<network.inputSize).map { _ in Double.random(in: -1...1, using: &rng) }
            let goal = Bool.random(using: &rng)
                ? AttackGoal.misclassification(outputCount: 3, trueClass: Int.random(in: 0..<3, using: &rng))
                : AttackGoal.target(outputCount: 3, target: Int.random(in: 0..<3, using: &rng))
            let (a, b) = compare(network, goal, at: x, h: 1e-6, tolerance: 1e-6, piecewise: true)
            checked += a
            skipped += b
        }
        XCTAssertGreaterThan(checked, 4 * skipped, "checked \(checked), skipped \(skipped)")
    }

    func testGradientOfRandomSmoothNetsMatchesFiniteDifferences() {
        var rng = SplitMix64(seed: 13)
        var checked = 0
        for _ in 0..<40 {
            let network = AttackFixtures.randomNetwork(&rng, smooth: true)
            let x = (0..<network.inputSize).map { _ in Double.random(in: -1...1, using: &rng) }
            let outputs = network.evaluate(x)
            // Keep away from the kink of the max: the runner-up atom must be clearly lower.
            let c = outputs.argmax
            let goal = AttackGoal.misclassification(outputCount: 3, trueClass: c)
            let gaps = (0..<3).filter { $0 != c }.map { outputs[$0] }.sorted()
            guard gaps[1] - gaps[0] > 1e-3 else { continue }
            checked += compare(network, goal, at: x, h: 1e-4, tolerance: 1e-6, piecewise: false).0
        }
        XCTAssertGreaterThan(checked, 40)
    }
}
