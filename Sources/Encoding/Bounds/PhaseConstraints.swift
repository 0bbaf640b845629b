import Network

/// The phase a branch-and-bound sub-problem fixes for one ReLU-like unit, a constraint on its
/// pre-activation value `z` (the input of the activation layer):
///
/// ```
/// active:    z >= 0   (ReLU(z) = z,  LeakyReLU(z) = z)
/// inactive:  z <= 0   (ReLU(z) = 0,  LeakyReLU(z) = alpha z)
/// ```
///
/// The two phases cover the line (`z >= 0` or `z <= 0`), so the two children of a split
/// cover their parent; both hold at `z = 0`, where both pieces agree.
public enum ReLUPhase: Int8, Sendable, Equatable {
    case active = 1
    case inactive = -1
}

/// A unit of an activation layer: `layer` indexes `network.layers` (so its pre-activation
/// bounds are ``BoundResult/preActivationBounds(ofLayer:)`` of `layer`), `unit` the unit.
public struct ActivationUnit: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var layer: Int
    public var unit: Int

    public init(layer: Int, unit: Int) {
        self.layer = layer
        self.unit = unit
    }

    public static func < (a: ActivationUnit, b: ActivationUnit) -> Bool {
        (a.layer, a.unit) < (b.layer, b.unit)
    }

    public var description: String { "layer \(layer) unit \(unit)" }
}

/// One side of a breakpoint `b` of a piecewise-linear unit, a split constraint on its
/// pre-activation value `z`: `z >= b` (`above`) or `z <= b`. ReLU and LeakyReLU have one
/// breakpoint, 0 (`z >= 0` is ``ReLUPhase/active``); clip `[p, q]` has two, `p` and `q`. The
/// two sides of a breakpoint cover the line, so the two children of a split cover their
/// parent; both hold at `z = b`, where the pieces agree.
public struct SplitSide: Sendable, Equatable {
    public var breakpoint: Double
    public var above: Bool

    public init(breakpoint: Double, above: Bool) {
        self.breakpoint = breakpoint
        self.above = above
    }

    /// The other side of the same breakpoint.
    public var opposite: SplitSide { SplitSide(breakpoint: breakpoint, above: !above) }
}

/// The split constraints of a sub-problem: the set of inputs `x` of the box whose
/// pre-activation values satisfy every constraint. Each constrained unit carries an interval
/// `lower <= z <= upper` (an end is infinite where no constraint bounds it): the
/// intersection of the ``SplitSide``s fixed on it. A ReLU phase is `[0, +inf]` (active) or
/// `[-inf, 0]` (inactive); a clip unit can carry up to one constraint per breakpoint side,
/// e.g. `[p, q]` (its linear piece).
public struct PhaseConstraints: Sendable, Equatable {
    /// Per activation layer index, one entry per unit: the lower and upper ends of its
    /// interval (`-inf` and `+inf` when free).
    private var lowerEnds: [Int: [Double]] = [:]
    private var upperEnds: [Int: [Double]] = [:]
    /// Number of constrained units.
    public private(set) var count = 0

    /// No unit constrained: the whole box.
    public init() {}

    /// The phase of a ReLU-like `unit` (`[0, +inf]` active, `[-inf, 0]` inactive), or nil
    /// when it is free or carries another interval.
    public func phase(of unit: ActivationUnit) -> ReLUPhase? {
        guard let (lower, upper) = interval(of: unit) else { return nil }
        if lower == 0 && upper == .infinity { return .active }
        if lower == -.infinity && upper == 0 { return .inactive }
        return nil
    }

    /// The interval of `unit`, or nil when it is free.
    public func interval(of unit: ActivationUnit) -> (lower: Double, upper: Double)? {
        guard let lower = lowerEnds[unit.layer], lower.indices.contains(unit.unit) else { return nil }
        let l = lower[unit.unit], u = upperEnds[unit.layer]![unit.unit]
        return l == -.infinity && u == .infinity ? nil : (l, u)
    }

    /// These constraints with `unit`'s ReLU phase (replacing any earlier constraint of it).
    /// - Parameter width: the number of units of `unit.layer`.
    public func fixing(_ unit: ActivationUnit, _ phase: ReLUPhase, width: Int) -> PhaseConstraints {
        let side = SplitSide(breakpoint: 0, above: phase == .active)
        return setting(unit, interval: side.above ? (0, .infinity) : (-.infinity, 0), width: width)
    }

    /// These constraints and `side` on `unit` (intersected with its earlier constraints).
    /// - Parameter width: the number of units of `unit.layer`.
    public func constraining(_ unit: ActivationUnit, _ side: SplitSide, width: Int) -> PhaseConstraints {
        let (lower, upper) = interval(of: unit) ?? (-.infinity, .infinity)
        let interval = side.above ? (Swift.max(lower, side.breakpoint), upper) : (lower, Swift.min(upper, side.breakpoint))
        return setting(unit, interval: interval, width: width)
    }

    private func setting(_ unit: ActivationUnit, interval: (Double, Double), width: Int) -> PhaseConstraints {
        precondition(unit.unit >= 0 && unit.unit < width, "unit \(unit.unit) outside a layer of \(width) units")
        var copy = self
        var lower = copy.lowerEnds[unit.layer] ?? [Double](repeating: -.infinity, count: width)
        var upper = copy.upperEnds[unit.layer] ?? [Double](repeating: .infinity, count: width)
        func free(_ l: Double, _ u: Double) -> Bool { l == -.infinity && u == .infinity }
        copy.count += (free(lower[unit.unit], upper[unit.unit]) ? 0 : -1) + (free(interval.0, interval.1) ? 0 : 1)
        (lower[unit.unit], upper[unit.unit]) = interval
        copy.lowerEnds[unit.layer] = lower
        copy.upperEnds[unit.layer] = upper
        return copy
    }

    /// The interval ends of activation layer `layer` (`-inf`/`+inf` for free units), or nil
    /// when no unit of it is constrained.
    func ends(ofLayer layer: Int) -> (lower: [Double], upper: [Double])? {
        guard let lower = lowerEnds[layer] else { return nil }
        return (lower, upperEnds[layer]!)
    }

    /// Every unit with a ReLU phase (``phase(of:)``), in increasing (layer, unit).
    public var all: [(unit: ActivationUnit, phase: ReLUPhase)] {
        intervals.compactMap { entry in phase(of: entry.unit).map { (entry.unit, $0) } }
    }

    /// Every constrained unit with its interval, in increasing (layer, unit).
    public var intervals: [(unit: ActivationUnit, lower: Double, upper: Double)] {
        lowerEnds.keys.sorted().flatMap { layer in
            let lower = lowerEnds[layer]!, upper = upperEnds[layer]!
            return lower.indices.compactMap { i in
                lower[i] == -.infinity && upper[i] == .infinity ? nil : (ActivationUnit(layer: layer, unit: i), lower[i], upper[i])
            }
        }
    }

    /// Whether the pre-activation values of one input (`values[k]` = the input of
    /// `network.layers[k]`, as ``NeuralNetwork/activations(_:)`` lists them) satisfy every
    /// constraint; for tests and samples, in the arithmetic of `values`.
    public func isSatisfied(by values: [[Double]]) -> Bool {
        intervals.allSatisfy { unit, lower, upper in
            let z = values[unit.layer][unit.unit]
            return z >= lower && z <= upper
        }
    }
}
