import Foundation
import XCTest

import Support

final class JSONTextTests: XCTestCase {
    /// Every Double written by JSONText parses back to itself (JSONText.parse; Foundation's
    /// JSONSerialization on Linux fails this, which is why both directions are our own).
    func testDoublesRoundTripExactly() throws {
        var rng = SplitMix64(seed: 23)
        var values: [Double] = [0.1, -0.5345816686450765, 1e-5, .leastNonzeroMagnitude, -Double.greatestFiniteMagnitude, 1e22, 0, -0.0]
        for _ in 0..<500 { values.append(Double(bitPattern: rng.next() & 0x7FEF_FFFF_FFFF_FFFF) * (rng.next() % 2 == 0 ? 1 : -1)) }
        let text = JSONText.encode(["values": values, "name": "a \"quoted\"\nline", "flag": true, "none": NSNull()])
        let parsed = try JSONText.parse(Data(text.utf8)) as! [String: Any]
        let back = parsed["values"] as! [Double]
        XCTAssertEqual(back.count, values.count)
        for (a, b) in zip(values, back) { XCTAssertTrue(a == b, "\(a) came back as \(b)") }
        XCTAssertEqual(parsed["name"] as? String, "a \"quoted\"\nline")
        XCTAssertEqual(JSONText.encode([Double.nan, 1]), "[null,1.0]")
    }
}
