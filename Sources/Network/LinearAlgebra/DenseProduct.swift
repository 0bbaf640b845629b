internal import COpenBLAS
import Foundation

/// Dense matrix products on OpenBLAS: the one place in the package that calls CBLAS.
///
/// Every matrix is row-major with a row stride (`lda`, `ldb`, `ldc` elements between the
/// starts of consecutive rows, at least the number of columns stored). The products are
///
/// ```
/// C = op(A) op(B) + (accumulate ? C : 0)      op(M) = M or Mᵀ
/// y = op(A) x     + (accumulate ? y : 0)
/// ```
///
/// with `op(A)` of size `m x k`, `op(B)` of size `k x n`, `C` of size `m x n`.
///
/// Rounding: BLAS sums in an order of its own (blocked, vectorised, with fused
/// multiply-adds), which may depend on the matrix sizes and the CPU. Callers that need a sound
/// bound use one that holds for every summation order and with fused multiply-adds
/// (`|fl(Σ a_i b_i) - Σ a_i b_i| <= γ_n Σ |a_i| |b_i|`, Higham §3.1, plus the underflow term).
/// With one thread the results are deterministic for given inputs on a given machine.
///
/// Threads: OpenBLAS runs on one thread per calling thread by default (the package's workers
/// already use the cores). Setting the environment variable `OPENBLAS_NUM_THREADS=k` before
/// the process starts lets each product use up to `k` threads instead.
package enum DenseProduct {
    /// The number of OpenBLAS threads per product: `OPENBLAS_NUM_THREADS` when set to a
    /// positive integer, 1 otherwise. Its one-time initialisation, which every product waits
    /// for, also chooses the kernels (``BLASKernel/select()``).
    package static let threads: Int = {
        BLASKernel.select()
        let requested = ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"].flatMap { Int($0) }
        let count = requested.map { $0 > 0 ? $0 : 1 } ?? 1
        openblas_set_num_threads(Int32(count))
        return count
    }()

    /// `C = op(A) op(B) (+ C)` in `Double` (see the type).
    package static func multiply(
        m: Int, n: Int, k: Int,
        a: UnsafePointer<Double>, lda: Int, transposeA: Bool = false,
        b: UnsafePointer<Double>, ldb: Int, transposeB: Bool = false,
        c: UnsafeMutablePointer<Double>, ldc: Int, accumulate: Bool = false
    ) {
        guard m > 0, n > 0 else { return }
        _ = threads
        precondition(k >= 0 && ldc >= n, "DenseProduct.multiply: inconsistent sizes")
        cblas_dgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    blasInt(m), blasInt(n), blasInt(k), 1, a, blasInt(max(lda, 1)), b, blasInt(max(ldb, 1)),
                    accumulate ? 1 : 0, c, blasInt(ldc))
    }

    /// `C = op(A) op(B) (+ C)` in `Float` (see the type).
    package static func multiply(
        m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int, transposeA: Bool = false,
        b: UnsafePointer<Float>, ldb: Int, transposeB: Bool = false,
        c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool = false
    ) {
        guard m > 0, n > 0 else { return }
        _ = threads
        precondition(k >= 0 && ldc >= n, "DenseProduct.multiply: inconsistent sizes")
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    blasInt(m), blasInt(n), blasInt(k), 1, a, blasInt(max(lda, 1)), b, blasInt(max(ldb, 1)),
                    accumulate ? 1 : 0, c, blasInt(ldc))
    }

    /// `y = op(A) x (+ y)` in `Double`, `A` stored `rows x columns` (see the type).
    package static func multiply(
        rows: Int, columns: Int, a: UnsafePointer<Double>, lda: Int, transposeA: Bool = false,
        x: UnsafePointer<Double>, y: UnsafeMutablePointer<Double>, accumulate: Bool = false
    ) {
        guard rows > 0, columns > 0 else {
            if !accumulate { y.update(repeating: 0, count: transposeA ? columns : rows) }
            return
        }
        _ = threads
        cblas_dgemv(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, blasInt(rows), blasInt(columns),
                    1, a, blasInt(lda), x, 1, accumulate ? 1 : 0, y, 1)
    }

    /// `y = op(A) x (+ y)` in `Float`, `A` stored `rows x columns` (see the type).
    package static func multiply(
        rows: Int, columns: Int, a: UnsafePointer<Float>, lda: Int, transposeA: Bool = false,
        x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, accumulate: Bool = false
    ) {
        guard rows > 0, columns > 0 else {
            if !accumulate { y.update(repeating: 0, count: transposeA ? columns : rows) }
            return
        }
        _ = threads
        cblas_sgemv(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, blasInt(rows), blasInt(columns),
                    1, a, blasInt(lda), x, 1, accumulate ? 1 : 0, y, 1)
    }

    private static func blasInt(_ value: Int) -> blasint {
        precondition(value >= 0 && value <= Int(blasint.max), "DenseProduct: dimension \(value) exceeds the BLAS integer range")
        return blasint(value)
    }
}
