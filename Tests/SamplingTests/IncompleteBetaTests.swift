import Foundation
import XCTest

@testable import Sampling

final class IncompleteBetaTests: XCTestCase {
    private func I(_ x: Double, _ a: Double, _ b: Double) -> Double {
        RegularizedIncompleteBeta.value(x: x, a: a, b: b)
    }

    func testLogGammaAgreesWithTheCLibraryAndKnownValues() {
        // ln Γ(1/2) = ln sqrt(π); ln Γ(1) = ln Γ(2) = 0; ln Γ(10) = ln 9!.
        XCTAssertEqual(logGamma(0.5), 0.5 * Foundation.log(Double.pi), accuracy: 1e-14)
        XCTAssertEqual(logGamma(1), 0, accuracy: 1e-14)
        XCTAssertEqual(logGamma(2), 0, accuracy: 1e-14)
        XCTAssertEqual(logGamma(10), Foundation.log(362_880), accuracy: 1e-13)
        // Independent oracle: the platform's lgamma.
        for x in [1e-3, 0.1, 0.7, 1.5, 3.7, 14.9, 15, 25.5, 100, 171.3, 1e4, 1e7] {
            let reference: Double = Foundation.lgamma(x)
            XCTAssertEqual(logGamma(x), reference, accuracy: 1e-13 * max(1, abs(reference)), "x = \(x)")
        }
        XCTAssertEqual(logGamma(0), .infinity)
        XCTAssertTrue(logGamma(-1).isNaN)
    }

    func testSymmetricArgumentsGiveOneHalfAtOneHalf() {
        for a in [0.5, 1, 3, 10.5, 100, 1000] {
            XCTAssertEqual(I(0.5, a, a), 0.5, accuracy: 1e-13, "a = \(a)")
        }
    }

    func testClosedFormsForUnitParameters() {
        for x in [0.0, 1e-9, 0.01, 0.3, 0.5, 0.77, 0.999, 1] {
            XCTAssertEqual(I(x, 1, 1), x, accuracy: 1e-14)
            for a in [0.5, 2, 7.5, 40] {
                XCTAssertEqual(I(x, a, 1), Foundation.pow(x, a), accuracy: 1e-13, "x = \(x), a = \(a)")
            }
            for b in [0.5, 2, 7.5, 40] {
                XCTAssertEqual(I(x, 1, b), 1 - Foundation.pow(1 - x, b), accuracy: 1e-13, "x = \(x), b = \(b)")
            }
        }
    }

    func testIntegerParametersMatchTheBinomialTail() {
        // I_x(k, n - k + 1) = P(Bin(n, x) >= k) = Σ_{j=k..n} C(n, j) x^j (1-x)^(n-j),
        // summed here term by term with the ratio C(n, j+1)/C(n, j) = (n - j)/(j + 1).
        func binomialTail(n: Int, k: Int, x: Double) -> Double {
            var term = Foundation.pow(1 - x, Double(n))  // j = 0
            var sum = 0.0
            for j in 0...n {
                if j >= k { sum += term }
                term *= Double(n - j) / Double(j + 1) * x / (1 - x)
            }
            return sum
        }
        for (n, k, x) in [(10, 3, 0.2), (20, 10, 0.5), (30, 29, 0.9), (50, 1, 0.01), (60, 45, 0.7), (40, 20, 0.35)] {
            let expected = binomialTail(n: n, k: k, x: x)
            XCTAssertEqual(I(x, Double(k), Double(n - k + 1)), expected, accuracy: 1e-13, "n = \(n), k = \(k)")
        }
    }

    func testNonIntegerParametersMatchSciPy() {
        // scipy.special.betainc(a, b, x), SciPy 1.17.1, computed once.
        XCTAssertEqual(I(0.3, 2.5, 3.5), 0.29675298929566646, accuracy: 1e-13)
        XCTAssertEqual(I(0.9, 50, 5), 0.361447139727378, accuracy: 1e-13)
        XCTAssertEqual(I(0.01, 0.5, 0.5), 0.06376856085851985, accuracy: 1e-13)
        XCTAssertEqual(I(0.7, 200, 100), 0.8911569343550899, accuracy: 1e-12)
        XCTAssertEqual(I(0.5, 1.001, 7.25), 0.9934170691398126, accuracy: 1e-13)
        XCTAssertEqual(I(0.999, 1000, 2), 0.7353908495419277, accuracy: 1e-12)
    }

    func testEdgesAndSymmetry() {
        XCTAssertEqual(I(0, 2, 3), 0)
        XCTAssertEqual(I(-1, 2, 3), 0)
        XCTAssertEqual(I(1, 2, 3), 1)
        XCTAssertEqual(I(2, 2, 3), 1)
        XCTAssertTrue(I(.nan, 2, 3).isNaN)
        for (x, a, b) in [(0.2, 3.0, 9.0), (0.8, 0.7, 4.0), (0.55, 120.0, 80.0)] {
            XCTAssertEqual(I(x, a, b), 1 - I(1 - x, b, a), accuracy: 1e-13)
        }
    }

    func testValueIsMonotoneInX() {
        var previous = 0.0
        for step in 0...1000 {
            let value = I(Double(step) / 1000, 30, 12)
            XCTAssertGreaterThanOrEqual(value, previous - 1e-15)
            previous = value
        }
    }

    func testInverseRoundTripsAndClosedForms() {
        for (a, b) in [(0.5, 0.5), (1.0, 1.0), (2.0, 5.0), (10.0, 1.0), (990.0, 11.0), (1.0, 5000.0), (3.0, 1e6)] {
            for p in [1e-9, 0.001, 0.05, 0.5, 0.95, 0.999] {
                let x = RegularizedIncompleteBeta.inverse(probability: p, a: a, b: b)
                XCTAssertTrue(x >= 0 && x <= 1)
                XCTAssertEqual(I(x, a, b), p, accuracy: 1e-10 * max(1, p / 1e-3), "a = \(a), b = \(b), p = \(p)")
            }
        }
        // Beta(n, 1): I_x = x^n, so the p-quantile is p^(1/n).
        XCTAssertEqual(RegularizedIncompleteBeta.inverse(probability: 0.001, a: 688, b: 1), Foundation.pow(0.001, 1.0 / 688), accuracy: 1e-14)
        XCTAssertEqual(RegularizedIncompleteBeta.inverse(probability: 0, a: 2, b: 3), 0)
        XCTAssertEqual(RegularizedIncompleteBeta.inverse(probability: 1, a: 2, b: 3), 1)
    }

    func testInverseIsRelativelyAccurateForTinyQuantiles() {
        // Beta(1, b): I_x = 1 - (1-x)^b, quantile 1 - (1-p)^(1/b) = -expm1(log1p(-p)/b).
        let p = 1e-6
        let b = 50.0
        let expected = -Foundation.expm1(Foundation.log1p(-p) / b)
        let x = RegularizedIncompleteBeta.inverse(probability: p, a: 1, b: b)
        XCTAssertEqual(x, expected, accuracy: 1e-10 * expected)
    }
}
