// Inline SVG charts of the report: verdicts per class and time per pipeline step.

import Foundation
import Sampling

/// Inline SVG (no `xmlns`, no external reference: HTML5 parses `<svg>` in place).
enum SVGCharts {
    /// One stacked bar per class, scaled to the class's sample count `n` (100 %):
    ///
    /// ```
    /// class 3 |█████████████████████████████▌▌| 990 / 8 / 2
    ///          robust        not robust ^  ^ unknown
    /// ```
    ///
    /// A non-zero segment is drawn at least `minimumSegment` pixels wide so that a single
    /// NOT ROBUST sample among a thousand stays visible; the robust segment gives way.
    static func verdictBars(_ classes: [ClassReport]) -> String {
        let labelWidth = 70.0, barWidth = 520.0, countsWidth = 130.0, rowHeight = 24.0, barHeight = 16.0
        let top = 30.0
        let width = labelWidth + barWidth + countsWidth
        let height = top + rowHeight * Double(classes.count) + 8
        var svg = "<svg class=\"chart\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"verdicts per class\">"
        svg += legend([("robust", ReportStyle.robust), ("not robust", ReportStyle.notRobust), ("unknown", ReportStyle.unknown)], x: labelWidth, y: 6)
        for (row, report) in classes.enumerated() {
            let y = top + Double(row) * rowHeight
            let counts = report.counts
            svg += text("class \(report.classIndex)", x: labelWidth - 8, y: y + barHeight - 3, anchor: "end")
            let segments = widths([counts.robust, counts.notRobust, counts.unknown], total: barWidth)
            var x = labelWidth
            for (segment, colour) in zip(segments, [ReportStyle.robust, ReportStyle.notRobust, ReportStyle.unknown]) where segment > 0 {
                svg += rect(x: x, y: y, width: segment, height: barHeight, fill: colour)
                x += segment
            }
            if counts.n == 0 { svg += rect(x: labelWidth, y: y, width: barWidth, height: barHeight, fill: "#e4e7eb") }
            svg += text("\(counts.robust) / \(counts.notRobust) / \(counts.unknown)", x: labelWidth + barWidth + 8, y: y + barHeight - 3, anchor: "start")
        }
        return svg + "</svg>"
    }

    /// Segment widths proportional to `counts`, every non-zero one at least
    /// `minimumSegment`, the excess taken from the widest segment.
    static func widths(_ counts: [Int], total: Double, minimumSegment: Double = 4) -> [Double] {
        let n = counts.reduce(0, +)
        guard n > 0 else { return counts.map { _ in 0 } }
        var result = counts.map { $0 == 0 ? 0 : max(minimumSegment, total * Double($0) / Double(n)) }
        let excess = result.reduce(0, +) - total
        if excess > 0, let widest = result.indices.max(by: { result[$0] < result[$1] }) { result[widest] -= excess }
        return result
    }

    /// Horizontal bars of each step's total seconds, labelled with median and p90.
    static func timingBars(_ timings: [StepTiming]) -> String {
        let labelWidth = 64.0, barWidth = 230.0, valueWidth = 250.0, rowHeight = 24.0, barHeight = 16.0, top = 8.0
        let width = labelWidth + barWidth + valueWidth
        let height = top + rowHeight * Double(timings.count) + 6
        let longest = max(timings.map(\.total).max() ?? 0, 1e-12)
        var svg = "<svg class=\"chart\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"seconds per pipeline step\">"
        for (row, timing) in timings.enumerated() {
            let y = top + Double(row) * rowHeight
            svg += text(timing.step.rawValue, x: labelWidth - 8, y: y + barHeight - 3, anchor: "end")
            svg += rect(x: labelWidth, y: y, width: barWidth, height: barHeight, fill: "#eef1f5")
            svg += rect(x: labelWidth, y: y, width: max(2, barWidth * timing.total / longest), height: barHeight, fill: ReportStyle.timing)
            svg += text("\(HTMLText.duration(timing.total)) (median \(HTMLText.duration(timing.median)), p90 \(HTMLText.duration(timing.p90)))",
                        x: labelWidth + barWidth + 8, y: y + barHeight - 3, anchor: "start")
        }
        return svg + "</svg>"
    }

    static func legend(_ entries: [(String, String)], x: Double, y: Double) -> String {
        var svg = "", position = x
        for (label, colour) in entries {
            svg += rect(x: position, y: y, width: 14, height: 14, fill: colour)
            svg += text(label, x: position + 19, y: y + 12, anchor: "start")
            position += 30 + Double(label.count) * 7.5
        }
        return svg
    }

    static func rect(x: Double, y: Double, width: Double, height: Double, fill: String) -> String {
        "<rect x=\"\(coordinate(x))\" y=\"\(coordinate(y))\" width=\"\(coordinate(width))\" height=\"\(coordinate(height))\" fill=\"\(fill)\"/>"
    }

    static func text(_ content: String, x: Double, y: Double, anchor: String) -> String {
        "<text x=\"\(coordinate(x))\" y=\"\(coordinate(y))\" text-anchor=\"\(anchor)\" font-size=\"12\" fill=\"#1d232b\">\(HTMLText.escape(content))</text>"
    }

    static func coordinate(_ value: Double) -> String { String(format: "%.1f", value) }
}
