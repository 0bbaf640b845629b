import XCTest
import Encoding
@testable import Solver

final class Z3ErrorTests: XCTestCase {
    /// An invalid numeral sets Z3's error code; the funnel throws instead of exit(1), and
    /// the context stays usable.
    func testInvalidCallBecomesSwiftError() throws {
        let context = try Z3Context()
        XCTAssertThrowsError(try context._numeralForTesting("abc")) { error in
            guard case Z3Error.call(let function, let code, let message)? = error as? Z3Error else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(function, "Z3_mk_numeral")
            XCTAssertNotEqual(code, 0)
            XCTAssertFalse(message.isEmpty)
            XCTAssertTrue((error as! Z3Error).description.contains("Z3_mk_numeral"))
        }
        XCTAssertEqual(try context._numeralForTesting("1/2"), "1/2")
    }

    /// `Z3_solver_from_string` leaves the solver empty on a parse error, and an empty solver
    /// answers sat; the wrapper must throw instead.
    func testSMTLIBParseErrorsThrow() throws {
        let context = try Z3Context()
        for text in ["(assert (> y 1))",                          // undeclared
                     "(declare-const x Real)\n(assert (> x 1)",   // unbalanced
                     "(declare-const x Real)\n(assert (> x 1e-5))", // exponent notation
                     "(declare-const x Real)\n(assert (and x 1))"] {  // sort error
            XCTAssertThrowsError(try context.solve(smtlib2: text), text) { error in
                guard case Z3Error.parse? = error as? Z3Error else { return XCTFail("\(text): \(error)") }
            }
        }
        let ok = try context.solve(smtlib2: "(declare-const x Real)\n(assert (> x 1))\n(assert (< x 1))\n(check-sat)")
        XCTAssertEqual(ok.outcome, .unsat)
    }
}
