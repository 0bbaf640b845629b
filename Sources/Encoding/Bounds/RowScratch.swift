import Foundation

/// The two row buffers of a back-substitution: the coefficient rows over the current layer and
/// those over the layer the next step produces. Uninitialised memory in one block, reused by every
/// pass of one ``BackSubstitution`` (which replaces a shared instance before writing, so
/// copies of a state never share buffers); a freed block goes back to ``ScratchPool`` for the
/// next state, so that passes do not fault fresh pages in.
final class RowScratch {
    private(set) var capacity = 0
    private var block: UnsafeMutablePointer<Double>?
    private(set) var rows: UnsafeMutablePointer<Double>
    private(set) var nextRows: UnsafeMutablePointer<Double>

    init() {
        let empty = UnsafeMutablePointer<Double>(bitPattern: MemoryLayout<Double>.alignment)!
        rows = empty
        nextRows = empty
    }

    deinit {
        if let block { ScratchPool.shared.give(block, capacity: capacity) }
    }

    /// Grows every buffer to at least `count` Doubles (contents are not kept).
    func reserve(_ count: Int) {
        guard count > capacity else { return }
        if let block { ScratchPool.shared.give(block, capacity: capacity) }
        let (fresh, size) = ScratchPool.shared.take(minimum: count)
        block = fresh
        capacity = size
        rows = fresh
        nextRows = fresh + size
    }

    /// The next layer's rows become the current ones.
    func swap() {
        Swift.swap(&rows, &nextRows)
    }
}

/// Freed ``RowScratch`` blocks (two buffers of `capacity` Doubles each), at most
/// ``limit`` of them, shared by all threads under a lock.
final class ScratchPool: @unchecked Sendable {
    static let shared = ScratchPool()
    /// The most blocks kept (one per worker thread is what a run reuses).
    static let limit = 8

    private let lock = NSLock()
    private var free: [(block: UnsafeMutablePointer<Double>, capacity: Int)] = []

    /// A block with at least `minimum` Doubles per buffer: the smallest free one that fits,
    /// else a new one.
    func take(minimum: Int) -> (UnsafeMutablePointer<Double>, Int) {
        lock.lock()
        defer { lock.unlock() }
        let fitting = free.indices.filter { free[$0].capacity >= minimum }
        if let index = fitting.min(by: { free[$0].capacity < free[$1].capacity }) {
            let entry = free.remove(at: index)
            return (entry.block, entry.capacity)
        }
        return (.allocate(capacity: 2 * minimum), minimum)
    }

    /// Returns a block; beyond ``limit`` the smallest block is released.
    func give(_ block: UnsafeMutablePointer<Double>, capacity: Int) {
        lock.lock()
        defer { lock.unlock() }
        free.append((block, capacity))
        guard free.count > Self.limit, let smallest = free.indices.min(by: { free[$0].capacity < free[$1].capacity }) else {
            return
        }
        free.remove(at: smallest).block.deallocate()
    }
}
