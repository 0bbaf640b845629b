// The figures of the manual score experiment: how often people read the intended digit.

import Encoding
import Foundation
import Sampling

/// The manual score of a labels file.
///
/// ```
/// n          = labelled images
/// identified = images whose labelled digit is the intended class   (any category but none)
/// share      = identified / n
/// delta      = 1 - share        the delta for which the generator is delta-correct for people
/// [lo, hi]   = two-sided Clopper-Pearson interval of the share at confidence 1 - alpha
/// delta in [1 - hi, 1 - lo]     (each end rounded outward)
/// ```
public struct ManualScore: Sendable, Hashable {
    public var labelled: Int
    public var identified: Int
    public var counts: [ManualCategory: Int]
    /// Identified images per category.
    public var identifiedByCategory: [ManualCategory: Int]
    public var level: AlphaLevel
    public var share: ProportionInterval
    public var delta: ProportionInterval

    public init(_ labels: ManualLabels, confidence: Double) {
        labelled = labels.labels.count
        identified = labels.labels.filter(\.isIdentified).count
        var counts: [ManualCategory: Int] = [:], byCategory: [ManualCategory: Int] = [:]
        for category in ManualCategory.allCases { counts[category] = 0; byCategory[category] = 0 }
        for label in labels.labels {
            counts[label.category, default: 0] += 1
            if label.isIdentified { byCategory[label.category, default: 0] += 1 }
        }
        self.counts = counts
        identifiedByCategory = byCategory
        level = AlphaLevel(confidence: confidence)
        share = ClopperPearson.interval(successes: identified, trials: labelled, alpha: level.value)
        delta = ProportionInterval(lower: (ExactRational.one - ExactRational(share.upper)).roundedDown,
                                   upper: (ExactRational.one - ExactRational(share.lower)).roundedUp)
    }

    /// `identified / n`.
    public var identifiedShare: Double { Double(identified) / Double(labelled) }

    /// The `--json` object (snake_case keys).
    public var jsonObject: [String: Any] {
        [
            "labelled": labelled, "identified": identified, "identified_share": identifiedShare,
            "implied_delta": 1 - identifiedShare,
            "confidence": Double(level.confidenceDecimal) ?? 1 - level.value, "alpha": Double(level.decimal) ?? level.value,
            "identified_share_interval": [share.lower, share.upper],
            "implied_delta_interval": [delta.lower, delta.upper],
            "categories": Dictionary(uniqueKeysWithValues: ManualCategory.allCases.map {
                ($0.rawValue, ["count": counts[$0] ?? 0, "identified": identifiedByCategory[$0] ?? 0])
            }),
        ]
    }
}
