import Foundation
import XCTest

import Reporting
import Sampling

/// The manual score: the labels file parser, the figures against hand-computed values, and the
/// page (its images and that it needs no network).
final class ManualScoreTests: XCTestCase {
    func labels(_ entries: [(Int, Int, ManualCategory, Int?)]) -> ManualLabels {
        ManualLabels(experiment: "abc", experimentFile: "e.json", seed: 7,
                     labels: entries.map { ManualLabel(sample: $0.0, intended: $0.1, category: $0.2, digit: $0.3) })
    }

    func parse(_ text: String) throws -> ManualLabels { try ManualLabels.parse(Data(text.utf8), file: "l.json") }

    func testLabelsFileRoundTripsAndBadFilesNameThePlace() throws {
        let good = labels([(0, 3, .clear, 3), (1, 3, .none, nil), (0, 4, .ambiguous, 9)])
        XCTAssertEqual(try parse(good.jsonText), good)
        let head = #"{"format": "verify-manual-score-1", "experiment": "abc", "seed": 7, "labels": "#
        let cases: [(String, String)] = [
            ("not json", "l.json: file is not a JSON object"),
            (#"{"format": "other", "experiment": "abc", "seed": 7, "labels": []}"#, "l.json: field \"format\""),
            (head + "[]}", "l.json: field \"labels\" is missing or empty"),
            (head + #"[{"sample": 0, "class": 3, "category": null}]}"#, "l.json: labels[0] has no category"),
            (head + #"[{"sample": 0, "class": 3, "category": "blurry", "digit": 3}]}"#, "l.json: labels[0] has category \"blurry\""),
            (head + #"[{"sample": 0, "class": 3, "category": "clear"}]}"#, "l.json: labels[0] has category \"clear\" but no digit"),
            (head + #"[{"sample": 0, "class": 3, "category": "none", "digit": 3}]}"#, "l.json: labels[0] has a digit but the category \"none\""),
            (head + #"[{"sample": -1, "class": 3, "category": "none"}]}"#, "l.json: labels[0] has no integer"),
            (head + #"[{"sample": 0, "class": 3, "category": "none"}, {"sample": 0, "class": 3, "category": "none"}]}"#,
             "l.json: field \"labels\" lists an image twice"),
        ]
        for (text, expected) in cases {
            XCTAssertThrowsError(try parse(text), text) { error in
                let message = "\(error)"
                XCTAssertTrue(message.hasPrefix(expected), "\(message) does not start with \(expected)")
                XCTAssertFalse(message.contains("\n"))
            }
        }
    }

    func testFiguresMatchHandComputedValues() {
        // 10 images, 7 read as intended: share 0.7; the two-sided 95% Clopper-Pearson interval of
        // 7/10 is [0.34755, 0.93326] (Beta quantiles B(0.025; 7, 4) and B(0.975; 8, 3), the
        // textbook values), so delta = 0.3 in [0.06674, 0.65245].
        var entries: [(Int, Int, ManualCategory, Int?)] = (0..<7).map { ($0, 1, .clear, 1) }
        entries += [(7, 1, .poor, 7), (8, 1, .ambiguous, 4), (9, 1, .none, nil)]
        let score = ManualScore(labels(entries), confidence: 0.95)
        XCTAssertEqual(score.labelled, 10)
        XCTAssertEqual(score.identified, 7)
        XCTAssertEqual(score.counts, [.clear: 7, .poor: 1, .ambiguous: 1, .none: 1])
        XCTAssertEqual(score.identifiedByCategory, [.clear: 7, .poor: 0, .ambiguous: 0, .none: 0])
        XCTAssertEqual(score.share.lower, 0.34755, accuracy: 5e-5)
        XCTAssertEqual(score.share.upper, 0.93326, accuracy: 5e-5)
        XCTAssertEqual(score.delta.lower, 0.06674, accuracy: 5e-5)
        XCTAssertEqual(score.delta.upper, 0.65245, accuracy: 5e-5)
        // All 10 identified: the lower end is (alpha/2)^(1/n) = 0.025^(1/10) in closed form.
        let all = ManualScore(labels((0..<10).map { ($0, 2, .clear, 2) }), confidence: 0.95)
        XCTAssertEqual(all.share.lower, Foundation.pow(0.025, 0.1), accuracy: 1e-12)
        XCTAssertEqual(all.share.upper, 1)
        XCTAssertEqual(all.delta.lower, 0)
        XCTAssertGreaterThanOrEqual(all.delta.upper, 1 - all.share.lower)
        let object = all.jsonObject
        XCTAssertEqual(object["identified_share"] as? Double, 1)
        XCTAssertEqual(object["confidence"] as? Double, 0.95)
        XCTAssertEqual(object["alpha"] as? Double, 0.05)
    }

    func testPageShowsEveryImageInlineAndNoExternalURL() throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples/digits/experiment.json").path
        var experiment = try Experiment.load(contentsOf: file)
        experiment.seed = 11
        let loaded = try LoadedExperiment(experiment)
        let items = ManualScorePage.items(classes: loaded.classes, count: 13)
        XCTAssertEqual(items.map(\.classIndex), (0..<13).map { $0 % 10 })
        XCTAssertEqual(items.map(\.sample), (0..<13).map { $0 / 10 })
        let html = try XCTUnwrap(ManualScorePage.html(loaded, items: items, digits: Array(0...9)))
        XCTAssertEqual(html.components(separatedBy: "<img src=\"data:image/png;base64,").count - 1, 13)
        XCTAssertEqual(html.components(separatedBy: "<img ").count - 1, 13)
        XCTAssertEqual(html.components(separatedBy: "type=\"radio\"").count - 1, 13 * 4)
        for external in ["http:", "https:", "//cdn", "src=\"/", "href=\"http", "@import", "url("] {
            XCTAssertFalse(html.contains(external), "the page refers to \(external)")
        }
        XCTAssertTrue(html.contains("\"experiment\":\"\(loaded.hash)\""))
        XCTAssertTrue(html.contains("\"seed\":11"))
    }
}
