/// An axis-aligned box `{ x : lower[i] <= x[i] <= upper[i] for every i }` with finite bounds.
///
/// The region searched by a local robustness query (the eps-ball in the infinity norm around
/// a noise, or a VNN-LIB input box) and the unit of the input-split search.
///
/// Invariants (checked by the throwing initialisers, so every `Box` value satisfies them):
/// `lower.count == upper.count`, every bound is finite (not NaN, not infinite), and
/// `lower[i] <= upper[i]`. A degenerate box (`lower[i] == upper[i]`) is allowed.
public struct Box: Sendable, Equatable {
    public private(set) var lower: [Double]
    public private(set) var upper: [Double]

    /// Creates a box, validating the invariants.
    /// - Throws: ``BoxError`` naming the first offending dimension.
    public init(lower: [Double], upper: [Double]) throws(BoxError) {
        guard lower.count == upper.count else {
            throw .dimensionMismatch(lower: lower.count, upper: upper.count)
        }
        for index in lower.indices {
            guard lower[index].isFinite, upper[index].isFinite else {
                throw .nonFinite(dimension: index, lower: lower[index], upper: upper[index])
            }
            guard lower[index] <= upper[index] else {
                throw .emptyInterval(dimension: index, lower: lower[index], upper: upper[index])
            }
        }
        self.lower = lower
        self.upper = upper
    }

    /// The box `[center - radius, center + radius]` in every dimension (the infinity-norm
    /// ball). The corners are rounded outward (`RD(c - r)`, `RU(c + r)`), so the box contains
    /// every point within exact distance `radius` of `center`.
    /// - Throws: ``BoxError/invalidRadius(_:)`` for a negative or non-finite radius, and the
    ///   errors of ``init(lower:upper:)`` (a non-finite center, or overflow).
    public static func linf(center: [Double], radius: Double) throws(BoxError) -> Box {
        guard radius.isFinite, radius >= 0 else { throw .invalidRadius(radius) }
        return try Box(lower: center.map { DirectedRounding.addDown($0, -radius) },
                       upper: center.map { DirectedRounding.addUp($0, radius) })
    }

    /// Number of dimensions.
    public var dimension: Int { lower.count }

    /// The midpoint of each interval (rounded to nearest, always inside the interval).
    public var center: [Double] {
        lower.indices.map { Self.midpoint(lower[$0], upper[$0]) }
    }

    /// `upper[i] - lower[i]` rounded up (an upper bound of the exact width).
    public var widths: [Double] {
        lower.indices.map { DirectedRounding.addUp(upper[$0], -lower[$0]) }
    }

    /// Splits the box at the midpoint of `dimension`.
    ///
    /// Postconditions: with `mid` the midpoint, `left.upper[dimension] == mid ==
    /// right.lower[dimension]`, every other bound is unchanged, so `left ∪ right == self`
    /// exactly (no gap from rounding: both halves share the Double `mid`).
    /// - Precondition: `0 <= dimension < self.dimension`.
    public func split(dimension index: Int) -> (Box, Box) {
        precondition(lower.indices.contains(index), "split dimension \(index) outside 0..<\(dimension)")
        let mid = Self.midpoint(lower[index], upper[index])
        var left = self, right = self
        left.upper[index] = mid
        right.lower[index] = mid
        return (left, right)
    }

    /// Whether `point` lies in the box (bounds included).
    /// - Precondition: `point.count == dimension`.
    public func contains(_ point: [Double]) -> Bool {
        precondition(point.count == dimension, "point has \(point.count) entries, box has \(dimension)")
        for index in lower.indices where !(lower[index] <= point[index] && point[index] <= upper[index]) {
            return false
        }
        return true
    }

    /// The nearest point of the box: each coordinate clamped into its interval.
    /// A NaN coordinate becomes the interval's lower bound.
    /// - Precondition: `point.count == dimension`.
    public func clamp(_ point: [Double]) -> [Double] {
        precondition(point.count == dimension, "point has \(point.count) entries, box has \(dimension)")
        return point.indices.map { index in
            let x = point[index]
            if x.isNaN { return lower[index] }
            return Swift.min(Swift.max(x, lower[index]), upper[index])
        }
    }

    /// `(a + b) / 2` for finite `a <= b`, inside `[a, b]` even when `a + b` overflows.
    private static func midpoint(_ a: Double, _ b: Double) -> Double {
        var mid = (a + b) / 2
        if !mid.isFinite { mid = a / 2 + b / 2 }
        return Swift.min(Swift.max(mid, a), b)
    }
}

/// Why a ``Box`` could not be created.
public enum BoxError: Error, Sendable, Equatable, CustomStringConvertible {
    case dimensionMismatch(lower: Int, upper: Int)
    case nonFinite(dimension: Int, lower: Double, upper: Double)
    case emptyInterval(dimension: Int, lower: Double, upper: Double)
    case invalidRadius(Double)

    public var description: String {
        switch self {
        case .dimensionMismatch(let lower, let upper):
            return "box has \(lower) lower bounds but \(upper) upper bounds; give one pair per input dimension"
        case .nonFinite(let dimension, let lower, let upper):
            return "box dimension \(dimension) has a non-finite bound [\(lower), \(upper)]; bounds must be finite numbers"
        case .emptyInterval(let dimension, let lower, let upper):
            return "box dimension \(dimension) is empty: lower \(lower) > upper \(upper); swap or fix the bounds"
        case .invalidRadius(let radius):
            return "box radius \(radius) is invalid; use a finite radius >= 0"
        }
    }
}
