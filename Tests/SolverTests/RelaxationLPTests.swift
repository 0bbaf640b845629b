import Encoding
@testable import Solver
import XCTest

final class RelaxationLPTests: XCTestCase {
    /// On the box [0, 1]^2, the rows `x0 + x1 - 3 <= 0` and `-x0 + 0.5 <= 0` are jointly
    /// satisfiable (x0 = 1), while adding `x0 - 0.25 <= 0` makes them infeasible (x0 >= 0.5
    /// and x0 <= 0.25).
    func testLPDecidesJointFeasibility() throws {
        let solver = try ExactLeafSolver()
        let box = try Box(lower: [0, 0], upper: [1, 1])
        let feasible = [([1.0, 1.0], -3.0), ([-1.0, 0.0], 0.5)]
        XCTAssertFalse(solver.relaxationExcludes(box: box, rows: feasible.map { ($0.0, $0.1) }))
        let infeasible = feasible + [([1.0, 0.0], -0.25)]
        XCTAssertTrue(solver.relaxationExcludes(box: box, rows: infeasible.map { ($0.0, $0.1) }))
    }
}
