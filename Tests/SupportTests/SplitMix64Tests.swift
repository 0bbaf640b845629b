import XCTest

import Support

final class SplitMix64Tests: XCTestCase {
    func testSplitMix64MatchesPublishedReferenceOutputs() {
        // Outputs of Vigna's splitmix64.c for state 0.
        var generator = SplitMix64(seed: 0)
        XCTAssertEqual(generator.next(), 0xE220_A839_7B1D_CDAF)
        XCTAssertEqual(generator.next(), 0x6E78_9E6A_A1B9_65F4)
        XCTAssertEqual(generator.next(), 0x06C4_5D18_8009_454F)
    }

    func testSplitMix64IsReproducibleFromItsSeed() {
        var first = SplitMix64(seed: 12345)
        var second = SplitMix64(seed: 12345)
        var other = SplitMix64(seed: 12346)
        let a = (0..<100).map { _ in first.next() }
        XCTAssertEqual(a, (0..<100).map { _ in second.next() })
        XCTAssertNotEqual(a, (0..<100).map { _ in other.next() })
    }
}
