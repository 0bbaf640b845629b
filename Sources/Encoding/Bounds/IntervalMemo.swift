import Network

/// The interval products of one network's affine layers from earlier bound computations
/// (``IntervalPropagation/affine(_:_:)``: the output bounds and row magnitudes of layer `k`
/// for the input bounds it was given), kept so that a later computation whose layer `k` has
/// bit-identical input bounds takes them instead of repeating the `O(n m)` product.
///
/// In the ReLU-phase branch and bound every sub-problem is the same box, and a node keeps
/// its parent's bounds up to its split's layer (``PhaseNodeIntermediates``), so the first
/// affine layer's input never changes and most later ones repeat between a node's two bound
/// computations and from parent to child.
///
/// Soundness: ``IntervalPropagation/affine(_:_:)`` is a deterministic function of the layer
/// and its input bounds; an entry is used only when the layer index and every bit of the
/// input bounds are equal, so the computation gets exactly the Doubles it would have
/// computed. A memo belongs to one network: pass it only to computations over the network
/// whose results filled it (the layer sizes are checked; the weights are not).
public struct IntervalMemo: Sendable {
    struct Entry: Sendable {
        var input: LayerBounds
        var output: LayerBounds
        var rowMagnitudes: [Double]
    }

    private var entries: [Int: Entry] = [:]
    /// How many products were taken from the memo (for tests and measurements).
    private(set) var reuses = 0

    public init() {}

    /// The recorded product of layer `k` for exactly these input bounds, if any.
    mutating func product(layer k: Int, input: LayerBounds, outputSize: Int) -> (bounds: LayerBounds, rowMagnitudes: [Double])? {
        guard let entry = entries[k], entry.output.count == outputSize,
              Self.identical(entry.input.lower, input.lower), Self.identical(entry.input.upper, input.upper) else { return nil }
        reuses += 1
        return (entry.output, entry.rowMagnitudes)
    }

    /// The input bounds of layer `k`'s recorded product (for tests).
    func recordedInput(layer k: Int) -> LayerBounds? { entries[k]?.input }

    /// Records the product of layer `k` (replacing the layer's previous entry).
    mutating func record(layer k: Int, input: LayerBounds, output: LayerBounds, rowMagnitudes: [Double]) {
        entries[k] = Entry(input: input, output: output, rowMagnitudes: rowMagnitudes)
    }

    /// Whether the two arrays hold the same bit patterns (so `0` and `-0` differ).
    private static func identical(_ a: [Double], _ b: [Double]) -> Bool {
        guard a.count == b.count else { return false }
        return a.withUnsafeBufferPointer { x in
            b.withUnsafeBufferPointer { y in
                if x.baseAddress == y.baseAddress { return true }
                for i in 0..<x.count where x[i].bitPattern != y[i].bitPattern { return false }
                return true
            }
        }
    }
}
