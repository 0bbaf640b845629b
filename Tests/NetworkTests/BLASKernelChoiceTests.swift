@testable import Network
import XCTest

/// ``BLASKernelChoice``: the library's fallback kernels are replaced only when the user did not
/// choose, the library fell back to Prescott, and the CPU reports the features of the kernels
/// chosen instead.
final class BLASKernelChoiceTests: XCTestCase {
    private let avx512: Set<String> = ["sse2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512cd"]

    func testPrescottOnAnAVX512CPUBecomesSkylakeX() {
        XCTAssertEqual(BLASKernelChoice.choice(userChoice: nil, libraryCore: "Prescott", cpuFlags: avx512), "SkylakeX")
        XCTAssertEqual(BLASKernelChoice.choice(userChoice: nil, libraryCore: "prescott", cpuFlags: avx512), "SkylakeX")
    }

    func testPrescottOnAnAVX2CPUBecomesHaswell() {
        XCTAssertEqual(BLASKernelChoice.choice(userChoice: nil, libraryCore: "Prescott", cpuFlags: ["avx", "avx2", "fma"]), "Haswell")
        XCTAssertEqual(BLASKernelChoice.choice(userChoice: nil, libraryCore: "Prescott",
                                               cpuFlags: ["avx2", "fma", "avx512f"]), "Haswell", "AVX-512 needs all five subsets")
    }

    func testTheLibraryOrTheUserChoiceIsKept() {
        XCTAssertNil(BLASKernelChoice.choice(userChoice: "Prescott", libraryCore: "Prescott", cpuFlags: avx512))
        XCTAssertNil(BLASKernelChoice.choice(userChoice: nil, libraryCore: "SkylakeX", cpuFlags: avx512))
        XCTAssertNil(BLASKernelChoice.choice(userChoice: nil, libraryCore: "Haswell", cpuFlags: avx512))
        XCTAssertNil(BLASKernelChoice.choice(userChoice: nil, libraryCore: "Prescott", cpuFlags: ["sse2", "sse3", "avx"]))
    }

    func testProductsAfterTheChoiceAreExactOnIntegers() {
        // The first product triggers the choice; small integers make every order exact.
        let a: [Double] = [1, 2, 3, 4, 5, 6], b: [Double] = [7, 8, 9, 10, 11, 12]
        var c = [Double](repeating: 0, count: 4)
        DenseProduct.multiply(m: 2, n: 2, k: 3, a: a, lda: 3, b: b, ldb: 2, c: &c, ldc: 2)
        XCTAssertEqual(c, [58, 64, 139, 154])
        XCTAssertFalse(BLASKernelChoice.libraryCore.isEmpty)
    }
}
