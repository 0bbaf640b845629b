// The collecting thread of a robustness run: finished samples to the results file, in order.

import Foundation

/// Writes a run's finished samples to the results file in index order and reports progress.
///
/// A finished sample waits until every sample issued before it has finished, so the file's
/// order does not depend on the workers' timing; samples beyond their class's stop-early size
/// are never written. After a cancellation every finished sample is flushed, even after a
/// gap (a resume fills the gap). A write error cancels the run and is thrown.
final class ResultsCollector {
    private let state: RunState
    private let appender: ResultsAppender
    private let cancellation: RunCancellation
    private var tracker: StopEarlyTracker?
    private let planned: Int
    private let resumed: Int
    private let elapsed: () -> Double
    private var finished: [Int: SampleRecord] = [:]
    private var counts: [SampleVerdict: Int] = [:]
    private var done = 0
    private var writeError: Error?
    /// The records this run wrote, in file order.
    private(set) var written: [SampleRecord] = []

    init(state: RunState, appender: ResultsAppender, cancellation: RunCancellation, tracker: StopEarlyTracker?,
         existing: [SampleRecord], planned: Int, elapsed: @escaping () -> Double) {
        self.state = state
        self.appender = appender
        self.cancellation = cancellation
        self.tracker = tracker
        self.planned = planned
        resumed = existing.count
        self.elapsed = elapsed
        for record in existing { counts[record.verdict, default: 0] += 1 }
    }

    func snapshot(final: Bool) -> RunProgress {
        RunProgress(done: done, planned: planned, resumed: resumed, counts: counts, elapsed: elapsed(), finished: final)
    }

    /// Collects until every worker has exited, calling `progress` at least every
    /// `progressTick` seconds; then flushes what a cancellation left and throws a worker's or
    /// the file's error.
    func collect(progressTick: Double, progress: (RunProgress) -> Void) throws {
        while true {
            let (batch, running) = state.waitForResults(timeout: progressTick)
            for record in batch {
                finished[record.index] = record
                done += 1
                tracker?.add(record, state: state)
            }
            // Write the finished samples that no earlier issued sample is waiting for.
            while let next = state.issued(at: state.writePointer), let record = finished.removeValue(forKey: next) {
                state.writePointer += 1
                if !beyondStop(record) { write(record) }
            }
            progress(snapshot(final: false))
            if !running && batch.isEmpty { break }
        }
        // After a cancellation: flush every finished sample, even those after a gap.
        for index in finished.keys.sorted() {
            let record = finished[index]!
            if !beyondStop(record) { write(record) }
        }
        if let error = state.error ?? writeError { throw error }
    }

    private func beyondStop(_ record: SampleRecord) -> Bool {
        state.stopAt[record.classIndex].map { record.sample >= $0 } ?? false
    }

    private func write(_ record: SampleRecord) {
        guard writeError == nil else { return }
        do {
            try appender.append(record)
            written.append(record)
            counts[record.verdict, default: 0] += 1
        } catch {
            writeError = error
            cancellation.cancel()
        }
    }
}
