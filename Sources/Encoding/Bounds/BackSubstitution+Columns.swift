import Network

// The columns a back-substitution pass carries: units whose value is exactly zero on the
// box are left out of the coefficient rows.

/// An affine layer's operands over the units in use: `weights` (`rows x columns`, row-major)
/// restricted to the output units `rowUnits` and input units `columnUnits` (nil: all), with
/// the bias and error weights of the output units.
struct AffineOperands {
    let weights: [Double]
    let bias: [Double]
    let errorWeights: [Double]
    let rows: Int
    let columns: Int
    let rowUnits: [Int]?
    let columnUnits: [Int]?
}

/// The units the rows of one back-substitution pass carry per layer (nil: all), and per
/// activation layer how many of them, at the end, have identity lines.
struct ColumnLayout {
    var units: [[Int]?]
    var identityCounts: [Int]
}

/// An activation layer's relaxation lines and error weights restricted to `units` (nil: all).
struct ActivationOperands {
    let lowerSlope: [Double]
    let lowerIntercept: [Double]
    let upperSlope: [Double]
    let upperIntercept: [Double]
    let lowerWeight: [Double]
    let upperWeight: [Double]
    let units: [Int]?
}

extension BackSubstitution {
    /// The units in use per layer for a pass whose rows start over `v_top` (nil: all).
    ///
    /// An activation layer `k` with `1 <= k <= top - 2` between two dense affine layers leaves
    /// out its units whose relaxation lines are all zero (`0 <= f(z) <= 0` on the unit's
    /// bounds, e.g. an inactive ReLU), from both `v_k` and `v_{k+1}`:
    /// - on `v_k`: the activation step gives them the coefficient `λ_i a = 0` and adds
    ///   `λ_i b = 0` and `|λ_i| w = 0` (`w = |a| M + |b| = 0`), so the rows are exactly zero
    ///   there and the affine step below never multiplies them;
    /// - on `v_{k+1} = f(v_k)`: `v_{k+1,i} = f(v_{k,i}) = 0` for every point of the box (the
    ///   lines enclose `f` on the unit's bounds), so `λ·v_{k+1}` does not depend on `λ_i`:
    ///   the affine step above does not compute those coefficients, and the concretisation
    ///   over `bounds[k+1]` (which would add `λ_i · 0`) skips them.
    /// The dot products then have fewer terms; every error term counts the terms it sums.
    ///
    /// The units whose two lines are both the identity (`z <= f(z) <= z`, so `f(z) = z` on
    /// the unit's bounds, e.g. an active ReLU) come last (``ColumnLayout/identityCounts``):
    /// the activation step copies their coefficients (`λ_i v_{k+1,i} = λ_i v_{k,i}` exactly,
    /// no constant, no rounding) and runs its kernel on the others only.
    ///
    /// Units in `keeping[k]` (split multipliers change their coefficients on `v_k`,
    /// ``addSplitTerms(_:layer:pass:)``) are never left out.
    func columnLayout(top: Int, keeping: [Int: Set<Int>] = [:]) -> ColumnLayout {
        var layout = ColumnLayout(units: [[Int]?](repeating: nil, count: top + 1),
                                  identityCounts: [Int](repeating: 0, count: top + 1))
        guard top >= 3 else { return layout }
        for k in 1...(top - 2) where Self.isDenseAffine(layers[k - 1]) && Self.isDenseAffine(layers[k + 1]) {
            guard let relaxation = relaxations[k] else { continue }
            var others: [Int] = [], identities: [Int] = []
            for i in 0..<sizes[k] {
                let aL = relaxation.lowerSlope[i], bL = relaxation.lowerIntercept[i]
                let aU = relaxation.upperSlope[i], bU = relaxation.upperIntercept[i]
                if aL == 0 && bL == 0 && aU == 0 && bU == 0 && keeping[k]?.contains(i) != true { continue }
                if aL == 1 && bL == 0 && aU == 1 && bU == 0 { identities.append(i) } else { others.append(i) }
            }
            guard others.count < sizes[k] else { continue }
            layout.units[k] = others + identities
            layout.units[k + 1] = others + identities
            layout.identityCounts[k] = identities.count
        }
        return layout
    }

    private static func isDenseAffine(_ layer: Layer) -> Bool {
        guard case .affine(let affine) = layer else { return false }
        return affine.diagonalScale == nil
    }

    /// The operands of affine layer `j` for rows over `rowUnits` of `v_{j+1}` giving rows over
    /// `columnUnits` of `v_j` (copies cached per layer while the unit sets stay the same).
    mutating func affineOperands(_ affine: AffineLayer, layer j: Int, rowUnits: [Int]?, columnUnits: [Int]?) -> AffineOperands {
        let n = affine.outputSize, m = affine.inputSize
        if rowUnits == nil && columnUnits == nil {
            return AffineOperands(weights: affine.weights, bias: affine.bias, errorWeights: errorWeights[j],
                                  rows: n, columns: m, rowUnits: nil, columnUnits: nil)
        }
        if let cached = compactAffine[j], cached.rowUnits == rowUnits, cached.columnUnits == columnUnits { return cached }
        let rows = rowUnits ?? Array(0..<n), columns = columnUnits ?? Array(0..<m)
        var weights = [Double](repeating: 0, count: rows.count * columns.count)
        affine.weights.withUnsafeBufferPointer { w in
            for (p, i) in rows.enumerated() {
                for (q, k) in columns.enumerated() { weights[p * columns.count + q] = w[i * m + k] }
            }
        }
        let operands = AffineOperands(weights: weights, bias: rows.map { affine.bias[$0] },
                                      errorWeights: rows.map { errorWeights[j][$0] },
                                      rows: rows.count, columns: columns.count, rowUnits: rowUnits, columnUnits: columnUnits)
        compactAffine[j] = operands
        return operands
    }

    /// The operands of activation layer `j` over `units` (cached as ``affineOperands(_:layer:rowUnits:columnUnits:)``).
    mutating func activationOperands(layer j: Int, units: [Int]?) -> ActivationOperands {
        guard let relaxation = relaxations[j] else { preconditionFailure("layer \(j) has no relaxation") }
        guard let units else {
            return ActivationOperands(lowerSlope: relaxation.lowerSlope, lowerIntercept: relaxation.lowerIntercept,
                                      upperSlope: relaxation.upperSlope, upperIntercept: relaxation.upperIntercept,
                                      lowerWeight: errorWeights[j], upperWeight: upperErrorWeights[j], units: nil)
        }
        if let cached = compactActivation[j], cached.units == units { return cached }
        let operands = ActivationOperands(
            lowerSlope: units.map { relaxation.lowerSlope[$0] }, lowerIntercept: units.map { relaxation.lowerIntercept[$0] },
            upperSlope: units.map { relaxation.upperSlope[$0] }, upperIntercept: units.map { relaxation.upperIntercept[$0] },
            lowerWeight: units.map { errorWeights[j][$0] }, upperWeight: units.map { upperErrorWeights[j][$0] }, units: units)
        compactActivation[j] = operands
        return operands
    }
}
