import XCTest
import Encoding
@testable import Solver

/// The first test to fail when libz3 is missing or broken.
final class Z3SmokeTests: XCTestCase {
    func testHalfIsExceededBySomeReal() throws {
        let context = try Z3Context()
        let result = try context.solve(smtlib2: "(declare-const x Real)\n(assert (> x (/ 1 2)))\n(check-sat)\n")
        guard case .sat(let model) = result.outcome else { return XCTFail("expected sat, got \(result.outcome)") }
        let x = try XCTUnwrap(model.values["x"])
        XCTAssertGreaterThan(x.double, 0.5)
        XCTAssertFalse(Z3Context.version.isEmpty)
    }

    func testSystemWithBoundsIsSolvedWithExactModel() throws {
        var system = PiecewiseLinearSystem()
        let x = system.addReal("x", lower: 0.1, upper: 0.1)
        let y = system.addReal("y", lower: -1, upper: 1)
        // y = 3 x  (exactly 3 * 0.1's rational, not 0.3)
        system.add(.init(.init(terms: [.init(1, y), .init(-3, x)]), .equal))
        system.inputs = [x]
        system.outputs = [y]
        let result = try Z3Context().solve(system)
        guard case .sat(let model) = result.outcome else { return XCTFail("\(result.outcome)") }
        XCTAssertEqual(model.inputs[0].exact, ExactRational(0.1))
        XCTAssertEqual(model.outputs[0].exact.fractionString, "10808639105689191/36028797018963968")
        XCTAssertEqual(model.outputs[0].double, 3 * 0.1)  // 3·0.1's exact value rounds to the same double here
        XCTAssertTrue(model.outputs[0].decimal.hasPrefix("0.3000000000000000166"))
    }

    func testEmptyDisjunctionIsUnsat() throws {
        var system = PiecewiseLinearSystem()
        _ = system.addReal("x", lower: 0, upper: 1)
        system.add(PiecewiseLinearSystem.Disjunction(clauses: []))
        XCTAssertEqual(try Z3Context().solve(system).outcome, .unsat)
    }
}
