import Network

/// The bounds of one ReLU branch-and-bound sub-problem (``PhaseSplitBounds``) and what the
/// branching heuristic needs from them: the relaxation of every activation layer.
public struct PhaseSplitNodeBounds: Sendable {
    /// Sound bounds over the sub-problem (layer bounds clipped by its phases).
    public var result: BoundResult
    let layers: [Layer]
    let relaxations: [LinearRelaxation?]

    /// The ReLU / LeakyReLU units whose pre-activation bounds straddle 0 (`l < 0 < u`): the
    /// units a phase split can fix. Fixed units never straddle (their interval is clipped).
    public var branchableUnits: [ActivationUnit] {
        var units: [ActivationUnit] = []
        for (k, layer) in layers.enumerated() {
            switch layer {
            case .relu, .leakyRelu:
                let bounds = result.layerBounds[k]
                for i in 0..<bounds.count where bounds.lower[i] < 0 && bounds.upper[i] > 0 {
                    units.append(ActivationUnit(layer: k, unit: i))
                }
            case .affine, .clip, .tanh, .sigmoid, .enclosedScale: continue
            }
        }
        return units
    }

    /// BaBSR-style scores (Bunel et al., JMLR 2020) of the branchable units for the lower
    /// bounds of the specification rows `rows` (indices into `specification`): each row `s`
    /// is back-substituted in plain floating point through the relaxation, giving its
    /// multiplier `λ_i` on every activation output. A unit with `λ_i < 0` takes its upper
    /// line `a_U z + b_U` (`b_U = -u l / (u - l)` for ReLU), which costs the bound
    /// `-λ_i b_U`; fixing the phase removes that intercept. The score is the sum over the
    /// rows of
    ///
    /// ```
    /// score_i = max(-λ_i, 0) b_U,i + 10^-4 |λ_i| b_U,i
    /// ```
    ///
    /// (the second term ranks units whose lower line carries the row). A heuristic only:
    /// it chooses which split to make, never whether a sub-problem is closed.
    public func branchingScores(rows: [Int], specification: LinearSpecification) -> [(unit: ActivationUnit, score: Double)] {
        let units = branchableUnits
        guard !units.isEmpty else { return [] }
        var totals: [ActivationUnit: Double] = [:]
        for r in rows {
            var lambda = specification.coefficients[r]
            for j in stride(from: layers.count - 1, through: 0, by: -1) {
                switch layers[j] {
                case .affine(let affine):
                    lambda = Self.transposedProduct(affine, lambda)
                case .relu, .leakyRelu, .clip, .tanh, .sigmoid, .enclosedScale:
                    guard let relaxation = relaxations[j] else { return [] }
                    let bounds = result.layerBounds[j]
                    for i in 0..<lambda.count {
                        let l = bounds.lower[i], u = bounds.upper[i]
                        if l < 0 && u > 0, isBranchable(layers[j]) {
                            let intercept = relaxation.upperIntercept[i]
                            let score = Swift.max(-lambda[i], 0) * intercept + 1e-4 * abs(lambda[i]) * intercept
                            totals[ActivationUnit(layer: j, unit: i), default: 0] += score
                        }
                        lambda[i] *= lambda[i] >= 0 ? relaxation.lowerSlope[i] : relaxation.upperSlope[i]
                    }
                }
            }
        }
        return units.map { ($0, totals[$0] ?? 0) }
    }

    private func isBranchable(_ layer: Layer) -> Bool {
        switch layer {
        case .relu, .leakyRelu: return true
        case .affine, .clip, .tanh, .sigmoid, .enclosedScale: return false
        }
    }

    /// `λ^T W` in plain floating point.
    static func transposedProduct(_ affine: AffineLayer, _ lambda: [Double]) -> [Double] {
        let m = affine.inputSize
        if let scale = affine.diagonalScale { return zip(lambda, scale).map { $0 * $1 } }
        var out = [Double](repeating: 0, count: m)
        affine.weights.withUnsafeBufferPointer { w in
            for (i, value) in lambda.enumerated() where value != 0 {
                let row = w.baseAddress! + i * m
                for k in 0..<m { out[k] += value * row[k] }
            }
        }
        return out
    }
}
