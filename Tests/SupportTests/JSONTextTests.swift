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

    /// The typed tree (what certificates are built as) and the untyped one give the same
    /// text, pinned here: sorted keys, one member per line, arrays of scalars on one line,
    /// arrays of arrays or objects one element per line, integers without a fraction.
    func testTypedAndUntypedTreesWriteTheSamePinnedText() {
        let typed: JSONValue = .object([
            "b": .array([.double(0.1), .double(-.infinity), .integer(3)]),
            "a": .array([.object(["x": .null]), .array([])]),
            "c": .object([:]), "d": .string("q\"t"), "e": .bool(false),
        ])
        let untyped: [String: Any] = [
            "b": [0.1, -Double.infinity, 3] as [Any], "a": [["x": NSNull()], [Any]()] as [Any],
            "c": [String: Any](), "d": "q\"t", "e": false,
        ]
        let expected = """
            {
              "a": [
                {
                  "x": null
                },
                []
              ],
              "b": [0.1, null, 3],
              "c": {},
              "d": "q\\"t",
              "e": false
            }
            """
        XCTAssertEqual(JSONText.encode(typed, pretty: true), expected)
        XCTAssertEqual(JSONText.encode(untyped, pretty: true), expected)
        XCTAssertEqual(JSONText.encode(typed), #"{"a":[{"x":null},[]],"b":[0.1,null,3],"c":{},"d":"q\"t","e":false}"#)
    }
}
