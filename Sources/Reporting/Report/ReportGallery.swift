// The counterexample gallery: G_c(x) | G_c(x') for samples with a counterexample.

import Foundation
import Network
import Sampling

/// Selection and HTML of the counterexample pairs.
enum ReportGallery {
    /// The records with a counterexample, ordered by
    ///
    /// ```
    /// (unconfirmed, centre misclassified, margin at x', class, sample)   ascending
    /// ```
    ///
    /// so confirmed realistic adversarial pairs (the centre `x` classified correctly, `x'` in
    /// its box not) come first, the clearest misclassification (most negative margin) first;
    /// samples whose centre is already misclassified (`x' = x`) follow; at most `limit`.
    static func select(_ records: [SampleRecord], limit: Int) -> [SampleRecord] {
        func key(_ r: SampleRecord) -> (Int, Int, Double, Int, Int) {
            let cx = r.counterexample!
            let confirmed = cx.confirmed ?? cx.confirmedInFloat
            let centerCorrect = Classification(scores: r.centerLogits).isClass(r.classIndex)
            return (confirmed ? 0 : 1, centerCorrect ? 0 : 1, cx.margin, r.classIndex, r.sample)
        }
        let sorted = records.filter { $0.counterexample != nil }.sorted { key($0) < key($1) }
        return Array(sorted.prefix(max(0, limit)))
    }

    /// `max_i |a_i - b_i|` (0 for empty or mismatched vectors).
    static func lInfinity(_ a: [Double], _ b: [Double]) -> Double {
        guard a.count == b.count else { return .nan }
        return zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
    }

    /// One `<figure>` per selected record. With networks, both images are drawn
    /// (``ReportImages``) and both classes are re-derived in exact arithmetic
    /// (``NeuralNetwork/checkedClassification(_:)``); a class that differs from the record is
    /// flagged. Without networks, the centre's class is the float logits' (a tie is no class).
    static func html(_ selected: [SampleRecord], networks: ReportNetworks) -> String {
        var html = "<div class=\"gallery\">"
        for record in selected {
            let cx = record.counterexample!
            var centerClass = Classification(scores: record.centerLogits)
            let network = networks.experiment?.networks[record.classIndex]
            if let network, let exact = network.checkedClassification(record.noise).classification { centerClass = exact }
            let adversarialLabel = cx.predictedClass.map(String.init) ?? (cx.tiedClasses != nil ? "TIE" : "?")
            var caption = "class \(record.classIndex), sample \(record.sample) · found by \(cx.source.rawValue)"
            caption += !centerClass.isClass(record.classIndex) ? " (the sample itself is misclassified)" : " · ‖x′−x‖∞ = \(HTMLText.short(lInfinity(cx.noise, record.noise), digits: 3))"
            var warnings: [String] = []
            if !(cx.confirmed ?? cx.confirmedInFloat) { warnings.append("not confirmed in exact arithmetic (counted as UNKNOWN)") }
            if cx.float32Disagrees == true { warnings.append("float32 and float64 disagree at x′") }
            var images: [ReportImages.Picture?] = [nil, nil]
            if let loaded = networks.experiment, let network {
                let recheck = network.checkedClassification(cx.noise).classification
                if recheck != nil, recheck?.classIndex != cx.predictedClass {
                    warnings.append("re-evaluation with the loaded networks predicts differently from the record")
                }
                if let generator = loaded.generators[record.classIndex], centerClass.isClass(record.classIndex) {
                    let distance = lInfinity(generator.evaluate(record.noise), generator.evaluate(cx.noise))
                    caption += " · ‖G(x′)−G(x)‖∞ = \(HTMLText.short(distance, digits: 3))"
                }
                if let pair = ReportImages.pictures(loaded, classIndex: record.classIndex, noises: [record.noise, cx.noise]) {
                    images = pair
                }
            }
            html += "<figure><div class=\"pair\">"
            let centerLabel = centerClass.classIndex.map(String.init) ?? "TIE"
            let sides: [(String, String, Double, Bool)] = [("x", centerLabel, record.centerMargin, !centerClass.isClass(record.classIndex)),
                                                           ("x′", adversarialLabel, cx.margin, cx.predictedClass != record.classIndex)]
            for (side, picture) in zip(sides, images) {
                html += "<div>"
                if let picture {
                    html += "<img src=\"\(picture.uri)\" width=\"\(picture.width)\" height=\"\(picture.height)\" alt=\"G(\(side.0))\"/>"
                }
                html += "G(\(side.0)) → <span class=\"\(side.3 ? "wrong" : "right")\">\(side.1)</span><br/>margin \(HTMLText.number(side.2, digits: 3))</div>"
            }
            html += "</div><figcaption>\(HTMLText.escape(caption))"
            for warning in warnings { html += "<br/><span class=\"wrong\">\(HTMLText.escape(warning))</span>" }
            html += "</figcaption></figure>"
        }
        return html + "</div>"
    }
}
