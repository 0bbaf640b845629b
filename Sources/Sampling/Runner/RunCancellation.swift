// Stopping a run from another thread (a signal handler, a UI) without losing finished samples.

import Foundation
import Solver

/// A thread-safe stop request for a run: new samples are no longer started, the queries in
/// flight are interrupted (their partial answers are discarded, never recorded), and the run
/// returns with every finished sample written.
public final class RunCancellation: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled = false
    private var handles: [QueryInterruptHandle] = []
    private var remaining: Int?

    /// - Parameter afterFinishedSamples: cancel by itself once this many samples have been
    ///   recorded (a deterministic stop point, used by tests of interrupt-and-resume).
    public init(afterFinishedSamples: Int? = nil) {
        remaining = afterFinishedSamples
    }

    /// Called by a worker after it recorded a sample.
    func sampleFinished() {
        lock.lock()
        var reached = false
        if let count = remaining {
            remaining = count - 1
            reached = count - 1 <= 0
        }
        lock.unlock()
        if reached { cancel() }
    }

    public var isCancelled: Bool {
        lock.lock(); defer { lock.unlock() }
        return cancelled
    }

    /// Requests the stop. Safe to call from any thread, any number of times.
    public func cancel() {
        lock.lock()
        cancelled = true
        let current = handles
        lock.unlock()
        for handle in current { handle.interrupt() }
    }

    /// Registers a worker's solver; interrupted at once if the run is already cancelled.
    func register(_ handle: QueryInterruptHandle) {
        lock.lock()
        handles.append(handle)
        let already = cancelled
        lock.unlock()
        if already { handle.interrupt() }
    }
}
