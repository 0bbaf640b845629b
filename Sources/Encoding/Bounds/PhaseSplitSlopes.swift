import Network

// Optimised slopes of the free lines of unstable ReLU, LeakyReLU and clip units (alpha-CROWN).
//
// Reference: K. Xu et al., "Fast and Complete: Enabling Complete Neural Network Verification
// with Rapid and Massively Parallel Incomplete Verifiers", ICLR 2021.

extension PhaseSplitNodeBounds {
    /// Slopes of the free lines of the unstable units (``LinearRelaxation/freeLine(_:_:_:)``:
    /// ReLU lower lines in `[0, 1]`, LeakyReLU ones in `[alpha, 1]`, a clip unit's line
    /// through its one inner kink in `[0, 1]`) that raise the sum of the
    /// linear lower bounds of the specification rows `rows`: the slopes of
    /// ``optimisedHints(rows:specification:box:phases:start:sharedMultipliers:ascent:iterations:expired:)``
    /// without split multipliers.
    public func optimisedSlopes(rows: [Int], specification: LinearSpecification, box: Box, ascent: HintAscent = HintAscent(),
                                iterations: Int, expired: () -> Bool = { false }) -> [Int: [Double]] {
        optimisedHints(rows: rows, specification: specification, box: box, phases: PhaseConstraints(), start: nil,
                       ascent: ascent, iterations: iterations, expired: expired).slopes
    }

    /// Slopes `α_i` of the free lines of the unstable units (``LinearRelaxation/freeLine(_:_:_:)``,
    /// each in its range) and, when `start` is given,
    /// split multipliers `β ≥ 0` per row (``SplitMultipliers``, beta-CROWN) that raise the sum
    /// of the linear lower bounds of the specification rows `rows`, found by `iterations`
    /// steps of projected ascent (``HintAscent``: Adam or sign steps) in plain floating
    /// point, jointly, starting from the slopes of this bound computation and from `start`
    /// (a unit with a ReLU phase in `phases` and no entry starts at 0). Slopes are keyed by
    /// layer index like ``BoundOptions/lowerSlopes`` (NaN: the unit keeps the adaptive slope).
    /// The best iterate is returned (the start when no step improves on it).
    ///
    /// With the lines of every other unit fixed, the bound of a row `s` is
    /// `L = const(α, β) + λ_0 · x*`, `x*` the box vertex the input multipliers `λ_0` point to.
    /// For a unit that takes its free line `α_i (z - c_i) + c_i` (pivot `c_i`: 0 for ReLU; the
    /// lower line when its output multiplier `μ_i` is `>= 0`, the upper one when `μ_i < 0`),
    /// `∂L/∂α_i = μ_i (ẑ_i - c_i)`, where `ẑ` is the forward pass of `x*` through the lines
    /// the backward pass selected (the supergradient of the concave piecewise-linear `L`);
    /// the Lagrangian term `-β_i s_i z_i` gives `∂L/∂β_i = -s_i ẑ_i` (`ẑ_i` the pre-activation:
    /// `β_i` grows while the minimiser violates the split). With `sharedMultipliers` every
    /// row keeps the same multipliers (the first row's start, moved by the sum of the rows'
    /// gradients) instead of its own.
    ///
    /// Any slope in its range gives a valid line and any `β ≥ 0` a valid multiplier, so the
    /// result is only a hint: the bound that closes a
    /// sub-problem is recomputed with it by the sound evaluation (``PhaseSplitBounds``).
    ///
    /// `expired` is asked before every step; once it answers true the best hints so far are
    /// returned (a caller's time limit: fewer steps give a looser hint, never an unsound one).
    public func optimisedHints(rows: [Int], specification: LinearSpecification, box: Box, phases: PhaseConstraints,
                               start: SplitMultipliers?, sharedMultipliers: Bool = false, ascent: HintAscent = HintAscent(),
                               iterations: Int, expired: () -> Bool = { false }) -> RelaxationHints {
        let free = freeLines()
        var slopes: [Int: [Double]] = [:]
        for (k, lines) in free {
            let relaxation = relaxations[k]!
            slopes[k] = lines.indices.map { i in
                lines[i].map { $0.isUpper ? relaxation.upperSlope[i] : relaxation.lowerSlope[i] } ?? .nan
            }
        }
        let splits: [(unit: ActivationUnit, sign: Double)] = start == nil ? [] : phases.all.map { ($0.unit, $0.phase == .active ? 1 : -1) }
        var betas: [[Double]] = rows.map { r in splits.map { start?.values[r]?[$0.unit] ?? 0 } }
        func multipliers(_ betas: [[Double]]) -> SplitMultipliers {
            guard start != nil else { return SplitMultipliers() }
            var values: [Int: [ActivationUnit: Double]] = start?.values ?? [:]
            for (index, r) in rows.enumerated() {
                var units: [ActivationUnit: Double] = [:]
                for (k, split) in splits.enumerated() where betas[index][k] > 0 { units[split.unit] = betas[index][k] }
                values[r] = units
            }
            return SplitMultipliers(values: values)
        }
        guard !(slopes.isEmpty && splits.isEmpty), !rows.isEmpty, iterations > 0 else {
            return RelaxationHints(slopes: slopes, multipliers: multipliers(betas))
        }
        let affineLayers = hintAffineLayers(free: free, splitUnits: Set(splits.map(\.unit)))
        var best = slopes, bestBetas = betas
        var bestValue = -Double.infinity
        var slopeMoments = slopes.mapValues { AdamMoments(count: $0.count) }
        var betaMoments = betas.map { AdamMoments(count: $0.count) }
        var signStep = HintAscent.signStart
        for iteration in 0..<iterations {
            let corrections = AdamMoments.biasCorrections(step: iteration + 1)
            if expired() { break }
            var gradient: [Int: [Double]] = slopes.mapValues { $0.map { _ in 0 } }
            var betaGradients = betas.map { $0.map { _ in 0.0 } }
            var value = 0.0
            if splits.isEmpty, rows.count >= Self.batchedAscentRows {
                value = accumulate(batch: rows, specification: specification, slopes: slopes, free: free,
                                   affineLayers: affineLayers, box: box, gradient: &gradient)
            } else {
                for (index, r) in rows.enumerated() {
                    value += accumulate(row: specification.coefficients[r], constant: specification.constants[r],
                                        slopes: slopes, free: free, affineLayers: affineLayers, splits: splits, betas: betas[index], box: box,
                                        gradient: &gradient, betaGradient: &betaGradients[index])
                }
            }
            if value > bestValue { bestValue = value; best = slopes; bestBetas = betas }
            if sharedMultipliers, betas.count > 1 {
                // One multiplier per unit for every row: the rows' gradients summed.
                let total = splits.indices.map { k in betaGradients.reduce(0) { $0 + $1[k] } }
                betaGradients = betas.map { _ in total }
                betas = betas.map { _ in betas[0] }
            }
            func step(_ g: Double, _ moments: inout AdamMoments, _ i: Int, rate: Double) -> Double {
                switch ascent.method {
                case .adam: return moments.step(i, gradient: g, corrections: corrections, rate: rate)
                case .sign: return g > 0 ? signStep : g < 0 ? -signStep : 0
                }
            }
            for (k, row) in slopes {
                let g = gradient[k]!, lines = free[k]!
                var updated = row
                for i in row.indices where !row[i].isNaN {
                    let line = lines[i]!
                    updated[i] = Swift.min(Swift.max(row[i] + step(g[i], &slopeMoments[k]!, i, rate: ascent.slopeRate), line.floor), line.ceiling)
                }
                slopes[k] = updated
            }
            for index in betas.indices {
                for k in splits.indices {
                    let moved = betas[index][k] + step(betaGradients[index][k], &betaMoments[index], k, rate: ascent.multiplierRate)
                    betas[index][k] = Swift.max(moved, 0)
                }
            }
            signStep *= HintAscent.signDecay
        }
        return RelaxationHints(slopes: best, multipliers: multipliers(bestBetas))
    }

