import Encoding
import Foundation
import XCTest

import Sampling

/// `alpha = 1 - confidence` is the exact rational of the confidence's decimal; the level the
/// bounds use is never above it, and every split (classes, looks) stays below its part.
/// Oracle: exact rationals (``ExactRational``) and hand-computed decimals.
final class AlphaLevelTests: XCTestCase {
    func rational(_ text: String) -> ExactRational { ExactRational(fraction: text)! }

    func testConfidenceDecimalGivesTheExactAlphaRoundedDown() {
        // 1 - 0.99 in binary is 0.010000000000000009 (above 1/100); the exact alpha is 1/100,
        // and the Double used is the largest one <= 1/100 (the Double 0.01 is 0.0100000000000000002 > 1/100).
        let level = AlphaLevel(confidence: 0.99)
        XCTAssertEqual(level.exact, rational("1/100"))
        XCTAssertEqual(level.decimal, "0.01")
        XCTAssertEqual(level.confidenceDecimal, "0.99")
        XCTAssertFalse(level.exact < ExactRational(level.value), "the used alpha exceeds 1 - confidence")
        XCTAssertTrue(level.exact < ExactRational(level.value.nextUp), "the used alpha is not the largest Double below")
        XCTAssertEqual(level.value, 0.01.nextDown)
        XCTAssertTrue(rational("1/100") < ExactRational(1 - 0.99), "binary 1 - c is above the exact alpha")
        for (confidence, decimal) in [(0.95, "0.05"), (0.999, "0.001"), (0.9, "0.1"), (0.5, "0.5"), (0.99999, "1e-05"), (0.9999, "0.0001")] {
            let level = AlphaLevel(confidence: confidence)
            XCTAssertEqual(level.decimal, decimal)
            XCTAssertEqual(level.exact, ExactRational(decimal: decimal)!)
            XCTAssertEqual(level.confidenceDecimal, "\(confidence)")
            XCTAssertFalse(level.exact < ExactRational(level.value))
        }
    }

    func testUnionBoundPartsSumToAtMostAlphaExactly() {
        for confidence in [0.99, 0.95, 0.999, 0.9, 0.997] {
            let alpha = AlphaLevel(confidence: confidence)
            for m in 1...40 {
                let part = UnionBound.perClassLevel(overall: alpha, classCount: m)
                XCTAssertEqual(part.exact * ExactRational(m), alpha.exact)
                // m copies of the used Double sum to at most the exact alpha, and the next Double up would not.
                XCTAssertFalse(alpha.exact < ExactRational(part.value) * ExactRational(m), "\(confidence) / \(m)")
                XCTAssertTrue(part.exact < ExactRational(part.value.nextUp))
                // The printed decimal lies between the used value and the exact part.
                let printed = ExactRational(decimal: part.decimal)!
                XCTAssertFalse(printed < ExactRational(part.value), "\(part.decimal) below the used \(part.value)")
                XCTAssertFalse(part.exact < printed, "\(part.decimal) above the exact \(part.exact)")
            }
        }
        XCTAssertEqual(AlphaLevel(confidence: 0.99).divided(by: 10).decimal, "0.001")
        XCTAssertEqual(AlphaLevel(confidence: 0.99).divided(by: 4).decimal, "0.0025")
        XCTAssertEqual(AlphaLevel(confidence: 0.999).divided(by: 10).decimal, "0.0001")
        XCTAssertEqual(AlphaLevel(confidence: 0.999).divided(by: 100).decimal, "1e-05")
        XCTAssertEqual(AlphaLevel(confidence: 0.99).divided(by: 400).decimal, "2.5e-05")
        // 1/300 has no finite decimal: the shortest decimal in [used, 1/300], by hand
        // 1/300 = 0.00333333333333333333...; the Double below it is 1/300 - 19/86469112845513523200
        // (about 2.2e-19 below), so 18 places (3.3e-19 below) miss and 19 places fit.
        XCTAssertEqual(AlphaLevel(confidence: 0.99).divided(by: 3).decimal, "0.0033333333333333333")
    }

    func testSequentialLookLevelsSumToAtMostAlphaExactly() {
        for spending in SequentialTest.AlphaSpending.allCases {
            let test = SequentialTest(delta: 0.01, level: AlphaLevel(confidence: 0.99), initialSampleSize: 1,
                                      growthFactor: 2, maximumSampleSize: 2, spending: spending)
            var used = ExactRational.zero
            for k in 1...60 {
                let look = test.level(atLook: k)
                XCTAssertEqual(test.alpha(atLook: k), look.value)
                XCTAssertFalse(look.exact < ExactRational(look.value))
                used = used + ExactRational(look.value)
            }
            XCTAssertFalse(test.level.exact < used, "\(spending): the looks spend more than alpha")
        }
        let geometric = SequentialTest(delta: 0.01, level: AlphaLevel(confidence: 0.9), initialSampleSize: 1,
                                       growthFactor: 2, maximumSampleSize: 2, spending: .geometric)
        XCTAssertEqual(geometric.level(atLook: 1).decimal, "0.05")
        XCTAssertEqual(geometric.level(atLook: 2).decimal, "0.025")
    }

    func testJSONWritesTheDecimalAndReadsItBack() throws {
        let configuration = StatisticsConfiguration(delta: 0.01, level: AlphaLevel(confidence: 0.99), method: .clopperPearson)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let text = String(decoding: try encoder.encode(configuration), as: UTF8.self)
        XCTAssertEqual(text, #"{"alpha":0.01,"delta":0.01,"method":"clopper-pearson"}"#)
        let read = try JSONDecoder().decode(StatisticsConfiguration.self, from: Data(text.utf8))
        XCTAssertEqual(read, configuration)
        let assessment = GlobalAssessment(counts: [0: VerdictCounts(robust: 10), 1: VerdictCounts(robust: 10)],
                                          configuration: configuration)
        let summary = String(decoding: try encoder.encode(assessment), as: UTF8.self)
        XCTAssertTrue(summary.contains(#""perClassAlpha":0.005"#), summary)
        XCTAssertTrue(summary.contains(#""alpha":0.005,"#), summary)
    }
}
