import Network

// Split-aware linear bounds of a ReLU branch-and-bound sub-problem.
//
// References: R. Bunel et al., "Branch and Bound for Piecewise Linear Neural Network
// Verification", JMLR 2020 (sub-problems with fixed ReLU phases, BaBSR); S. Wang et al.,
// "Beta-CROWN", NeurIPS 2021 (split constraints in the bounds; here through the intervals).

/// Sound bounds over a sub-problem `S = { x in box : every fixed phase holds }`
/// (``PhaseConstraints``).
///
/// The computation is ``BoundPropagation``'s linear method with one change: as soon as the
/// pre-activation bounds `[l, u]` of an activation layer are known (interval, then
/// back-substituted), every fixed unit's interval is clipped by its constraint,
///
/// ```
/// active:    [l, u] := [max(l, 0), u]      (z >= 0 on S)
/// inactive:  [l, u] := [l, min(u, 0)]      (z <= 0 on S)
/// ```
///
/// before the layer is relaxed. A clipped unit is stable, so its relaxation is exact (an
/// active ReLU is the identity, an inactive one is 0) and every later layer's bounds and the
/// specification rows are re-propagated through it. Every bound is sound on `S` (in exact
/// arithmetic on the Double weights): the unclipped bound holds on the larger set with the
/// constraints of earlier layers only, and on `S` the constraint itself holds. Back-
/// substitution concretises rows over clipped intermediate bounds, which hold on `S`.
///
/// Infeasibility: when a clipped interval is empty (`u < 0` for an active unit, `l > 0` for
/// an inactive one), or two sound bounds of the same unit cross, `S` is empty (no point of
/// `S` can have a value in an empty set), and the result is nil: the sub-problem holds
/// vacuously.
///
/// `enclosing` (the parent's layer bounds, sound on a superset of `S`) is intersected with
/// every layer's bounds, as ``BoundOptions/enclosing``.
public enum PhaseSplitBounds {
    public static func bounds(of network: NeuralNetwork, over box: Box, phases: PhaseConstraints,
                              specification: LinearSpecification, enclosing: [LayerBounds]? = nil,
                              lowerSlopes: [Int: [Double]] = [:]) -> PhaseSplitNodeBounds? {
        precondition(box.dimension == network.inputSize, "box and network input sizes differ")
        let layers = network.layers
        var state = BackSubstitution(network: network, box: box, linear: true)
        if let enclosing {
            precondition(enclosing.count == layers.count + 1, "enclosing bounds need one entry per layer and the input")
            guard intersect(&state.bounds[0], with: enclosing[0]) else { return nil }
        }
        for k in layers.indices {
            state.appendLayer(k, slopes: lowerSlopes[k])
            if let enclosing, !intersect(&state.bounds[k + 1], with: enclosing[k + 1]) { return nil }
            guard clip(&state.bounds[k + 1], phases, layer: k + 1, layers: layers) else { return nil }
            guard k >= 1, k + 1 < layers.count, case .affine = layers[k] else { continue }
            let consumer = layers[k + 1]
            if case .affine = consumer { continue }
            guard refine(&state, top: k + 1, isNeeded: { LinearRelaxation.isLoose(consumer, $0, $1) }) else { return nil }
        }
        return specificationBounds(&state, specification: specification)
    }

    /// The specification rows (and the outputs, when the last layer is affine and not the
    /// only one) back-substituted in one batch, as in ``BoundPropagation``.
    private static func specificationBounds(_ state: inout BackSubstitution,
                                            specification: LinearSpecification) -> PhaseSplitNodeBounds? {
        let layers = state.layers
        let top = layers.count
        let outputs = state.sizes[top]
        var refineOutput = false
        if top >= 2, case .affine = layers[top - 1] { refineOutput = true }
        let specRows = specification.count
        let rowCount = specRows + (refineOutput ? 2 * outputs : 0)
        var rows = [Double](repeating: 0, count: rowCount * outputs)
        var constants = [Double](repeating: 0, count: rowCount)
        for r in 0..<specRows {
            for i in 0..<outputs { rows[r * outputs + i] = specification.coefficients[r][i] }
            constants[r] = specification.constants[r]
        }
        if refineOutput {
            for i in 0..<outputs {
                rows[(specRows + 2 * i) * outputs + i] = 1
                rows[(specRows + 2 * i + 1) * outputs + i] = -1
            }
        }
        var coefficients: [Double] = []
        let lower = state.lowerBounds(rows: rows, constants: &constants, rowCount: rowCount, top: top,
                                      coefficients: &coefficients)
        if refineOutput {
            guard tighten(&state.bounds[top], units: Array(0..<outputs), lower: lower, offset: specRows) else { return nil }
        }
        let interval = IntervalPropagation.specificationLower(specification, state.bounds[top])
        let d = state.sizes[0]
        let result = BoundResult(
            method: .linear, layerBounds: state.bounds,
            specLower: (0..<specRows).map { Swift.max(lower[$0], interval[$0]) },
            inputCoefficients: (0..<specRows).map { Array(coefficients[($0 * d)..<(($0 + 1) * d)]) },
            inputConstants: Array(constants[0..<specRows]))
        return PhaseSplitNodeBounds(result: result, layers: layers, relaxations: state.relaxations)
    }

