/// The four row buffers of a back-substitution: the coefficient rows over the current layer,
/// their magnitudes `|λ|` (the operand of the error and radius products), and the same two
/// for the layer the next step produces. Uninitialised memory, reused by every pass of one
/// ``BackSubstitution`` (which replaces a shared instance before writing, so copies of a state
/// never share buffers).
final class RowScratch {
    private(set) var capacity = 0
    private(set) var rows: UnsafeMutablePointer<Double>
    private(set) var magnitudes: UnsafeMutablePointer<Double>
    private(set) var nextRows: UnsafeMutablePointer<Double>
    private(set) var nextMagnitudes: UnsafeMutablePointer<Double>

    init() {
        rows = .allocate(capacity: 1)
        magnitudes = .allocate(capacity: 1)
        nextRows = .allocate(capacity: 1)
        nextMagnitudes = .allocate(capacity: 1)
    }

    deinit {
        for buffer in [rows, magnitudes, nextRows, nextMagnitudes] { buffer.deallocate() }
    }

    /// Grows every buffer to at least `count` Doubles (contents are not kept).
    func reserve(_ count: Int) {
        guard count > capacity else { return }
        for buffer in [rows, magnitudes, nextRows, nextMagnitudes] { buffer.deallocate() }
        rows = .allocate(capacity: count)
        magnitudes = .allocate(capacity: count)
        nextRows = .allocate(capacity: count)
        nextMagnitudes = .allocate(capacity: count)
        capacity = count
    }

    /// The next layer's rows become the current ones.
    func swap() {
        Swift.swap(&rows, &nextRows)
        Swift.swap(&magnitudes, &nextMagnitudes)
    }
}