    /// The free lines of the units of every layer that has one
    /// (``LinearRelaxation/freeLine(_:_:_:)`` over this computation's bounds), keyed by layer.
    func freeLines() -> [Int: [LinearRelaxation.FreeLine?]] {
        var free: [Int: [LinearRelaxation.FreeLine?]] = [:]
        for (k, layer) in layers.enumerated() where relaxations[k] != nil {
            let bounds = result.layerBounds[k]
            let lines = (0..<bounds.count).map { LinearRelaxation.freeLine(layer, bounds.lower[$0], bounds.upper[$0]) }
            if lines.contains(where: { $0 != nil }) { free[k] = lines }
        }
        return free
    }

    /// The affine layers packed for the ascent (``HintAffineLayer``), keyed by layer: a unit
    /// of an activation layer is dead when both its lines are `0·z + 0`, it has no free line
    /// in `free` and it is not in `splitUnits` (a split multiplier gives it a term of its own).
    func hintAffineLayers(free: [Int: [LinearRelaxation.FreeLine?]], splitUnits: Set<ActivationUnit>) -> [Int: HintAffineLayer] {
        func live(_ k: Int) -> [Bool]? {
            guard layers.indices.contains(k), let relaxation = relaxations[k] else { return nil }
            return (0..<relaxation.lowerSlope.count).map { i in
                !(relaxation.lowerSlope[i] == 0 && relaxation.upperSlope[i] == 0
                  && relaxation.lowerIntercept[i] == 0 && relaxation.upperIntercept[i] == 0
                  && free[k]?[i] == nil && !splitUnits.contains(ActivationUnit(layer: k, unit: i)))
            }
        }
        var packed: [Int: HintAffineLayer] = [:]
        for (k, layer) in layers.enumerated() {
            guard case .affine(let affine) = layer else { continue }
            packed[k] = HintAffineLayer(affine, keepRow: live(k + 1), keepColumn: live(k - 1))
        }
        return packed
    }

