import Encoding
import Network
@testable import Solver
import XCTest

/// The input engine with its attacks off (`--disable attack`): only Z3 leaves can show a
/// counterexample, so a violated query must send its leaves to Z3 as it meets them.
final class InputEngineWithoutAttackTests: XCTestCase {
    /// Digits class 1 around (rounded) sample 2 at eps 0.2: the centre is classified 1, the box
    /// is not robust (`verify attack` finds a pair in 10 forward passes), and its centre is no
    /// counterexample. With its exact leaves put off until the rest of the tree was done, the
    /// search split around the unsafe region until the node budget ran out (UNKNOWN after
    /// 2,000 and after 200,000 nodes); now the first leaf's Z3 model is the counterexample,
    /// checked here in exact arithmetic.
    func testViolatedDigitsBoxIsDecidedByAZ3LeafWithoutAttacks() throws {
        let network = try AttackFixtures.digitsNetwork(1)
        let centre = [-0.35612, 1.2414, 0.95571, 1.1832, -2.3046, -0.59947]
        XCTAssertEqual(network.evaluate(centre).argmax, 1)
        let box = try Box.linf(center: centre, radius: 0.2)
        var configuration = QueryConfiguration()
        configuration.phaseSplit.engine = .input
        configuration.attack.useAttack = false
        configuration.limits.maxNodes = 2_000
        let query = SafetyQuery(network: network, box: box, property: .misclassification(outputCount: 10, trueClass: 1))
        let result = try QuerySolver(configuration: configuration).solve(query)
        guard case .violated(let counterexample) = result.verdict else { return XCTFail("\(result.verdict.label)") }
        XCTAssertEqual(counterexample.source, .smt)
        XCTAssertTrue(box.contains(counterexample.input))
        let y = try XCTUnwrap(network.evaluateExactly(counterexample.input))
        XCTAssertTrue((0..<10).contains { $0 != 1 && y[$0] >= y[1] }, "the exact outputs \(y) keep class 1")
    }
}
