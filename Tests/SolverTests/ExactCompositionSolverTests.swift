import Encoding
import Foundation
import Network
@testable import Solver
import XCTest

/// The solver decides the exact composition `C ∘ G` (issue 15, item 1): a merge in
/// round-to-nearest would store the weight `fl(10 * 0.1d) - 1 = 0` and prove ROBUST.
final class ExactCompositionSolverTests: XCTestCase {
    /// Generator `x -> (0.1 x, x)`, classifier `y -> (10 y0 - y1, 1e-16)`. Exactly,
    /// `C(G(x))_0 = x (10 * 0.1d - 1) = x 2^-54`, which exceeds `1e-16d` for `x > 1.8014`:
    /// class 0 there, class 1 for smaller x. The float forward pass agrees at x = 3.5
    /// (`10 fl(0.35) - 3.5 = 4.4e-16`). Box [-2.5, 3.5] around the centre 0.5 (class 1).
    func testReproductionIsNotRobustWithEveryStepOnOrOff() throws {
        let generator = try JSONNetworkFormat.parse(data: Data(
            #"{"input_shape":[1],"layers":[{"type":"dense","weights":[[0.1],[1]],"bias":[0,0]}]}"#.utf8), fileName: "gen.json")
        let classifier = try JSONNetworkFormat.parse(data: Data(
            #"{"input_shape":[2],"layers":[{"type":"dense","weights":[[10,-1],[0,0]],"bias":[0,1e-16]}]}"#.utf8), fileName: "cls.json")
        let network = try NeuralNetwork.composing(classifier: classifier, after: generator)
        let box = try Box.linf(center: [0.5], radius: 3)
        let property = OutputProperty.misclassification(outputCount: 2, trueClass: 1)
        var noAttack = QueryConfiguration()
        noAttack.attack.useAttack = false
        var z3Only = noAttack
        z3Only.bounds.useLinear = false
        z3Only.search.useSplit = false
        z3Only.bounds.useRelaxationLP = false
        for configuration in [QueryConfiguration(), noAttack, z3Only] {
            let result = try QuerySolver(configuration: configuration)
                .solve(SafetyQuery(network: network, box: box, property: property))
            switch result.verdict {
            case .violated(let counterexample):
                XCTAssertGreaterThan(counterexample.input[0], 1.8)
            default:
                XCTFail("expected a confirmed counterexample, got \(result.verdict); \(result.steps)")
            }
        }
    }
}
