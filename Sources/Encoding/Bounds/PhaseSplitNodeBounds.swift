import Network

/// The bounds of one ReLU branch-and-bound sub-problem (``PhaseSplitBounds``) and what the
/// branching heuristic needs from them: the relaxation of every activation layer.
public struct PhaseSplitNodeBounds: Sendable {
    /// Sound bounds over the sub-problem (layer bounds clipped by its phases).
    public var result: BoundResult
    let layers: [Layer]
    let relaxations: [LinearRelaxation?]
    /// The affine layers' interval products of this computation and of the memo it was
    /// given (``IntervalMemo``): pass it to the next computation over the same network.
    public var intervals = IntervalMemo()

    /// The units a split can make more exact: ReLU / LeakyReLU units whose pre-activation
    /// bounds straddle 0 (`l < 0 < u`), and clip `[p, q]` units with a breakpoint strictly
    /// inside `(l, u)`. A unit held to one side of each breakpoint never qualifies (its
    /// interval is clipped to that side).
    public var branchableUnits: [ActivationUnit] {
        var units: [ActivationUnit] = []
        for (k, layer) in layers.enumerated() where Self.isBranchable(layer) {
            for i in 0..<result.layerBounds[k].count where breakpoint(of: ActivationUnit(layer: k, unit: i)) != nil {
                units.append(ActivationUnit(layer: k, unit: i))
            }
        }
        return units
    }

    /// The breakpoint a split of `unit` uses: 0 for a straddling ReLU / LeakyReLU unit; for
    /// clip `[p, q]` the breakpoint strictly inside `(l, u)` farthest from both ends (`p` on a
    /// tie); nil when no breakpoint lies strictly inside.
    public func breakpoint(of unit: ActivationUnit) -> Double? {
        let l = result.layerBounds[unit.layer].lower[unit.unit], u = result.layerBounds[unit.layer].upper[unit.unit]
        let points: [Double]
        switch layers[unit.layer] {
        case .relu, .leakyRelu: points = [0]
        case .clip(let p, let q): points = p < q ? [p, q] : []
        case .affine, .tanh, .sigmoid, .enclosedScale: points = []
        }
        var best: Double?
        for b in points where l < b && b < u {
            if let chosen = best, Swift.min(b - l, u - b) <= Swift.min(chosen - l, u - chosen) { continue }
            best = b
        }
        return best
    }

    /// BaBSR-style scores (Bunel et al., JMLR 2020) of the branchable units for the lower
    /// bounds of the specification rows `rows` (indices into `specification`): each row `s`
    /// is back-substituted in plain floating point through the relaxation, giving its
    /// multiplier `λ_i` on every activation output. A ReLU unit with `λ_i < 0` takes its upper
    /// line `a_U z + b_U` (`b_U = -u l / (u - l)` for ReLU), which costs the bound
    /// `-λ_i b_U`; fixing the phase removes that intercept. The score is the sum over the
    /// rows of
    ///
    /// ```
    /// score_i = max(-λ_i, 0) b_U,i + 10^-4 |λ_i| b_U,i
    /// ```
    ///
    /// (the second term ranks units whose lower line carries the row). A clip unit's score
    /// is `|λ_i| g_i` with `g_i` the largest gap between the function and its chord over
    /// `[l, u]` at an inner breakpoint (for ReLU, `g = b_U`): either line can carry the row.
    /// A heuristic only: it chooses which split to make, never whether a sub-problem is closed.
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
                        if Self.isBranchable(layers[j]), let score = score(layers[j], l, u, lambda[i], relaxation.upperIntercept[i]) {
                            totals[ActivationUnit(layer: j, unit: i), default: 0] += score
                        }
                        lambda[i] *= lambda[i] >= 0 ? relaxation.lowerSlope[i] : relaxation.upperSlope[i]
                    }
                }
            }
        }
        return units.map { ($0, totals[$0] ?? 0) }
    }

    /// One row's score of a unit with bounds `[l, u]` and multiplier `lambda` (see
    /// ``branchingScores(rows:specification:)``); nil when no breakpoint is inside `(l, u)`.
    private func score(_ layer: Layer, _ l: Double, _ u: Double, _ lambda: Double, _ upperIntercept: Double) -> Double? {
        switch layer {
        case .relu, .leakyRelu:
            guard l < 0 && u > 0 else { return nil }
            return Swift.max(-lambda, 0) * upperIntercept + 1e-4 * abs(lambda) * upperIntercept
        case .clip(let p, let q):
            func f(_ z: Double) -> Double { Swift.min(Swift.max(z, p), q) }
            var gap: Double?
            for b in [p, q] where l < b && b < u {
                let chord = f(l) + (f(u) - f(l)) * (b - l) / (u - l)
                gap = Swift.max(gap ?? 0, abs(f(b) - chord))
            }
            return gap.map { abs(lambda) * $0 }
        case .affine, .tanh, .sigmoid, .enclosedScale:
            return nil
        }
    }

    private static func isBranchable(_ layer: Layer) -> Bool {
        switch layer {
        case .relu, .leakyRelu, .clip: return true
        case .affine, .tanh, .sigmoid, .enclosedScale: return false
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
