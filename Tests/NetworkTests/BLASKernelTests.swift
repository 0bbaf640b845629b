import XCTest
@testable import Network

/// ``BLASKernel``: which kernels replace OpenBLAS's `Prescott` fallback, and that the first
/// product leaves the fallback behind on a CPU that has better ones.
final class BLASKernelTests: XCTestCase {
    func testAVX512CPUsGetTheSkylakeXKernels() {
        let flags: Set = ["sse3", "avx", "avx2", "fma", "avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]
        XCTAssertEqual(BLASKernel.replacement(forFallbackWithFlags: flags), "SkylakeX")
    }

    func testAVX2CPUsWithoutTheFullAVX512SetGetTheHaswellKernels() {
        XCTAssertEqual(BLASKernel.replacement(forFallbackWithFlags: ["avx", "avx2", "fma", "avx512f"]), "Haswell")
    }

    func testOlderCPUsKeepTheFallback() {
        XCTAssertNil(BLASKernel.replacement(forFallbackWithFlags: ["sse3", "avx"]))
        XCTAssertNil(BLASKernel.replacement(forFallbackWithFlags: ["avx2"]))
        XCTAssertNil(BLASKernel.replacement(forFallbackWithFlags: []))
    }

    /// After a product, OpenBLAS does not run `Prescott` on a CPU with AVX2 and FMA, unless the
    /// user asked for it (`OPENBLAS_CORETYPE=Prescott`) or the library has one kernel set only.
    /// The product comes first: in a whole test run an earlier test has usually made the
    /// choice already, which leaves `OPENBLAS_CORETYPE` set to the replacement.
    func testAProductLeavesThePrescottFallbackOnCPUsWithAVX2() throws {
        var c = [Double](repeating: 0, count: 1)
        DenseProduct.multiply(m: 1, n: 1, k: 1, a: [2], lda: 1, b: [3], ldb: 1, c: &c, ldc: 1)
        XCTAssertEqual(c, [6])
        if ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"]?.lowercased() == "prescott" {
            throw XCTSkip("OPENBLAS_CORETYPE asks for the Prescott kernels")
        }
        guard BLASKernel.replacement(forFallbackWithFlags: BLASKernel.cpuFlags()) != nil,
              let library = dlopen(nil, RTLD_NOW), dlsym(library, "gotoblas_dynamic_init") != nil else {
            throw XCTSkip("no AVX2/FMA CPU or no DYNAMIC_ARCH OpenBLAS")
        }
        XCTAssertNotEqual(BLASKernel.current.lowercased(), "prescott")
    }
}
