@testable import Encoding
import Support
import XCTest

/// The fused sums of back-substitution (``VectorKernels/signedAndAbsolute(_:_:_:count:)``,
/// ``VectorKernels/centreRadiusScale(_:centre:radius:scale:count:)``) against the same sums in
/// `Float80`: every computed sum lies within the a-priori bound `γ_n Σ|terms| + n η` that the
/// bounds engine subtracts, for lengths that exercise the four-way part and the tail; and a
/// NaN or infinite coefficient makes the absolute sum NaN (the engine then gives -infinity).
final class VectorKernelsFusedSumsTests: XCTestCase {
    private func within(_ computed: Double, _ exact: Float80, absolute: Float80, terms n: Int,
                        _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        let bound = Float80(DirectedRounding.dotError(absoluteSum: Double(absolute) * 2, terms: max(n, 1)))
        XCTAssertLessThanOrEqual(abs(Float80(computed) - exact), bound, message, file: file, line: line)
    }

    func testSignedAndAbsoluteSumsStayWithinTheDotProductBound() {
        var rng = SplitMix64(seed: 71)
        for n in [0, 1, 3, 4, 5, 8, 13, 64, 257] {
            let lambda = (0..<n).map { _ in Double.random(in: -3...3, using: &rng) * (Bool.random(using: &rng) ? 1 : 1e-7) }
            let x = (0..<n).map { _ in Double.random(in: -5...5, using: &rng) }
            let y = (0..<n).map { _ in Double.random(in: 0...5, using: &rng) }
            let (signed, absolute) = VectorKernels.signedAndAbsolute(lambda, x, y, count: n)
            var exactSigned: Float80 = 0, exactSignedAbs: Float80 = 0, exactAbsolute: Float80 = 0
            for i in 0..<n {
                exactSigned += Float80(lambda[i]) * Float80(x[i])
                exactSignedAbs += abs(Float80(lambda[i]) * Float80(x[i]))
                exactAbsolute += abs(Float80(lambda[i])) * Float80(y[i])
            }
            within(signed, exactSigned, absolute: exactSignedAbs, terms: n, "signed, n \(n)")
            within(absolute, exactAbsolute, absolute: exactAbsolute, terms: n, "absolute, n \(n)")
        }
    }

    func testCentreRadiusScaleSumsStayWithinTheDotProductBound() {
        var rng = SplitMix64(seed: 72)
        for n in [0, 1, 2, 4, 7, 12, 100, 784] {
            let lambda = (0..<n).map { _ in Double.random(in: -2...2, using: &rng) }
            let centre = (0..<n).map { _ in Double.random(in: -1...1, using: &rng) }
            let radius = (0..<n).map { _ in Double.random(in: 0...0.5, using: &rng) }
            let scale = (0..<n).map { abs(centre[$0]) + radius[$0] }
            let sums = VectorKernels.centreRadiusScale(lambda, centre: centre, radius: radius, scale: scale, count: n)
            var c: Float80 = 0, cAbs: Float80 = 0, r: Float80 = 0, s: Float80 = 0
            for i in 0..<n {
                c += Float80(lambda[i]) * Float80(centre[i])
                cAbs += abs(Float80(lambda[i]) * Float80(centre[i]))
                r += abs(Float80(lambda[i])) * Float80(radius[i])
                s += abs(Float80(lambda[i])) * Float80(scale[i])
            }
            within(sums.centre, c, absolute: cAbs, terms: n, "centre, n \(n)")
            within(sums.radius, r, absolute: r, terms: n, "radius, n \(n)")
            within(sums.scale, s, absolute: s, terms: n, "scale, n \(n)")
        }
    }

    func testANonFiniteCoefficientMakesTheAbsoluteSumsNaN() {
        for n in [3, 9] {
            for bad in [Double.nan, .infinity, -.infinity] {
                for position in [0, n - 1] {
                    var lambda = [Double](repeating: 0.5, count: n)
                    lambda[position] = bad
                    let zeros = [Double](repeating: 0, count: n), ones = [Double](repeating: 1, count: n)
                    XCTAssertTrue(VectorKernels.signedAndAbsolute(lambda, ones, zeros, count: n).absolute.isNaN,
                                  "n \(n) \(bad) at \(position)")
                    XCTAssertTrue(VectorKernels.centreRadiusScale(lambda, centre: ones, radius: zeros, scale: zeros,
                                                                  count: n).scale.isNaN, "n \(n) \(bad) at \(position)")
                }
            }
        }
    }
}
