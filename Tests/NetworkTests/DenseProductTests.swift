import XCTest
@testable import Network

/// ``DenseProduct`` against a naive triple loop. The entries are small integers, so every
/// partial sum is an exact integer in `Float` and `Double` and any summation order gives the
/// exact product: equality is the oracle, for strides wider than the rows and every
/// transposition.
final class DenseProductTests: XCTestCase {
    /// `M[i][j]` of a row-major matrix with row stride `ld`, read transposed when `t`.
    private func entry(_ v: [Double], _ ld: Int, _ t: Bool, _ i: Int, _ j: Int) -> Double { t ? v[j * ld + i] : v[i * ld + j] }

    func testMatrixProductsMatchTheNaiveLoopForEveryTranspositionAndStride() {
        var rng = SeededGenerator(seed: 11)
        for (m, n, k) in [(1, 1, 1), (3, 5, 7), (17, 4, 33), (2, 64, 9)] {
            for transposeA in [false, true] {
                for transposeB in [false, true] {
                    let (aRows, aColumns) = transposeA ? (k, m) : (m, k)
                    let (bRows, bColumns) = transposeB ? (n, k) : (k, n)
                    let lda = aColumns + 2, ldb = bColumns + 3, ldc = n + 1
                    let a = (0..<(aRows * lda)).map { _ in Double(Int.random(in: -9...9, using: &rng)) }
                    let b = (0..<(bRows * ldb)).map { _ in Double(Int.random(in: -9...9, using: &rng)) }
                    let start = (0..<(m * ldc)).map { _ in Double(Int.random(in: -9...9, using: &rng)) }
                    for accumulate in [false, true] {
                        var c = start
                        var cf = start.map { Float($0) }
                        let af = a.map { Float($0) }, bf = b.map { Float($0) }
                        DenseProduct.multiply(m: m, n: n, k: k, a: a, lda: lda, transposeA: transposeA,
                                              b: b, ldb: ldb, transposeB: transposeB, c: &c, ldc: ldc, accumulate: accumulate)
                        DenseProduct.multiply(m: m, n: n, k: k, a: af, lda: lda, transposeA: transposeA,
                                              b: bf, ldb: ldb, transposeB: transposeB, c: &cf, ldc: ldc, accumulate: accumulate)
                        for i in 0..<m {
                            for j in 0..<ldc {
                                var expected = start[i * ldc + j]
                                if j < n {
                                    expected = accumulate ? expected : 0
                                    for p in 0..<k { expected += entry(a, lda, transposeA, i, p) * entry(b, ldb, transposeB, p, j) }
                                }
                                XCTAssertEqual(c[i * ldc + j], expected, "m \(m) n \(n) k \(k) tA \(transposeA) tB \(transposeB) (\(i), \(j))")
                                XCTAssertEqual(Double(cf[i * ldc + j]), expected)
                            }
                        }
                    }
                }
            }
        }
    }

    func testMatrixVectorProductsMatchTheNaiveLoop() {
        var rng = SeededGenerator(seed: 12)
        for (rows, columns) in [(1, 1), (4, 9), (33, 5)] {
            for transposeA in [false, true] {
                let lda = columns + 2
                let a = (0..<(rows * lda)).map { _ in Double(Int.random(in: -9...9, using: &rng)) }
                let (inner, outer) = transposeA ? (rows, columns) : (columns, rows)
                let x = (0..<inner).map { _ in Double(Int.random(in: -9...9, using: &rng)) }
                let start = (0..<outer).map { _ in Double(Int.random(in: -9...9, using: &rng)) }
                for accumulate in [false, true] {
                    var y = start
                    var yf = start.map { Float($0) }
                    DenseProduct.multiply(rows: rows, columns: columns, a: a, lda: lda, transposeA: transposeA, x: x, y: &y, accumulate: accumulate)
                    DenseProduct.multiply(rows: rows, columns: columns, a: a.map { Float($0) }, lda: lda, transposeA: transposeA,
                                          x: x.map { Float($0) }, y: &yf, accumulate: accumulate)
                    for i in 0..<outer {
                        var expected = accumulate ? start[i] : 0
                        for p in 0..<inner { expected += (transposeA ? a[p * lda + i] : a[i * lda + p]) * x[p] }
                        XCTAssertEqual(y[i], expected)
                        XCTAssertEqual(Double(yf[i]), expected)
                    }
                }
            }
        }
    }

    /// One OpenBLAS thread unless `OPENBLAS_NUM_THREADS` says otherwise.
    func testThreadCountFollowsTheEnvironment() {
        let requested = ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"].flatMap { Int($0) }
        XCTAssertEqual(DenseProduct.threads, requested.map { max($0, 1) } ?? 1)
    }
}
