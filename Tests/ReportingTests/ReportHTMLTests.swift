import Foundation
import XCTest

import Network
@testable import Reporting
@testable import Sampling

/// The report's building blocks: escaping, timing quantiles, chart widths, gallery order,
/// and the digest check that decides whether pictures are drawn.
final class ReportHTMLTests: XCTestCase {
    func testEscapeReplacesEveryCharacterThatHTMLGivesMeaningTo() {
        XCTAssertEqual(HTMLText.escape("<a href=\"x\">Tom & Jerry's</a>"),
                       "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;")
        XCTAssertEqual(HTMLText.escape("&amp;"), "&amp;amp;", "an entity in user text is shown, not interpreted")
        XCTAssertEqual(HTMLText.escape("ünïcode ‖x‖∞"), "ünïcode ‖x‖∞")
        XCTAssertEqual(HTMLText.escape(""), "")
    }

    /// Ten samples with step times 0.1, 0.2, ..., 1.0 (shuffled): nearest rank gives the
    /// median t_5 = 0.5, p90 t_9 = 0.9, max 1.0, total 5.5. `attack` runs in 3 of them.
    func testStepTimingUsesNearestRankQuantilesInPipelineOrder() {
        let times = [0.7, 0.1, 1.0, 0.4, 0.3, 0.9, 0.2, 0.6, 0.5, 0.8]
        let records = times.enumerated().map { i, t in
            var steps = [SampleStep(step: .smt, seconds: 0, decided: false), SampleStep(step: .linear, seconds: t, decided: i % 2 == 0)]
            if i < 3 { steps.append(SampleStep(step: .attack, seconds: Double(i + 1), decided: i == 0)) }
            return record(index: i, steps: steps)
        }
        let table = StepTiming.table(records)
        XCTAssertEqual(table.map(\.step), [.attack, .linear, .smt])
        XCTAssertEqual(table[1].ran, 10)
        XCTAssertEqual(table[1].decided, 5)
        XCTAssertEqual(table[1].median, 0.5)
        XCTAssertEqual(table[1].p90, 0.9)
        XCTAssertEqual(table[1].maximum, 1.0)
        XCTAssertEqual(table[1].total, 5.5, accuracy: 1e-12)
        // Three attack times 1, 2, 3: median rank ceil(1.5) = 2, p90 rank ceil(2.7) = 3.
        XCTAssertEqual([table[0].ran, table[0].decided], [3, 1])
        XCTAssertEqual([table[0].median, table[0].p90, table[0].maximum, table[0].total], [2, 3, 3, 6])
        XCTAssertEqual(StepTiming.quantile([], 0.5), 0)
    }

    func testVerdictBarKeepsRareOutcomesVisibleAndFillsTheBar() {
        let widths = SVGCharts.widths([998, 1, 1], total: 520)
        XCTAssertEqual(widths.reduce(0, +), 520, accuracy: 1e-9)
        XCTAssertEqual(widths[1], 4)
        XCTAssertEqual(widths[2], 4)
        XCTAssertEqual(SVGCharts.widths([0, 5, 0], total: 520), [0, 520, 0])
        XCTAssertEqual(SVGCharts.widths([0, 0, 0], total: 520), [0, 0, 0])
        XCTAssertEqual(SVGCharts.widths([1, 1, 2], total: 400), [100, 100, 200])
    }

    func testGalleryShowsConfirmedCounterexamplesMostNegativeMarginFirst() {
        func withExample(_ index: Int, margin: Double, confirmed: Bool) -> SampleRecord {
            var r = record(index: index, steps: [])
            r.verdict = confirmed ? .notRobust : .notRobustUnconfirmed
            r.counterexample = SampleCounterexample(noise: [0.1, 0.2], logits: [0, 1], margin: margin, predictedClass: 1,
                                                    source: .attack, confirmedInFloat: confirmed, exactNoise: nil)
            return r
        }
        var records = [withExample(0, margin: -0.5, confirmed: true), record(index: 1, steps: []),
                       withExample(2, margin: 1e-17, confirmed: false), withExample(3, margin: -2, confirmed: true),
                       withExample(4, margin: -0.1, confirmed: true), withExample(5, margin: -9, confirmed: true)]
        records[5].centerLogits = [0, 1] // the centre itself is misclassified: after the realistic pairs
        XCTAssertEqual(ReportGallery.select(records, limit: 10).map(\.index), [3, 0, 4, 5, 2])
        XCTAssertEqual(ReportGallery.select(records, limit: 2).map(\.index), [3, 0])
        XCTAssertEqual(ReportGallery.select(records, limit: 0).map(\.index), [])
    }

    /// A run on the tiny models, then generator 1 is retrained (its file changes): the report
    /// must refuse to draw it, naming the network; with the original file it draws.
    func testPicturesOnlyWhenEveryDigestMatchesTheRun() throws {
        var experiment = try Experiment.load(contentsOf: try TinyModels.write())
        experiment.samplesPerClass = 20
        experiment.eps = 0.3
        let directory = (experiment.file! as NSString).deletingLastPathComponent
        let results = directory + "/run.jsonl"
        _ = try RobustnessRunner.run(try LoadedExperiment(experiment), options: RobustnessRunOptions(resultsPath: results, jobs: 1),
                                     cancellation: RunCancellation(), progress: { _ in })
        let header = try ResultsFile.read(results).header
        guard case .loaded = ReportNetworks.load(experimentFile: nil, header: header) else {
            return XCTFail("the unchanged experiment should load")
        }
        try TinyModels.generator(0).write(toFile: directory + "/g1.json", atomically: true, encoding: .utf8)
        guard case .unavailable(let reason) = ReportNetworks.load(experimentFile: nil, header: header) else {
            return XCTFail("a changed generator must not be drawn")
        }
        XCTAssertTrue(reason.contains("generator 1") && reason.contains("changed"), reason)
        guard case .unavailable(let missing) = ReportNetworks.load(experimentFile: directory + "/none.json", header: header) else {
            return XCTFail("a missing experiment must not load")
        }
        XCTAssertTrue(missing.contains("none.json"), missing)

        // The whole report still renders, with the reason visible and no image.
        let input = try ReportInput.load(resultsFiles: [results])
        let html = HTMLReport.render(input)
        XCTAssertTrue(html.contains("No pictures: the generator 1 of"), "the reason is shown")
        XCTAssertFalse(html.contains("<img"))
        XCTAssertEqual(input.assessment.totalCounts.n, 40)
    }

    func record(index: Int, steps: [SampleStep]) -> SampleRecord {
        SampleRecord(experiment: "e", index: index, classIndex: 0, sample: index, noise: [0, 0], verdict: .robust,
                     method: .bounds, reason: nil, limit: nil, decidedBy: .linear, seconds: 0.01, steps: steps,
                     centerLogits: [1, 0], centerMargin: 1, marginLowerBound: 0.5, nodes: 1, smtLeaves: 0, exact: true,
                     counterexample: nil)
    }
}
