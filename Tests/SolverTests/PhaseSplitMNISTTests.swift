import Encoding
import Foundation
import Network
@testable import Solver
import XCTest

/// Two VNN-COMP 2021 `mnistfc` instances (784 inputs, 512 ReLUs; Tests/Fixtures/vnncomp/mnistfc)
/// whose published verdicts every complete verifier agreed on: an oracle independent of our
/// code. Input splitting alone decides neither in 30 s; the ReLU-phase engine decides both in
/// seconds (release). Fails if the phase engine is not used (`engine = .input`: UNKNOWN at
/// the node budget) or if a split drops its constraint (the unsat instance's sub-problems
/// would not close, or a wrong proof would contradict the `sat` one).
final class PhaseSplitMNISTTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/vnncomp/mnistfc")

    /// `unsat` when every query holds, `sat` when a query's counterexample satisfies the
    /// exact VNN-LIB property (``VNNLibProperty/confirmedViolation(network:candidate:)``).
    func decide(_ vnnlib: String) throws -> String {
        let network = try ONNXLoader.load(contentsOf: Self.root.appendingPathComponent("mnist-net_256x2.onnx").path)
        let property = try VNNLibParser.parse(contentsOf: Self.root.appendingPathComponent(vnnlib).path,
                                              expectedInputs: network.inputSize, expectedOutputs: network.outputSize)
        var configuration = QueryConfiguration()
        configuration.phaseSplit.engine = .phase
        configuration.limits.maxNodes = 2_000
        configuration.limits.timeLimit = 600
        let solver = try QuerySolver(configuration: configuration)
        var answer = "unsat"
        for query in try VNNLibQueries.queries(for: property, network: network) {
            let result = solver.solve(query)
            switch result.verdict {
            case .holds: continue
            case .violated(let counterexample):
                XCTAssertNotNil(property.confirmedViolation(network: network, candidate: counterexample.input),
                                "\(vnnlib): the counterexample does not satisfy the exact property")
                return "sat"
            case .violatedUnconfirmed, .unknown:
                answer = "unknown \(result.verdict) \(result.statistics)"
            }
        }
        return answer
    }

    func testPhaseEngineDecidesQuickMNISTInstances() throws {
        let expected = try String(contentsOf: Self.root.appendingPathComponent("expected.csv"), encoding: .utf8)
        var checked = 0
        for line in expected.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: ",").map(String.init)
            XCTAssertEqual(try decide(fields[1]), fields[3], line.description)
            checked += 1
        }
        XCTAssertEqual(checked, 2)
    }
}
