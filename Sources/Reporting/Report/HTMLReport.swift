// The self-contained HTML report of a robustness run.

import Foundation
import Network

/// Writes one self-contained HTML document: inline CSS, charts as inline SVG, images as
/// `data:image/png;base64` URIs, no script and no external resource. Every text that comes
/// from a user (paths, comments, reasons) goes through ``HTMLText/escape(_:)``.
///
/// Sections: verdict, experiment, statistics per class (the ``ResultsAssessment`` that
/// `verify summary` prints), verdicts per class (SVG), counterexample gallery, time per
/// pipeline step (table and SVG), unknown samples.
public enum HTMLReport {
    public static func render(_ input: ReportInput) -> String {
        let assessment = input.assessment
        var body = "<main>"
        body += "<h1>Robustness report</h1>"
        body += "<p>Overall verdict: <span class=\"badge big \(assessment.verdict.rawValue)\">\(assessment.verdict.rawValue)</span> "
        body += "<span class=\"muted\">claim: for every class c, P(C∘G<sub>c</sub> is robust at eps \(HTMLText.short(input.header.eps))) ≥ 1 − delta = \(HTMLText.short(assessment.configuration.threshold)), "
        body += "confidence \(assessment.configuration.level.confidenceDecimal)</span></p>"
        for note in input.notes { body += "<p class=\"note\">\(HTMLText.escape(note))</p>" }
        body += experimentSection(input)
        body += statisticsSection(input)
        body += gallerySection(input)
        body += timingSection(input)
        body += unknownSection(input)
        body += "<p class=\"muted\">Written by <code>verify report</code> from \(input.records.count) records; self-contained (no scripts, no network access).</p>"
        body += "</main>"
        return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"/><title>Robustness report \(HTMLText.escape(String(input.header.experiment.prefix(12))))</title>
        <style>
        \(ReportStyle.css)
        </style></head>
        <body>\(body)</body></html>

        """
    }

    /// The experiment: files with digests, parameters, sample counts, shards.
    static func experimentSection(_ input: ReportInput) -> String {
        let header = input.header
        var rows: [(String, String)] = []
        if let comment = input.comment { rows.append(("comment", HTMLText.escape(comment))) }
        rows.append(("experiment file", input.experimentFile.map { "<code>\(HTMLText.escape($0))</code>" } ?? "(not recorded)"))
        rows.append(("experiment hash", "<code>\(HTMLText.escape(header.experiment))</code>"))
        rows.append(("results files", input.resultsFiles.map { "<code>\(HTMLText.escape($0))</code>" }.joined(separator: "<br/>")))
        rows.append(("eps (L∞ in noise space)", HTMLText.short(header.eps)))
        rows.append(("delta", HTMLText.short(input.assessment.configuration.delta)))
        rows.append(("confidence", "\(input.assessment.configuration.level.confidenceDecimal) (alpha split over \(header.classes.count) classes: alpha<sub>c</sub> = \(input.assessment.perClassLevel.decimal))"))
        rows.append(("deciding bound", input.assessment.configuration.method.rawValue))
        rows.append(("noise dimension", "\(header.noiseDimension)"))
        rows.append(("classes", header.classes.map(String.init).joined(separator: ", ")))
        rows.append(("samples per class", "\(input.assessment.samplesPerClass) planned; \(input.records.count) records in the files"))
        rows.append(("shards", header.shard.map { "shard \($0)" } ?? (input.resultsFiles.count > 1 ? "\(input.resultsFiles.count) files joined" : "whole run")))
        if let stop = header.stopEarly {
            rows.append(("stop early", "sequential test, looks at \(stop.initialSampleSize) · \(HTMLText.short(stop.growthFactor))<sup>k−1</sup> samples, \(HTMLText.escape(stop.spending.rawValue)) spending"))
        }
        var html = "<section id=\"experiment\"><h2>Experiment</h2><table class=\"kv\">"
        for (key, value) in rows { html += "<tr><th>\(key)</th><td>\(value)</td></tr>" }
        html += "</table>"
        html += "<h2 style=\"margin-top:14px\">Networks</h2><table><tr><th class=\"l\">role</th><th class=\"l\">file</th><th class=\"l\">SHA-256 (of the run)</th><th class=\"l\">now</th></tr>"
        let paths = networkPaths(input.networks)
        for (role, digest) in header.digests.sorted(by: { $0.key < $1.key }) {
            let now: String
            switch input.networks {
            case .loaded(let loaded): now = loaded.digests[role] == digest ? "matches" : "differs"
            case .unavailable: now = "not checked"
            }
            html += "<tr><td class=\"l\">\(HTMLText.escape(role))</td><td class=\"l\"><code>\(HTMLText.escape(paths[role] ?? "?"))</code></td><td class=\"l\"><code>\(HTMLText.escape(digest))</code></td><td class=\"l\">\(now)</td></tr>"
        }
        html += "</table>"
        if case .unavailable(let reason) = input.networks {
            html += "<p class=\"note\">No pictures: \(HTMLText.escape(reason))</p>"
        }
        return html + "</section>"
    }

    /// Role -> file path of the loaded experiment.
    static func networkPaths(_ networks: ReportNetworks) -> [String: String] {
        guard let loaded = networks.experiment else { return [:] }
        var paths = ["classifier": loaded.experiment.classifier]
        switch loaded.experiment.generators {
        case .perClass(let files): for (c, path) in files { paths["generator_\(c)"] = path }
        case let .conditional(path, _, _, output):
            paths["conditional_generator"] = output == .file ? path : "\(path) (output \(output.rawValue))"
        }
        return paths
    }

    /// The per-class table (the numbers of `verify summary`) and the verdict chart.
    static func statisticsSection(_ input: ReportInput) -> String {
        let assessment = input.assessment
        var html = "<section id=\"statistics\"><h2>Statistics per class</h2>"
        html += "<p class=\"muted\">Bounds are one-sided at alpha<sub>c</sub> = \(assessment.perClassLevel.decimal) each; lower bounds count UNKNOWN (and unconfirmed counterexamples) as failures, upper bounds as successes. The \(assessment.configuration.method.rawValue) bound decides\(assessment.stopEarly == nil ? "" : "; with stop-early the deciding column shows the last look's bounds").</p>"
        html += "<table id=\"statistics-table\"><tr><th class=\"l\">class</th><th>n</th><th>robust</th><th>not robust</th><th>unknown</th><th>p̂</th><th>Hoeffding [lower, upper]</th><th>Clopper-Pearson [lower, upper]</th><th class=\"l\">verdict</th></tr>"
        for report in assessment.classes {
            let counts = report.counts
            var hoeffding = report.assessment.hoeffding, clopper = report.assessment.clopperPearson
            if let look = report.sequentialLook {
                if assessment.configuration.method == .hoeffding { hoeffding = look.bounds } else { clopper = look.bounds }
            }
            var verdict = "<span class=\"badge \(report.verdict.rawValue)\">\(report.verdict.rawValue)</span>"
            if report.verdict == .inconclusive, report.sequentialLook == nil, let further = report.assessment.furtherSamples {
                verdict += " <span class=\"muted\">~\(further.additionalSamples) more samples would likely make it \(further.target.rawValue)</span>"
            }
            if let look = report.sequentialLook { verdict += " <span class=\"muted\">look \(look.index)</span>" }
            if report.excluded > 0 { verdict += " <span class=\"muted\">\(report.excluded) records not counted</span>" }
            let unknown = "\(counts.unknown)" + (report.unconfirmed > 0 ? " (\(report.unconfirmed) uc)" : "")
            html += "<tr data-class=\"\(report.classIndex)\"><td class=\"l\">\(report.classIndex)</td><td>\(counts.n)</td><td>\(counts.robust)</td><td>\(counts.notRobust)</td><td>\(unknown)</td>"
            html += "<td>\(counts.n > 0 ? HTMLText.number(Double(counts.robust) / Double(counts.n)) : "-")</td>"
            html += "<td>[\(HTMLText.number(hoeffding.lower)), \(HTMLText.number(hoeffding.upper))]</td>"
            html += "<td>[\(HTMLText.number(clopper.lower)), \(HTMLText.number(clopper.upper))]</td><td class=\"l\">\(verdict)</td></tr>"
        }
        let total = assessment.totalCounts
        html += "<tr class=\"all\" data-class=\"all\"><td class=\"l\">all</td><td>\(total.n)</td><td>\(total.robust)</td><td>\(total.notRobust)</td><td>\(total.unknown)</td>"
        html += "<td>\(total.n > 0 ? HTMLText.number(Double(total.robust) / Double(total.n)) : "-")</td><td></td><td></td>"
        html += "<td class=\"l\"><span class=\"badge \(assessment.verdict.rawValue)\">\(assessment.verdict.rawValue)</span></td></tr></table>"
        html += "<h2 style=\"margin-top:16px\">Verdicts per class</h2>"
        html += SVGCharts.verdictBars(assessment.classes)
        return html + "</section>"
    }

    static func gallerySection(_ input: ReportInput) -> String {
        let selected = ReportGallery.select(input.records, limit: input.galleryLimit)
        let available = input.records.filter { $0.counterexample != nil }.count
        var html = "<section id=\"gallery\"><h2>Counterexamples</h2>"
        guard available > 0 else { return html + "<p>No sample has a counterexample.</p></section>" }
        html += "<p class=\"muted\">G<sub>c</sub>(x) at the sample's noise x and G<sub>c</sub>(x′) at the counterexample x′ in its eps-box, each with the classifier's label and margin y<sub>c</sub> − max<sub>j≠c</sub> y<sub>j</sub> (negative: misclassified). "
        html += "Showing \(selected.count) of \(available), clearest misclassification first.</p>"
        if case .unavailable(let reason) = input.networks {
            html += "<p class=\"note\">Images not shown: \(HTMLText.escape(reason))</p>"
        }
        html += ReportGallery.html(selected, networks: input.networks)
        return html + "</section>"
    }

    static func timingSection(_ input: ReportInput) -> String {
        let timings = StepTiming.table(input.records)
        var html = "<section id=\"timing\"><h2>Time per pipeline step</h2>"
        guard !timings.isEmpty else { return html + "<p>No step timings recorded.</p></section>" }
        html += "<p class=\"muted\">Over all \(input.records.count) records; quantiles over the samples in which the step ran. Query time of the counted samples: \(HTMLText.duration(input.assessment.querySeconds)).</p>"
        html += "<div class=\"charts\"><table id=\"timing-table\" style=\"width:auto\"><tr><th class=\"l\">step</th><th>ran</th><th>decided</th><th>median</th><th>p90</th><th>max</th><th>total</th></tr>"
        for timing in timings {
            html += "<tr><td class=\"l\">\(HTMLText.escape(timing.step.rawValue))</td><td>\(timing.ran)</td><td>\(timing.decided)</td><td>\(HTMLText.duration(timing.median))</td>"
            html += "<td>\(HTMLText.duration(timing.p90))</td><td>\(HTMLText.duration(timing.maximum))</td><td>\(HTMLText.duration(timing.total))</td></tr>"
        }
        html += "</table>" + SVGCharts.timingBars(timings) + "</div>"
        return html + "</section>"
    }

    static func unknownSection(_ input: ReportInput) -> String {
        let unknown = input.records.filter { $0.verdict == .unknown || $0.verdict == .notRobustUnconfirmed }
        guard !unknown.isEmpty else { return "" }
        var html = "<section id=\"unknown\"><h2>Unknown samples (\(unknown.count))</h2><table><tr><th class=\"l\">class</th><th>sample</th><th class=\"l\">verdict</th><th class=\"l\">limit</th><th>seconds</th><th class=\"l\">reason</th></tr>"
        for record in unknown.prefix(200) {
            html += "<tr><td class=\"l\">\(record.classIndex)</td><td>\(record.sample)</td><td class=\"l\">\(record.verdict.rawValue)</td>"
            html += "<td class=\"l\">\(HTMLText.escape(record.limit ?? "-"))</td><td>\(HTMLText.duration(record.seconds))</td><td class=\"l\">\(HTMLText.escape(record.reason ?? (record.verdict == .notRobustUnconfirmed ? "counterexample not confirmed in float" : "-")))</td></tr>"
        }
        html += "</table>"
        if unknown.count > 200 { html += "<p class=\"muted\">… and \(unknown.count - 200) more.</p>" }
        return html + "</section>"
    }
}
