// The report's colours and its one inline style sheet.

/// Colours and CSS of the HTML report. The chart colours are fixed so that a screenshot
/// check can look for them (Tests/report/check_report_screenshot.sh).
public enum ReportStyle {
    /// Robust samples (bars, legend, HOLDS badge).
    public static let robust = "#2e7d32"
    /// NOT ROBUST samples (bars, legend, FAILS badge).
    public static let notRobust = "#c62828"
    /// UNKNOWN samples, counterexamples unconfirmed in float included.
    public static let unknown = "#f2a900"
    /// Timing bars.
    public static let timing = "#1f5fbf"
    /// INCONCLUSIVE badge.
    public static let inconclusive = "#9a5b00"

    static let css = """
    body{font-family:"DejaVu Sans","Segoe UI",Helvetica,Arial,sans-serif;margin:0;background:#eef0f3;color:#1d232b;line-height:1.4}
    main{max-width:1100px;margin:0 auto;padding:20px 28px 40px}
    h1{font-size:25px;margin:0 0 6px}
    h2{font-size:18px;margin:0 0 10px}
    p{margin:6px 0}
    section{background:#fff;border:1px solid #d7dbe0;border-radius:8px;padding:14px 18px;margin:14px 0}
    table{border-collapse:collapse;font-size:13px;width:100%}
    th,td{padding:4px 8px;border-bottom:1px solid #e4e7eb;text-align:right;vertical-align:top}
    th{background:#f2f4f7;font-weight:600;white-space:nowrap}
    .l{text-align:left}
    tr.all td{font-weight:600;border-top:2px solid #c9ced5}
    table.kv{width:auto}
    table.kv th{text-align:left;background:none;padding-right:18px}
    table.kv td{text-align:left}
    .badge{display:inline-block;padding:1px 10px;border-radius:11px;font-weight:700;color:#fff;font-size:13px}
    .HOLDS{background:\(robust)}.FAILS{background:\(notRobust)}.INCONCLUSIVE{background:\(inconclusive)}
    .big{font-size:17px;padding:3px 14px;border-radius:14px}
    .note{background:#fff5e0;border-left:4px solid \(unknown);padding:7px 12px;margin:10px 0;font-size:14px}
    .muted{color:#5b6673;font-size:13px}
    code{font-family:"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:12px;word-break:break-all}
    .gallery{display:flex;flex-wrap:wrap;gap:10px}
    figure{margin:0;border:1px solid #d7dbe0;border-radius:6px;padding:8px;background:#fafbfc;width:236px}
    .pair{display:flex;gap:8px;justify-content:center}
    .pair div{text-align:center;font-size:12px}
    .pair img{image-rendering:pixelated;border:1px solid #b8bec6;display:block;margin:0 auto 2px}
    figcaption{font-size:12px;margin-top:4px;color:#36404b}
    .wrong{color:\(notRobust);font-weight:700}
    .charts{display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start}
    """
}
