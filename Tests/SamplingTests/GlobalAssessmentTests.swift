import Foundation
import XCTest

import Sampling

final class GlobalAssessmentTests: XCTestCase {
    func testVerdictRuleComparesBoundsWithOneMinusDelta() {
        // (The double 0.99 lies below 1 - 0.01 in exact arithmetic: see StatisticsRoundingTests.)
        XCTAssertEqual(StatisticalVerdict(lower: 0.991, upper: 1, delta: 0.01), .holds)
        XCTAssertEqual(StatisticalVerdict(lower: 0.75, upper: 1, delta: 0.25), .holds)
        XCTAssertEqual(StatisticalVerdict(lower: 0.5, upper: 0.98, delta: 0.01), .fails)
        XCTAssertEqual(StatisticalVerdict(lower: 0.95, upper: 0.995, delta: 0.01), .inconclusive)
        XCTAssertEqual(StatisticalVerdict.conjunction([.holds, .holds]), .holds)
        XCTAssertEqual(StatisticalVerdict.conjunction([.holds, .inconclusive]), .inconclusive)
        XCTAssertEqual(StatisticalVerdict.conjunction([.inconclusive, .fails, .holds]), .fails)
    }

    func testUnionBoundSplitsAlphaAcrossClasses() {
        XCTAssertEqual(UnionBound.perClassAlpha(overall: 0.01, classCount: 10), 0.001, accuracy: 1e-18)
        let counts = Dictionary(uniqueKeysWithValues: (0..<10).map { ($0, VerdictCounts(robust: 1000)) })
        let assessment = GlobalAssessment(counts: counts, configuration: StatisticsConfiguration(delta: 0.01, alpha: 0.01, method: .clopperPearson))
        XCTAssertEqual(assessment.perClassAlpha, 0.001, accuracy: 1e-18)
        XCTAssertEqual(assessment.classes.map(\.classIndex), Array(0..<10))
        // Each class: 1000 of 1000 at alpha_c = 0.001 gives 0.001^(1/1000) = 0.99312 >= 0.99.
        for entry in assessment.classes {
            XCTAssertEqual(entry.alpha, 0.001, accuracy: 1e-18)
            XCTAssertEqual(entry.clopperPearson.lower, Foundation.pow(0.001, 1.0 / 1000), accuracy: 1e-13)
            XCTAssertEqual(entry.verdict, .holds)
        }
        XCTAssertEqual(assessment.verdict, .holds)
        XCTAssertEqual(assessment.totalCounts, VerdictCounts(robust: 10_000))
    }

    func testUnknownCountsAsFailureBelowAndSuccessAbove() {
        let counts = VerdictCounts(robust: 990, notRobust: 0, unknown: 10)
        let entry = ClassAssessment(classIndex: 0, counts: counts, alpha: 0.01, delta: 0.05, method: .hoeffding)
        XCTAssertEqual(entry.hoeffding.lower, Hoeffding.lowerBound(successes: 990, trials: 1000, alpha: 0.01))
        XCTAssertEqual(entry.hoeffding.upper, Hoeffding.upperBound(successes: 1000, trials: 1000, alpha: 0.01))
        XCTAssertEqual(entry.clopperPearson.lower, ClopperPearson.lowerBound(successes: 990, trials: 1000, alpha: 0.01))
        XCTAssertEqual(entry.clopperPearson.upper, 1)
        // All unknown: neither direction is decided, whatever the number of samples.
        let unknownOnly = ClassAssessment(
            classIndex: 0, counts: VerdictCounts(unknown: 100_000), alpha: 0.01, delta: 0.05, method: .clopperPearson)
        XCTAssertEqual(unknownOnly.verdict, .inconclusive)
        XCTAssertNil(unknownOnly.furtherSamples)
    }

    func testConfiguredMethodDecidesAndBothAreReported() {
        // 1000 of 1000 at alpha 0.001, delta 0.01: exact lower 0.9931 holds, Hoeffding 0.9412 does not.
        let counts = [3: VerdictCounts(robust: 1000)]
        let exact = GlobalAssessment(counts: counts, configuration: StatisticsConfiguration(delta: 0.01, alpha: 0.001, method: .clopperPearson))
        let hoeffding = GlobalAssessment(counts: counts, configuration: StatisticsConfiguration(delta: 0.01, alpha: 0.001))
        XCTAssertEqual(hoeffding.configuration.method, .hoeffding)
        XCTAssertEqual(exact.verdict, .holds)
        XCTAssertEqual(hoeffding.verdict, .inconclusive)
        XCTAssertEqual(exact.classes[0].hoeffding, hoeffding.classes[0].hoeffding)
        XCTAssertEqual(exact.classes[0].clopperPearson, hoeffding.classes[0].clopperPearson)
        XCTAssertEqual(hoeffding.classes[0].furtherSamples?.target, .holds)
        XCTAssertEqual(hoeffding.classes[0].furtherSamples?.totalSamples, 34_539)
        XCTAssertNil(exact.classes[0].furtherSamples)
    }

    func testOneFailingClassFailsTheWhole() {
        let counts = [
            0: VerdictCounts(robust: 5000),
            1: VerdictCounts(robust: 800, notRobust: 200),
            2: VerdictCounts(robust: 10),
        ]
        let assessment = GlobalAssessment(counts: counts, configuration: StatisticsConfiguration(delta: 0.05, alpha: 0.01, method: .clopperPearson))
        XCTAssertEqual(assessment.classes.map(\.verdict), [.holds, .fails, .inconclusive])
        XCTAssertEqual(assessment.verdict, .fails)
        let withoutFailing = GlobalAssessment(counts: counts.filter { $0.key != 1 }, configuration: assessment.configuration)
        XCTAssertEqual(withoutFailing.verdict, .inconclusive)
    }

    func testCountsRecordAndMerge() {
        var counts = VerdictCounts()
        for outcome in [SampleOutcome.robust, .robust, .notRobust, .unknown] { counts.record(outcome) }
        XCTAssertEqual(counts, VerdictCounts(robust: 2, notRobust: 1, unknown: 1))
        XCTAssertEqual(counts.n, 4)
        XCTAssertEqual(counts.pessimisticSuccesses, 2)
        XCTAssertEqual(counts.optimisticSuccesses, 3)
        XCTAssertEqual(counts + counts, VerdictCounts(robust: 4, notRobust: 2, unknown: 2))
        XCTAssertNil(VerdictCounts().observedRobustRate)
    }
}
