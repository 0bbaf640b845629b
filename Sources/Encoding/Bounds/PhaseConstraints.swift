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

/// The fixed phases of a sub-problem: the set of inputs `x` of the box whose pre-activation
/// values satisfy every constraint (see ``ReLUPhase``). Only ReLU and LeakyReLU units take a
/// phase (one breakpoint, at 0).
public struct PhaseConstraints: Sendable, Equatable {
    /// Per activation layer index, one entry per unit: 0 free, else a ``ReLUPhase`` raw value.
    private var fixed: [Int: [Int8]] = [:]
    /// Number of fixed units.
    public private(set) var count = 0

    /// No unit fixed: the whole box.
    public init() {}

    /// The phase of `unit`, or nil when it is free.
    public func phase(of unit: ActivationUnit) -> ReLUPhase? {
        guard let row = fixed[unit.layer], row.indices.contains(unit.unit) else { return nil }
        return ReLUPhase(rawValue: row[unit.unit])
    }

    /// These constraints and `unit`'s phase (replacing an earlier phase of the same unit).
    /// - Parameter width: the number of units of `unit.layer`.
    public func fixing(_ unit: ActivationUnit, _ phase: ReLUPhase, width: Int) -> PhaseConstraints {
        precondition(unit.unit >= 0 && unit.unit < width, "unit \(unit.unit) outside a layer of \(width) units")
        var copy = self
        var row = copy.fixed[unit.layer] ?? [Int8](repeating: 0, count: width)
        if row[unit.unit] == 0 { copy.count += 1 }
        row[unit.unit] = phase.rawValue
        copy.fixed[unit.layer] = row
        return copy
    }

    /// The fixed units of activation layer `layer` (0 free, 1 active, -1 inactive per unit),
    /// or nil when none is fixed there.
    func row(ofLayer layer: Int) -> [Int8]? { fixed[layer] }

    /// Every fixed unit with its phase, in increasing (layer, unit).
    public var all: [(unit: ActivationUnit, phase: ReLUPhase)] {
        fixed.keys.sorted().flatMap { layer in
            fixed[layer]!.enumerated().compactMap { index, raw in
                ReLUPhase(rawValue: raw).map { (ActivationUnit(layer: layer, unit: index), $0) }
            }
        }
    }

    /// Whether the pre-activation values of one input (`values[k]` = the input of
    /// `network.layers[k]`, as ``NeuralNetwork/activations(_:)`` lists them) satisfy every
    /// constraint; for tests and samples, in the arithmetic of `values`.
    public func isSatisfied(by values: [[Double]]) -> Bool {
        for (unit, phase) in all {
            let z = values[unit.layer][unit.unit]
            switch phase {
            case .active: if !(z >= 0) { return false }
            case .inactive: if !(z <= 0) { return false }
            }
        }
        return true
    }
}
