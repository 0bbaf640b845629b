// The labels file of the manual score experiment: what people saw in generated images.

import Foundation
import Support

/// How a person judged one generated image (the four categories of the manual score page).
///
/// The page asks for one category and, unless the image shows no digit, the digit it shows:
///
/// ```
/// clear      a clearly recognisable digit
/// poor       a digit, but badly drawn (recognisable with effort)
/// ambiguous  could be two or more digits (the label is the most likely one)
/// none       no digit at all (noise, a blob, a mixture)
/// ```
public enum ManualCategory: String, Sendable, Hashable, CaseIterable, Codable {
    case clear, poor, ambiguous, none

    /// The text the page shows beside the choice.
    public var caption: String {
        switch self {
        case .clear: "clearly a digit"
        case .poor: "a digit, badly drawn"
        case .ambiguous: "ambiguous: could be two digits"
        case .none: "not a digit"
        }
    }
}

/// One labelled image: the experiment's sample `sample` of class `intended`, judged `category`
/// and read as `digit` (nil exactly when `category` is `none`).
public struct ManualLabel: Sendable, Hashable {
    public var sample: Int
    public var intended: Int
    public var category: ManualCategory
    public var digit: Int?

    public init(sample: Int, intended: Int, category: ManualCategory, digit: Int?) {
        self.sample = sample
        self.intended = intended
        self.category = category
        self.digit = digit
    }

    /// The person read the digit the generator was asked for.
    public var isIdentified: Bool { digit == intended }
}

/// A labels file as the manual score page saves it:
///
/// ```json
/// {"format": "verify-manual-score-1", "experiment": HASH, "experiment_file": PATH, "seed": S,
///  "labels": [{"sample": I, "class": C, "category": "clear", "digit": D}, ...]}
/// ```
public struct ManualLabels: Sendable, Hashable {
    public static let format = "verify-manual-score-1"

    /// The experiment's identity hash (``Sampling/LoadedExperiment/hash``).
    public var experiment: String
    public var experimentFile: String?
    /// The noise seed the images were drawn with.
    public var seed: UInt64
    public var labels: [ManualLabel]

    public init(experiment: String, experimentFile: String?, seed: UInt64, labels: [ManualLabel]) {
        self.experiment = experiment
        self.experimentFile = experimentFile
        self.seed = seed
        self.labels = labels
    }

    /// Reads a labels file. - Throws: ``ManualScoreError`` naming the file, the place and the fix.
    public static func read(_ path: String) throws -> ManualLabels {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ManualScoreError(file: path, place: "file", problem: "cannot be read", fix: "check the path")
        }
        return try parse(data, file: path)
    }

    /// Parses the text of a labels file (`file` names it in errors).
    public static func parse(_ data: Data, file: String) throws -> ManualLabels {
        func fail(_ place: String, _ problem: String, _ fix: String) -> ManualScoreError {
            ManualScoreError(file: file, place: place, problem: problem, fix: fix)
        }
        guard let root = try? JSONText.parse(data), let object = root as? [String: Any] else {
            throw fail("file", "is not a JSON object", "save the file again with the page's Save button")
        }
        guard object["format"] as? String == format else {
            throw fail("field \"format\"", "is not \"\(format)\"", "pass a file saved by the page of 'verify manual-score-page'")
        }
        guard let experiment = object["experiment"] as? String else {
            throw fail("field \"experiment\"", "is missing", "save the file again with the page's Save button")
        }
        guard let seedValue = object["seed"] as? Double, seedValue >= 0, seedValue == seedValue.rounded(), seedValue < 0x1p53 else {
            throw fail("field \"seed\"", "is not a non-negative integer", "save the file again with the page's Save button")
        }
        guard let entries = object["labels"] as? [Any], !entries.isEmpty else {
            throw fail("field \"labels\"", "is missing or empty", "label the images on the page, then Save")
        }
        var labels: [ManualLabel] = []
        for (position, entry) in entries.enumerated() {
            let place = "labels[\(position)]"
            guard let item = entry as? [String: Any] else { throw fail(place, "is not an object", "save the file again") }
            func integer(_ key: String) -> Int? {
                guard let value = item[key] as? Double, value >= 0, value == value.rounded(), value < 0x1p31 else { return nil }
                return Int(value)
            }
            guard let sample = integer("sample"), let intended = integer("class") else {
                throw fail(place, "has no integer \"sample\" and \"class\"", "save the file again with the page's Save button")
            }
            guard let text = item["category"] as? String else {
                throw fail(place, "has no category (image \(position + 1) on the page is not labelled)", "label every image, then Save")
            }
            guard let category = ManualCategory(rawValue: text) else {
                throw fail(place, "has category \"\(text)\"", "use one of \(ManualCategory.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let digit = integer("digit")
            if category == .none {
                guard item["digit"] == nil || item["digit"] is NSNull else {
                    throw fail(place, "has a digit but the category \"none\"", "choose a category that shows a digit, or no digit")
                }
            } else if digit == nil {
                throw fail(place, "has category \"\(text)\" but no digit (image \(position + 1) on the page)", "choose the digit the image shows")
            }
            labels.append(ManualLabel(sample: sample, intended: intended, category: category, digit: digit))
        }
        let keys = Set(labels.map { "\($0.intended)/\($0.sample)" })
        guard keys.count == labels.count else {
            throw fail("field \"labels\"", "lists an image twice", "save the file again with the page's Save button")
        }
        return ManualLabels(experiment: experiment, experimentFile: object["experiment_file"] as? String,
                            seed: UInt64(seedValue), labels: labels)
    }

    /// The JSON text of the file (what the page's Save button writes, keys sorted).
    public var jsonText: String {
        var object: [String: Any] = [
            "format": Self.format, "experiment": experiment, "seed": Int(seed),
            "labels": labels.map { label -> [String: Any] in
                var entry: [String: Any] = ["sample": label.sample, "class": label.intended, "category": label.category.rawValue]
                if let digit = label.digit { entry["digit"] = digit }
                return entry
            },
        ]
        if let experimentFile { object["experiment_file"] = experimentFile }
        return JSONText.encode(object, pretty: true)
    }
}

/// A bad labels file: `FILE: PLACE PROBLEM; FIX`.
public struct ManualScoreError: Error, CustomStringConvertible, Sendable, Equatable {
    public var file: String
    public var place: String
    public var problem: String
    public var fix: String

    public var description: String { "\(file): \(place) \(problem); \(fix)" }
}
