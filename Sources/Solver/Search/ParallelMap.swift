import Dispatch

/// `items.map(body)` on up to `threads` threads (Dispatch's shared pool); the results keep
/// the items' order. One thread, or one item, runs inline.
enum ParallelMap {
    static func map<Item: Sendable, Result: Sendable>(
        _ items: [Item], threads: Int, _ body: @escaping @Sendable (Item) -> Result
    ) -> [Result] {
        guard threads > 1, items.count > 1 else { return items.map(body) }
        let slots = Slots<Result>(count: items.count)
        DispatchQueue.concurrentPerform(iterations: min(threads, items.count)) { _ in
            while let index = slots.claim() { slots.store(index, body(items[index])) }
        }
        return slots.results()
    }

    /// Result slots and the next unclaimed index, behind one lock.
    private final class Slots<Result>: @unchecked Sendable {
        private let lock = DispatchSemaphore(value: 1)
        private var values: [Result?]
        private var next = 0

        init(count: Int) { values = Array(repeating: nil, count: count) }

        func claim() -> Int? {
            lock.wait(); defer { lock.signal() }
            guard next < values.count else { return nil }
            next += 1
            return next - 1
        }

        func store(_ index: Int, _ value: Result) {
            lock.wait(); defer { lock.signal() }
            values[index] = value
        }

        func results() -> [Result] { values.map { $0! } }
    }
}
