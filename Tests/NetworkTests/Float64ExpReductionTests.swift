import XCTest
@testable import Network

/// ``Float64ExpReduction``: its constants are the ones `docs/proofs/exp_reduction.py` ran on,
/// and ``described(_:)`` is the proofs' description of it, one scalar operation at a time
/// (the tanh and sigmoid tests compare the vector code with it bit for bit).
final class Float64ExpReductionTests: XCTestCase {
    /// `(k, r h(r))` for `z`, as the proofs describe the reduction.
    static func described(_ z: Double) -> (k: Double, expm1R: Double) {
        let shifted = z * Float64ExpReduction.log2e + Float64ExpReduction.shift
        let k = shifted - Float64ExpReduction.shift
        let r = (z - k * Float64ExpReduction.ln2Hi) - k * Float64ExpReduction.ln2Lo
        var h = coefficients[12]
        for c in coefficients[..<12].reversed() { h = h * r + c }
        return (k, r * h)
    }

    private static let coefficients = [
        Float64ExpReduction.c0, Float64ExpReduction.c1, Float64ExpReduction.c2, Float64ExpReduction.c3,
        Float64ExpReduction.c4, Float64ExpReduction.c5, Float64ExpReduction.c6, Float64ExpReduction.c7,
        Float64ExpReduction.c8, Float64ExpReduction.c9, Float64ExpReduction.c10, Float64ExpReduction.c11,
        Float64ExpReduction.c12,
    ]

    /// Changing a constant means rerunning the proofs in `docs/proofs/` and updating this test.
    func testConstantsAreTheProvenOnes() {
        XCTAssertEqual(Self.coefficients.map(\.bitPattern), [
            0x3ff0_0000_0000_0000, 0x3fe0_0000_0000_0000, 0x3fc5_5555_5555_5555, 0x3fa5_5555_5555_5555,
            0x3f81_1111_1111_1111, 0x3f56_c16c_16c1_6c17, 0x3f2a_01a0_1a01_a01a, 0x3efa_01a0_1a01_a01a,
            0x3ec7_1de3_a556_c734, 0x3e92_7e4f_b778_9f5c, 0x3e5a_e645_67f5_44e4, 0x3e21_eed8_eff8_d898,
            0x3de6_1246_13a8_6d09,
        ])
        XCTAssertEqual([Float64ExpReduction.log2e, Float64ExpReduction.shift, Float64ExpReduction.ln2Hi,
                        Float64ExpReduction.ln2Lo].map(\.bitPattern),
                       [0x3ff7_1547_652b_82fe, 0x4338_0000_0000_0000, 0x3fe6_2e42_fee0_0000, 0x3dea_39ef_3579_3c76])
    }

    /// The vector reduction equals the description lane by lane, and `2^(k + offset)` is built
    /// exactly, over the `z` both callers use.
    func testReductionEqualsTheDescription() {
        var generator = SeededGenerator(seed: 65)
        for _ in 0..<20_000 {
            let z = Double.random(in: -709...36, using: &generator)
            let (shifted, expm1R) = Float64ExpReduction.reduce(SIMD4(repeating: z))
            let (k, expected) = Self.described(z)
            XCTAssertEqual(shifted[0] - Float64ExpReduction.shift, k)
            XCTAssertEqual(expm1R[0].bitPattern, expected.bitPattern)
            XCTAssertEqual(Float64ExpReduction.powerOfTwo(shifted, offset: 64)[0], Double(sign: .plus, exponent: Int(k) + 64, significand: 1))
            if k >= -1022 { XCTAssertEqual(Float64ExpReduction.powerOfTwo(shifted)[0], Double(sign: .plus, exponent: Int(k), significand: 1)) }
        }
    }
}
