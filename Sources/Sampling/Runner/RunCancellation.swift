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

    public init() {}

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
