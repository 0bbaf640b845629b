import Network

/// Sound bounds of a network over an input box: interval bound propagation (IBP) and linear
/// bounds by back-substitution (CROWN / DeepPoly style).
///
/// Soundness (the bounds hold for the network in exact real arithmetic on its Double weights,
/// for every input in the box; see ``BoundResult`` for the float forward pass):
/// - Interval steps: affine layers use plain dot products plus an a-priori error bound
///   (`gamma_n`, with underflow), element-wise layers round every operation outward
///   (`DirectedRounding`); tanh and sigmoid values are widened beyond the C library's error.
/// - Relaxation lines are valid in exact arithmetic: slopes are arbitrary Doubles, intercepts
///   are computed with directed rounding from the function's vertices / end points.
/// - Back-substitution products are computed in round-to-nearest; their error is bounded a
///   priori (`gamma_n`, with underflow) and subtracted from the constant term, using the
///   sound bounds of the layer the coefficients act on (`BackSubstitution`).
/// - Linear bounds are intersected with interval bounds ("best of both"), so a linear bound
///   is never looser than the interval bound of the same quantity.
public enum BoundPropagation {
    /// Bounds with the default options of `method` (intermediate bounds linear when
    /// `method == .linear`).
    public static func bounds(of network: NeuralNetwork, over box: Box,
                              specification: LinearSpecification = .none,
                              method: BoundMethod = .linear) -> BoundResult {
        bounds(of: network, over: box, specification: specification, options: BoundOptions(method: method))
    }

    /// Bounds of every layer and lower bounds of every specification row over `box`.
    ///
    /// `.interval`: IBP through all layers; the specification rows are bounded on the output
    /// interval.
    ///
    /// `.linear`: layers are processed in order. Each layer's output first gets IBP bounds,
    /// intersected with the concretised forward linear bounds when the input dimension is at
    /// most `options.forwardPassInputLimit` (``ForwardLinearBounds``). When an affine output
    /// feeds an activation layer and it is not the first layer, the units whose relaxation is
    /// still loose (`l < 0 < u` for ReLU, ...) are bounded again by back-substitution to the
    /// input (rows `+e_i` and `-e_i`) and keep the better bound (forward pass and
    /// back-substitution of intermediate units are skipped with
    /// `options.intermediate == .interval`). Activation outputs get the
    /// (exact, monotone) interval image of the refined input bounds. Finally the
    /// specification rows and, when the last layer is affine, the output units are
    /// back-substituted in one batch.
    ///
    /// - Precondition: `box.dimension == network.inputSize`; specification rows have
    ///   `network.outputSize` entries.
    public static func bounds(of network: NeuralNetwork, over box: Box,
                              specification: LinearSpecification,
                              options: BoundOptions) -> BoundResult {
        precondition(box.dimension == network.inputSize,
                     "box has \(box.dimension) dimensions, network takes \(network.inputSize) inputs")
        precondition(specification.coefficients.allSatisfy { $0.count == network.outputSize },
                     "specification rows must have one entry per network output (\(network.outputSize))")
        let linear = options.method == .linear
        let refineIntermediate = linear && options.intermediate == .linear
        let layers = network.layers
        var state = BackSubstitution(network: network, box: box, linear: linear)
        var forward: ForwardLinearBounds? = refineIntermediate && network.inputSize <= options.forwardPassInputLimit
            ? ForwardLinearBounds(box: state.bounds[0]) : nil

        for k in layers.indices {
            state.appendLayer(k, slopes: options.lowerSlopes[k])
            if forward != nil {
                forward!.apply(layers[k], relaxation: state.relaxations[k])
                intersect(&state.bounds[k + 1], with: forward!.concretize())
            }
            if let enclosing = options.enclosing {
                precondition(enclosing.count == layers.count + 1, "enclosing bounds need one entry per layer and the input")
                intersect(&state.bounds[k + 1], with: enclosing[k + 1])
            }
            // Back-substitute an affine output that feeds an activation, for the units whose
            // relaxation is still loose.
            guard refineIntermediate, k >= 1, k + 1 < layers.count, case .affine = layers[k] else { continue }
            let consumer = layers[k + 1]
            if case .affine = consumer { continue }
            refine(&state, top: k + 1) { l, u in LinearRelaxation.isLoose(consumer, l, u) }
        }

        let top = layers.count
        guard linear else {
            return BoundResult(method: .interval, layerBounds: state.bounds,
                               specLower: IntervalPropagation.specificationLower(specification, state.bounds[top]),
                               inputCoefficients: [], inputConstants: [])
        }

        // Specification rows and (when the last layer is affine and not the only layer)
        // the output units, back-substituted together.
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
            tighten(&state.bounds[top], units: Array(0..<outputs), lower: lower, offset: specRows)
        }
        let interval = IntervalPropagation.specificationLower(specification, state.bounds[top])
        let d = state.sizes[0]
        return BoundResult(
            method: .linear, layerBounds: state.bounds,
            specLower: (0..<specRows).map { Swift.max(lower[$0], interval[$0]) },
            inputCoefficients: (0..<specRows).map { Array(coefficients[($0 * d)..<(($0 + 1) * d)]) },
            inputConstants: Array(constants[0..<specRows]))
    }

    /// Back-substitutes the units of `bounds[top]` selected by `isNeeded(l, u)` and keeps the
    /// better of the interval and the linear bound of each.
    private static func refine(_ state: inout BackSubstitution, top: Int,
                               isNeeded: @escaping (Double, Double) -> Bool) {
        let current = state.bounds[top]
        let units = (0..<current.count).filter { isNeeded(current.lower[$0], current.upper[$0]) }
        if units.isEmpty { return }
        let width = current.count
        var rows = [Double](repeating: 0, count: 2 * units.count * width)
        for (index, unit) in units.enumerated() {
            rows[(2 * index) * width + unit] = 1
            rows[(2 * index + 1) * width + unit] = -1
        }
        var constants = [Double](repeating: 0, count: 2 * units.count)
        var coefficients: [Double] = []
        // Retire a unit's two rows as soon as its relaxation is exact (e.g. a ReLU shown
        // stable by a partial back-substitution).
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
        tighten(&state.bounds[top], units: units, lower: lower, offset: 0)
    }

    /// Intersects `bounds` with other sound bounds of the same units.
    private static func intersect(_ bounds: inout LayerBounds, with other: LayerBounds) {
        for i in 0..<bounds.count {
            let low = Swift.max(bounds.lower[i], other.lower[i])
            let high = Swift.min(bounds.upper[i], other.upper[i])
            assert(low <= high, "forward linear and interval bounds disagree at unit \(i): [\(low), \(high)]")
            if low <= high {
                bounds.lower[i] = low
                bounds.upper[i] = high
            }
        }
    }

    /// For each `units[index]`: `lower[offset + 2 index]` bounds `v_i` from below and
    /// `lower[offset + 2 index + 1]` bounds `-v_i` from below; intersect with `bounds`.
    private static func tighten(_ bounds: inout LayerBounds, units: [Int], lower: [Double], offset: Int) {
        for (index, unit) in units.enumerated() {
            let low = Swift.max(bounds.lower[unit], lower[offset + 2 * index])
            let high = Swift.min(bounds.upper[unit], -lower[offset + 2 * index + 1])
            // Both bounds are sound, so they cannot cross unless soundness is broken: fail in
            // debug builds, keep the interval bound in release builds.
            assert(low <= high, "linear and interval bounds disagree at unit \(unit): [\(low), \(high)]")
            if low <= high {
                bounds.lower[unit] = low
                bounds.upper[unit] = high
            }
        }
    }
}
