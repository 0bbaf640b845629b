import Encoding
import Foundation
import Network
import Solver
import XCTest

/// Published VNN-COMP verdicts (Tests/Fixtures/vnncomp, copied from the VNN-COMP 2021
/// repository): every verifier agreed on them, so they are an oracle independent of our code.
final class VNNCompInstanceTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/vnncomp")

    /// Runs every query of an instance: "sat" when one is violated (counterexample checked
    /// against the VNN-LIB constraints in the float forward pass), "unsat" when all hold.
    func decide(_ onnx: String, _ vnnlib: String, configuration: QueryConfiguration = QueryConfiguration()) throws -> String {
        let network = try ONNXLoader.load(contentsOf: Self.root.appendingPathComponent(onnx).path)
        let property = try VNNLibParser.parse(contentsOf: Self.root.appendingPathComponent(vnnlib).path,
                                              expectedInputs: network.inputSize, expectedOutputs: network.outputSize)
        let solver = try QuerySolver(configuration: configuration)
        var answer = "unsat"
        for query in try VNNLibQueries.queries(for: property, network: network) {
            switch solver.solve(query).verdict {
            case .holds: continue
            case .violated(let counterexample):
                XCTAssertTrue(property.isViolated(inputs: counterexample.input, outputs: counterexample.outputs),
                              "\(onnx) \(vnnlib): counterexample does not violate the property when re-run")
                XCTAssertTrue(query.box.contains(counterexample.input))
                return "sat"
            case .violatedUnconfirmed, .unknown:
                answer = "unknown"
            }
        }
        return answer
    }

    func testVNNCompTestInstancesMatchTheirExpectedVerdicts() throws {
        let expected = try String(contentsOf: Self.root.appendingPathComponent("vnncomp-test/expected.csv"), encoding: .utf8)
        for line in expected.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: ",").map(String.init)
            let verdict = try decide("vnncomp-test/" + fields[0], "vnncomp-test/" + fields[1])
            XCTAssertEqual(verdict, fields[3], line.description)
        }
        // test_small has no published verdict; it must at least be decided.
        XCTAssertNotEqual(try decide("vnncomp-test/test_small.onnx", "vnncomp-test/test_small.vnnlib"), "unknown")
    }

    /// A handful of ACAS Xu instances that are quick even in a debug build (the rest are in
    /// Benchmarks/: release builds only).
    func testQuickACASXuInstances() throws {
        let cases = [
            ("ACASXU_run2a_1_1_batch_2000.onnx", "prop_1.vnnlib", "unsat"),
            ("ACASXU_run2a_1_7_batch_2000.onnx", "prop_3.vnnlib", "sat"),
            ("ACASXU_run2a_1_8_batch_2000.onnx", "prop_4.vnnlib", "sat"),
        ]
        let expected = try String(contentsOf: Self.root.appendingPathComponent("acasxu/expected.csv"), encoding: .utf8)
        for (onnx, vnnlib, verdict) in cases {
            XCTAssertTrue(expected.contains("\(onnx),\(vnnlib),116,\(verdict)"), "fixture list changed: \(onnx) \(vnnlib)")
            XCTAssertEqual(try decide("acasxu/" + onnx, "acasxu/" + vnnlib), verdict, "\(onnx) \(vnnlib)")
        }
    }
}
