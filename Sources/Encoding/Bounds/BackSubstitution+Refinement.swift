// Tightening layer bounds with other sound bounds and with back-substituted linear bounds:
// the steps that BoundPropagation and PhaseSplitBounds share.

extension LayerBounds {
    /// Intersects every unit with `other`, sound bounds of the same units. A unit whose
    /// intersection is empty keeps its bounds, and the result is false: no point of the set
    /// both bounds hold on has a value there (an empty sub-problem, or broken soundness when
    /// the set is the whole box).
    mutating func intersect(with other: LayerBounds) -> Bool {
        var consistent = true
        for i in 0..<count {
            let low = Swift.max(lower[i], other.lower[i])
            let high = Swift.min(upper[i], other.upper[i])
            if low <= high {
                lower[i] = low
                upper[i] = high
            } else {
                consistent = false
            }
        }
        return consistent
    }

    /// For each `units[index]`: `lower[offset + 2 index]` bounds `v_i` from below and
    /// `lower[offset + 2 index + 1]` bounds `-v_i` from below; intersects them with these
    /// bounds, with the same empty-intersection rule as ``intersect(with:)``.
    mutating func tighten(units: [Int], lower bounds: [Double], offset: Int) -> Bool {
        var consistent = true
        for (index, unit) in units.enumerated() {
            let low = Swift.max(lower[unit], bounds[offset + 2 * index])
            let high = Swift.min(upper[unit], -bounds[offset + 2 * index + 1])
            if low <= high {
                lower[unit] = low
                upper[unit] = high
            } else {
                consistent = false
            }
        }
        return consistent
    }
}

extension BackSubstitution {
    /// Back-substitutes the units of `bounds[top]` selected by `isNeeded(l, u)` (two rows per
    /// unit, `v` and `-v`) and keeps the better of both bounds per unit. A unit's rows retire
    /// as soon as its relaxation is exact (e.g. a ReLU shown stable by a partial
    /// back-substitution). False when some unit's bounds cross (see
    /// ``LayerBounds/intersect(with:)``).
    mutating func refine(top: Int, isNeeded: @escaping (Double, Double) -> Bool) -> Bool {
        let current = bounds[top]
        let units = (0..<current.count).filter { isNeeded(current.lower[$0], current.upper[$0]) }
        if units.isEmpty { return true }
        let lower = unitLowerBounds(units: units, top: top) { best, active in
            for (index, unit) in units.enumerated() where active[2 * index] {
                let l = Swift.max(current.lower[unit], best[2 * index])
                let u = Swift.min(current.upper[unit], -best[2 * index + 1])
                if !isNeeded(l, u) {
                    active[2 * index] = false
                    active[2 * index + 1] = false
                }
            }
        }
        return bounds[top].tighten(units: units, lower: lower, offset: 0)
    }

    /// The specification rows and, when the last layer is affine and not the only layer, the
    /// output units, back-substituted in one batch: the linear ``BoundResult`` (each spec
    /// lower bound the better of the linear and the interval one). `consistent` is false when
    /// some output unit's bounds cross (see ``LayerBounds/intersect(with:)``).
    /// `splitTerms` (keyed by specification row) add the Lagrangian terms of split
    /// constraints to the specification rows (``addSplitTerms(_:layer:pass:)``); the bounds
    /// are then sound on the sub-problem whose constraints they come from.
    mutating func specificationResult(_ specification: LinearSpecification,
                                      splitTerms: SplitTerms? = nil) -> (result: BoundResult, consistent: Bool) {
        let top = layers.count
        let outputs = sizes[top]
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
        let lower = lowerBounds(rows: rows, constants: &constants, rowCount: rowCount, top: top,
                                coefficients: &coefficients, splitTerms: splitTerms)
        let consistent = refineOutput ? bounds[top].tighten(units: Array(0..<outputs), lower: lower, offset: specRows) : true
        let interval = IntervalPropagation.specificationLower(specification, bounds[top])
        let d = sizes[0]
        let result = BoundResult(
            method: .linear, layerBounds: bounds,
            specLower: (0..<specRows).map { Swift.max(lower[$0], interval[$0]) },
            inputCoefficients: (0..<specRows).map { Array(coefficients[($0 * d)..<(($0 + 1) * d)]) },
            inputConstants: Array(constants[0..<specRows]))
        return (result, consistent)
    }
}