    /// The float lower bound of one row with `slopes` on the `free` lines and the Lagrangian
    /// terms `-β_k s_k z_k` of `splits`, adding `∂L/∂α` to `gradient` and `∂L/∂β` to
    /// `betaGradient`.
    func accumulate(row: [Double], constant: Double, slopes: [Int: [Double]], free: [Int: [LinearRelaxation.FreeLine?]],
                    affineLayers: [Int: HintAffineLayer], splits: [(unit: ActivationUnit, sign: Double)], betas: [Double], box: Box,
                    gradient: inout [Int: [Double]], betaGradient: inout [Double]) -> Double {
        var lambda = row
        var bound = constant
        var outputMultipliers = [[Double]](repeating: [], count: layers.count)
        for j in stride(from: layers.count - 1, through: 0, by: -1) {
            switch layers[j] {
            case .affine:
                let (biasTerm, product) = affineLayers[j]!.backward(lambda)
                bound += biasTerm
                lambda = product
            case .relu, .leakyRelu, .clip, .tanh, .sigmoid, .enclosedScale:
                let relaxation = relaxations[j]!, layerSlopes = slopes[j], layerFree = free[j]
                outputMultipliers[j] = lambda
                for i in 0..<lambda.count {
                    let (a, b) = lines(i, relaxation, layerSlopes, layerFree, upper: lambda[i] < 0)
                    bound += lambda[i] * b
                    lambda[i] *= a
                }
                for (k, split) in splits.enumerated() where split.unit.layer == j { lambda[split.unit.unit] -= split.sign * betas[k] }
            }
        }
        var zhat = (0..<lambda.count).map { lambda[$0] > 0 ? box.lower[$0] : box.upper[$0] }
        for i in 0..<lambda.count { bound += lambda[i] * zhat[i] }
        for j in layers.indices {
            switch layers[j] {
            case .affine:
                zhat = affineLayers[j]!.forward(zhat)
            case .relu, .leakyRelu, .clip, .tanh, .sigmoid, .enclosedScale:
                let relaxation = relaxations[j]!, layerSlopes = slopes[j], layerFree = free[j]
                let mu = outputMultipliers[j]
                for (k, split) in splits.enumerated() where split.unit.layer == j { betaGradient[k] -= split.sign * zhat[split.unit.unit] }
                var layerGradient = layerSlopes == nil ? nil : gradient[j]
                for i in 0..<zhat.count {
                    if let row = layerSlopes, !row[i].isNaN, let line = layerFree?[i], line.isUpper == (mu[i] < 0) {
                        layerGradient![i] += mu[i] * (zhat[i] - line.pivot)
                    }
                    let (a, b) = lines(i, relaxation, layerSlopes, layerFree, upper: mu[i] < 0)
                    zhat[i] = a * zhat[i] + b
                }
                if let layerGradient { gradient[j] = layerGradient }
            }
        }
        return bound
    }

    /// The line unit `i` of a layer takes, upper or lower: the free line (`free`, the layer's
    /// entry of ``freeLines()``) with the slope `α` from `slopes` (the layer's) where one is
    /// set (`α z - α c + c`, pivot `c`), else the relaxation's.
    func lines(_ i: Int, _ relaxation: LinearRelaxation, _ slopes: [Double]?,
               _ free: [LinearRelaxation.FreeLine?]?, upper: Bool) -> (Double, Double) {
        if let row = slopes, !row[i].isNaN, let line = free?[i], line.isUpper == upper {
            return (row[i], line.pivot - row[i] * line.pivot)
        }
        return upper ? (relaxation.upperSlope[i], relaxation.upperIntercept[i])
                     : (relaxation.lowerSlope[i], relaxation.lowerIntercept[i])
    }
}

/// The hints of one bound computation (``PhaseSplitNodeBounds/optimisedHints(rows:specification:box:phases:start:sharedMultipliers:ascent:iterations:expired:)``):
/// lower slopes and split multipliers. Any slope in range and any multiplier `>= 0` give
/// sound bounds.
public struct RelaxationHints: Sendable, Equatable {
    public var slopes: [Int: [Double]]
    public var multipliers: SplitMultipliers

    public init(slopes: [Int: [Double]] = [:], multipliers: SplitMultipliers = SplitMultipliers()) {
        self.slopes = slopes
        self.multipliers = multipliers
    }
}
