// Progress of a run, and its rendering for a terminal or a log.

import Foundation

/// A snapshot of a running robustness run.
public struct RunProgress: Sendable {
    /// Samples finished in this invocation.
    public var done: Int
    /// Samples this invocation planned to run (an upper bound with `--stop-early`).
    public var planned: Int
    /// Samples already in the results file when the run started (`--resume`).
    public var resumed: Int
    /// Verdict counts of all samples in the file so far (resumed and new).
    public var counts: [SampleVerdict: Int]
    /// Seconds since this invocation started.
    public var elapsed: Double
    /// True for the final snapshot.
    public var finished: Bool

    public init(done: Int, planned: Int, resumed: Int, counts: [SampleVerdict: Int], elapsed: Double, finished: Bool) {
        self.done = done
        self.planned = planned
        self.resumed = resumed
        self.counts = counts
        self.elapsed = elapsed
        self.finished = finished
    }

    /// Samples per second in this invocation.
    public var rate: Double { elapsed > 0 ? Double(done) / elapsed : 0 }

    /// Estimated seconds left, nil before the first sample.
    public var remainingSeconds: Double? {
        guard done > 0, rate > 0 else { return nil }
        return Double(max(planned - done, 0)) / rate
    }
}

/// Renders progress on a stream: a bar redrawn in place on a terminal, a plain line every
/// `interval` seconds otherwise (logs, CI, Slurm output files), each after `label: ` when a
/// label is set (the cell of a table run).
public final class ProgressReporter {
    let isTerminal: Bool
    let interval: Double
    let label: String?
    let write: (String) -> Void
    private var lastOutput = -Double.infinity
    private var drewBar = false

    /// - Parameters:
    ///   - isTerminal: draw a bar (`isatty(2)` for stderr).
    ///   - interval: seconds between plain lines (a bar redraws at most 10 times a second).
    ///   - label: written before every bar and line.
    public init(isTerminal: Bool, interval: Double = 5, label: String? = nil, write: @escaping (String) -> Void) {
        self.isTerminal = isTerminal
        self.interval = interval
        self.label = label
        self.write = write
    }

    /// A reporter on stderr.
    public static func standardError(interval: Double = 5, label: String? = nil) -> ProgressReporter {
        ProgressReporter(isTerminal: isatty(2) != 0, interval: interval, label: label) { text in
            FileHandle.standardError.write(Data(text.utf8))
        }
    }

    public func update(_ progress: RunProgress) {
        let due = isTerminal ? 0.1 : interval
        guard progress.finished || progress.elapsed - lastOutput >= due else { return }
        lastOutput = progress.elapsed
        let prefix = label.map { $0 + ": " } ?? ""
        if isTerminal {
            write("\r" + prefix + bar(progress) + "\u{1B}[K" + (progress.finished ? "\n" : ""))
            drewBar = !progress.finished
        } else if !progress.finished || progress.done > 0 {
            write("progress: " + prefix + summary(progress) + "\n")
        }
    }

    /// Ends a bar line (before other output, e.g. an interrupt message).
    public func endLine() {
        if drewBar { write("\n"); drewBar = false }
    }

    func bar(_ p: RunProgress) -> String {
        let width = 24
        let fraction = p.planned > 0 ? min(1, Double(p.done) / Double(p.planned)) : 1
        let filled = Int((fraction * Double(width)).rounded(.down))
        return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] " + summary(p)
    }

    func summary(_ p: RunProgress) -> String {
        let robust = p.counts[.robust, default: 0]
        let notRobust = p.counts[.notRobust, default: 0]
        let unconfirmed = p.counts[.notRobustUnconfirmed, default: 0]
        let unknown = p.counts[.unknown, default: 0]
        var text = "\(p.done)/\(p.planned) samples"
        if p.resumed > 0 { text += " (+\(p.resumed) resumed)" }
        text += String(format: ", %.1f/s", p.rate)
        if let eta = p.remainingSeconds, !p.finished { text += ", ETA " + Self.duration(eta) }
        text += ", elapsed " + Self.duration(p.elapsed)
        text += " | robust \(robust), not robust \(notRobust)"
        if unconfirmed > 0 { text += " (+\(unconfirmed) unconfirmed)" }
        text += ", unknown \(unknown)"
        return text
    }

    /// `1h02m`, `3m05s`, `12s`.
    public static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s >= 3600 { return String(format: "%dh%02dm", s / 3600, (s % 3600) / 60) }
        if s >= 60 { return String(format: "%dm%02ds", s / 60, s % 60) }
        return "\(s)s"
    }
}
