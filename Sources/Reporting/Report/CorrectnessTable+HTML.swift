// A classifier x generator table (`verify table --json`) as HTML, for the reproduction page.

import Foundation
import Sampling

extension CorrectnessTable {
    /// Reads a `verify table --json` file (snake_case keys); throws naming the file.
    public static func load(contentsOf path: String) throws -> CorrectnessTable {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ExperimentError.invalidResults(file: path, place: "file", problem: "cannot read the file",
                                                 fix: "give a file written by 'verify table --json FILE'")
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(CorrectnessTable.self, from: data)
        } catch {
            throw ExperimentError.invalidResults(file: path, place: "file", problem: "is not a 'verify table --json' file (\(error))",
                                                 fix: "write it with 'verify table MATRIX --json FILE'")
        }
    }

    /// `87.5 [85.1, 89.6]`: a proportion in percent with its interval.
    static func percent(_ estimate: Double, _ interval: ProportionInterval) -> String {
        String(format: "%.1f <span class=\"muted\">[%.1f, %.1f]</span>", 100 * estimate, 100 * interval.lower, 100 * interval.upper)
    }

    /// Three tables: pooled correctness (and exact robustness where run) per cell with the
    /// test accuracy; the delta-correctness verdict and worst class per cell; the correctness
    /// of every class per cell (the generator-dependence view).
    func htmlSection() -> String {
        let confidence = String(format: "%g", 100 * self.confidence)
        var html = "<p class=\"muted\">Global correctness in % (all classes pooled), \(samplesPerClass) samples per class, seed \(seed); "
        html += "[lower, upper]: two-sided \(confidence)% \(HTMLText.escape(bound.rawValue)) interval; ties count as errors. "
        html += "Matrix <code>\(HTMLText.escape(file))</code>, \(HTMLText.short(seconds, digits: 4)) s.</p>"
        let hasRobustness = cells.joined().contains { $0.robustness != nil }
        html += "<table><tr><th class=\"l\">classifier</th>"
        if testAccuracy != nil { html += "<th>test accuracy</th>" }
        for family in families {
            html += "<th>\(HTMLText.escape(family))</th>"
            if hasRobustness { html += "<th>\(HTMLText.escape(family)): robust</th>" }
        }
        html += "</tr>"
        for (row, classifier) in classifiers.enumerated() {
            html += "<tr><td class=\"l\">\(HTMLText.escape(classifier))</td>"
            if let accuracy = testAccuracy?[row] { html += "<td>\(Self.percent(accuracy.estimate, accuracy.interval))</td>" }
            for cell in cells[row] {
                html += "<td>\(Self.percent(cell.pooled.estimate, cell.pooled.interval))</td>"
                if hasRobustness { html += "<td>\(cell.robustness.map(Self.robustnessText) ?? "—")</td>" }
            }
            html += "</tr>"
        }
        html += "</table>"
        if let testSet { html += "<p class=\"muted\">Test accuracy on <code>\(HTMLText.escape(testSet))</code>.</p>" }
        html += verdictTable()
        html += classTable()
        return html
    }

    static func robustnessText(_ cell: RobustnessCell) -> String {
        let counts = cell.counts
        return percent(cell.estimate, cell.robust)
            + " <span class=\"muted\">(eps \(HTMLText.short(cell.eps)); \(counts.robust) robust, \(counts.notRobust) not, \(counts.unknown) unknown)</span>"
    }

    /// Delta-correctness per cell (every class, union bound) with the worst class.
    func verdictTable() -> String {
        var html = "<h3>delta-correctness per cell (every class, union bound), worst class</h3><table><tr><th class=\"l\">classifier</th>"
        for family in families { html += "<th>\(HTMLText.escape(family))</th>" }
        html += "</tr>"
        for (row, classifier) in classifiers.enumerated() {
            html += "<tr><td class=\"l\">\(HTMLText.escape(classifier))</td>"
            for cell in cells[row] {
                let verdict = cell.report.assessment.verdict.rawValue
                html += "<td><span class=\"badge \(verdict)\">\(verdict)</span> class \(cell.worstClass): \(String(format: "%.1f", 100 * cell.worstClassCorrectness))</td>"
            }
            html += "</tr>"
        }
        return html + "</table>"
    }

    /// Correctness of every class (rows: classifier x family; columns: classes).
    func classTable() -> String {
        let classes = cells.first?.first?.report.classes.map(\.classIndex) ?? []
        var html = "<h3>per class (% correct)</h3><table class=\"classes\"><tr><th class=\"l\">classifier</th><th class=\"l\">family</th>"
        for c in classes { html += "<th>\(c)</th>" }
        html += "</tr>"
        for (row, classifier) in classifiers.enumerated() {
            for cell in cells[row] {
                html += "<tr><td class=\"l\">\(HTMLText.escape(classifier))</td><td class=\"l\">\(HTMLText.escape(cell.family))</td>"
                for entry in cell.report.classes {
                    let share = entry.samples == 0 ? 0 : Double(entry.correct) / Double(entry.samples)
                    html += "<td>\(String(format: "%.1f", 100 * share))</td>"
                }
                html += "</tr>"
            }
        }
        return html + "</table>"
    }
}