    /// Clips the fixed units of activation layer `layer` (whose input bounds are `bounds`);
    /// false when a clipped interval is empty. Other layers and free units are left alone.
    static func clip(_ bounds: inout LayerBounds, _ phases: PhaseConstraints, layer: Int, layers: [Layer]) -> Bool {
        guard layer < layers.count, let row = phases.row(ofLayer: layer) else { return true }
        switch layers[layer] {
        case .relu, .leakyRelu: break
        case .affine, .clip, .tanh, .sigmoid, .enclosedScale:
            preconditionFailure("a phase is fixed at layer \(layer), which is not a ReLU or LeakyReLU layer")
        }
        precondition(row.count == bounds.count, "phase row of layer \(layer) has the wrong width")
        for i in 0..<row.count {
            switch ReLUPhase(rawValue: row[i]) {
            case .active?: bounds.lower[i] = Swift.max(bounds.lower[i], 0)
            case .inactive?: bounds.upper[i] = Swift.min(bounds.upper[i], 0)
            case nil: continue
            }
            if bounds.lower[i] > bounds.upper[i] { return false }
        }
        return true
    }

    /// Back-substitutes the units of `bounds[top]` selected by `isNeeded(l, u)` and keeps the
    /// better of both bounds per unit; false when they cross (empty sub-problem).
    private static func refine(_ state: inout BackSubstitution, top: Int,
                               isNeeded: @escaping (Double, Double) -> Bool) -> Bool {
        let current = state.bounds[top]
        let units = (0..<current.count).filter { isNeeded(current.lower[$0], current.upper[$0]) }
        if units.isEmpty { return true }
        let width = current.count
        var rows = [Double](repeating: 0, count: 2 * units.count * width)
        for (index, unit) in units.enumerated() {
            rows[(2 * index) * width + unit] = 1
            rows[(2 * index + 1) * width + unit] = -1
        }
        var constants = [Double](repeating: 0, count: 2 * units.count)
        var coefficients: [Double] = []
        let lower = state.lowerBounds(rows: rows, constants: &constants, rowCount: 2 * units.count, top: top,
                                      coefficients: &coefficients) { best, active in
            for (index, unit) in units.enumerated() where active[2 * index] {
                let l = Swift.max(current.lower[unit], best[2 * index])
                let u = Swift.min(current.upper[unit], -best[2 * index + 1])
                if !isNeeded(l, u) {
                    active[2 * index] = false
                    active[2 * index + 1] = false
                }
            }
        }
        return tighten(&state.bounds[top], units: units, lower: lower, offset: 0)
    }

    /// Intersects `bounds` with other bounds of the same units, sound on a superset of the
    /// sub-problem; false when some unit's intersection is empty.
    static func intersect(_ bounds: inout LayerBounds, with other: LayerBounds) -> Bool {
        for i in 0..<bounds.count {
            bounds.lower[i] = Swift.max(bounds.lower[i], other.lower[i])
            bounds.upper[i] = Swift.min(bounds.upper[i], other.upper[i])
            if bounds.lower[i] > bounds.upper[i] { return false }
        }
        return true
    }

    /// For each `units[index]`: `lower[offset + 2 index]` bounds `v_i` from below and
    /// `lower[offset + 2 index + 1]` bounds `-v_i` from below; intersect with `bounds`.
    /// False when some unit's intersection is empty.
    private static func tighten(_ bounds: inout LayerBounds, units: [Int], lower: [Double], offset: Int) -> Bool {
        for (index, unit) in units.enumerated() {
            bounds.lower[unit] = Swift.max(bounds.lower[unit], lower[offset + 2 * index])
            bounds.upper[unit] = Swift.min(bounds.upper[unit], -lower[offset + 2 * index + 1])
            if bounds.lower[unit] > bounds.upper[unit] { return false }
        }
        return true
    }
}
