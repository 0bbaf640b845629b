import XCTest
import Encoding
@testable import Solver

final class Z3NumeralTests: XCTestCase {
    /// Assert `x = d`, read the model back: Z3's rational must be the exact dyadic value of
    /// `d` and its nearest double `d` itself (the brief's list plus extremes).
    func testDoublesRoundTripThroughZ3Exactly() throws {
        let context = try Z3Context()
        let values: [Double] = [0.1, 1e-5, 1.5e3, -0.0, -Double.leastNonzeroMagnitude, 1e308, -1e308,
                                .greatestFiniteMagnitude, .leastNormalMagnitude, 1.0 / 3.0, -123.456e-200, 0x1p-1022]
        for value in values {
            var system = PiecewiseLinearSystem()
            let x = system.addReal("x", lower: value, upper: value)
            system.inputs = [x]
            let result = try context.solve(system)
            guard case .sat(let model) = result.outcome else { XCTFail("\(value): \(result.outcome)"); continue }
            XCTAssertEqual(model.inputs[0].exact, ExactRational(value), "\(value)")
            XCTAssertEqual(model.inputs[0].double, value == 0 ? 0 : value, "\(value)")
            XCTAssertFalse(model.inputs[0].decimal.isEmpty)
        }
    }

    /// The same values as coefficients: `c · x = c` with `x` free must give `x = 1` exactly.
    func testCoefficientsAreExact() throws {
        let context = try Z3Context()
        for c in [0.1, 1e-5, 3.0e-300, 7.5e300, -2.5] {
            var system = PiecewiseLinearSystem()
            let x = system.addReal("x")
            system.add(.init(.init(terms: [.init(c, x)], constants: [-c]), .equal))
            system.inputs = [x]
            guard case .sat(let model) = try context.solve(system).outcome else { XCTFail("\(c)"); continue }
            XCTAssertEqual(model.inputs[0].exact.fractionString, "1", "\(c)")
        }
    }

    /// 0.1 + 0.2 as exact rationals is not the double 0.3: the system `x = 0.1 + 0.2`,
    /// `x = 0.3` (constants summed exactly) is unsat, while doubles would call it equal-ish.
    func testConstantsAreSummedExactly() throws {
        var system = PiecewiseLinearSystem()
        let x = system.addReal("x")
        system.add(.init(.init(terms: [.init(1, x)], constants: [-0.1, -0.2]), .equal))
        system.add(.init(.init(terms: [.init(1, x)], constants: [-0.3]), .equal))
        XCTAssertEqual(try Z3Context().solve(system).outcome, .unsat)
    }

    func testIntegerFractionNumeralsOnly() throws {
        let context = try Z3Context()
        XCTAssertEqual(try context._numeralForTesting("6/4"), "3/2")
        XCTAssertEqual(try context._numeralForTesting("-7"), "-7")
        let huge = ExactRational(Double.greatestFiniteMagnitude).fractionString
        XCTAssertEqual(try context._numeralForTesting(huge), huge)
    }
}
