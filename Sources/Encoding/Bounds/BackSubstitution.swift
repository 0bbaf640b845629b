import Network

// Linear bounds by back-substitution (CROWN / DeepPoly).
//
// References: H. Zhang et al., "Efficient Neural Network Robustness Certification with
// General Activation Functions", NeurIPS 2018; G. Singh et al., "An Abstract Domain for
// Certifying Neural Networks", POPL 2019. Floating-point soundness follows the a-priori
// error analysis of N. J. Higham, "Accuracy and Stability of Numerical Algorithms", 2002,
// ch. 3 (gamma_n), in the spirit of the sound-FP treatment in DeepPoly.

/// The state of one bound computation: the layer bounds found so far, the relaxation of
/// every activation layer whose input bounds are final, and per-layer magnitude data for
/// the floating-point error terms. Internal to ``BoundPropagation``.
///
/// Indexing: `bounds[k]` bounds `v_k`, the input of `layers[k]` (`v_0` = the network input,
/// `v_{k+1} = layers[k](v_k)`).
struct BackSubstitution {
    let layers: [Layer]
    /// `sizes[k]` = length of `v_k`.
    let sizes: [Int]
    /// Whether relaxations and error data are recorded (linear method).
    let recordsLinearData: Bool
    var bounds: [LayerBounds]
    /// `relaxations[k]`: lines of activation layer `k` over `bounds[k]`.
    var relaxations: [LinearRelaxation?]
    /// Error weights per unit of layer `k`, such that the error terms of one step are sums of
    /// `|λ_i| * weight_i`:
    /// affine `k`: `errorWeights[k][i] >= |b_i| + sum_j |W_ij| M_j`;
    /// activation `k`: `lowerErrorWeights[k][i] >= |a_L| M_i + |b_L|` (and the upper line's in
    /// `upperErrorWeights`), with `M = max(|l|, |u|)` of `bounds[k]`.
    var errorWeights: [[Double]]
    var upperErrorWeights: [[Double]]
    /// `magnitudeSums[k] >= sum_i M_i` over `bounds[k]`.
    var magnitudeSums: [Double]
    /// Whether ``lowerBounds(rows:constants:rowCount:top:coefficients:settle:)`` concretises
    /// the rows of a `settle` pass (intermediate units) at intermediate layers, so that
    /// `settle` can retire them; see ``earlyConcretisationWork``. Passes without `settle`
    /// (specification rows: few, and their early bounds are often the best) always do.
    let concretisesEarly: Bool

    /// Early concretisation of intermediate units pays when a retired row saves expensive
    /// steps: it is on when some affine layer has at least this many weights (`inputs x
    /// outputs`). Measured (release, Benchmarks/README.md "Early concretisation"): on ACAS Xu
    /// (2,500 weights per layer) turning it off saves about 25% of a sub-box's time with the
    /// same node counts (4_9 prop_1 24 -> 18 s); on the digits models (at most 2,080) about
    /// 10% at eps 0.5 with the same verdicts; on the MNIST C∘G networks (100,352) dropping it
    /// made the eps 0.1 p90 246 -> 410 ms, so it stays on there.
    static let earlyConcretisationWork = 10_000

    /// Whether element-wise affine layers take the `O(n)` substitution step (the default);
    /// tests turn it off to compare with the dense step, which computes the same Doubles.
    let substitutesElementWise: Bool

    /// The fewest live rows for which the dense affine step multiplies all rows at once on
    /// BLAS (``blasRowThreshold`` by default); with fewer, the row-by-row loop in index order,
    /// whose bounds obey the same error analysis. Tests pass 1 (always BLAS) and `Int.max`
    /// (never) to compare the two.
    let blasRows: Int

    /// The fewest rows for which the dense affine step multiplies on BLAS: below it the row
    /// loop, which skips every zero coefficient, is as fast (BLAS packs `W` on every call).
    /// Measured (release, bounds-bench, 2026-12-04): on mnistfc 256x6 BLAS for every row
    /// count and from 16 rows are 46-52 ms per pass, the loop alone 56-57 ms; the MNIST C∘G
    /// passes are 43-50 ms either way.
    static let blasRowThreshold = 16

    /// Two scratch buffers for the coefficient rows (reused by every back-substitution).
    private var current: [Double] = []
    private var next: [Double] = []

    init(network: NeuralNetwork, box: Box, linear: Bool, substitutesElementWise: Bool = true,
         blasRows: Int = BackSubstitution.blasRowThreshold) {
        self.substitutesElementWise = substitutesElementWise
        self.blasRows = blasRows
        layers = network.layers
        sizes = [network.inputSize] + network.layerOutputSizes
        recordsLinearData = linear
        bounds = [LayerBounds(lower: box.lower, upper: box.upper)]
        bounds.reserveCapacity(layers.count + 1)
        relaxations = [LinearRelaxation?](repeating: nil, count: layers.count)
        errorWeights = [[Double]](repeating: [], count: layers.count)
        upperErrorWeights = errorWeights
        magnitudeSums = [Double](repeating: 0, count: layers.count)
        let largestAffine = layers.map { layer -> Int in
            guard case .affine(let affine) = layer else { return 0 }
            return affine.diagonalScale == nil ? affine.inputSize * affine.outputSize : affine.inputSize
        }.max() ?? 0
        concretisesEarly = largestAffine >= Self.earlyConcretisationWork
    }

    /// Appends the interval bounds of `layers[k]`'s output, once `bounds[k]` is final, and
    /// records the layer's relaxation and error data when ``recordsLinearData``.
    mutating func appendLayer(_ k: Int, slopes: [Double]?) {
        precondition(bounds.count == k + 1, "layers are appended in order")
        let input = bounds[k]
        switch layers[k] {
        case .affine(let affine):
            let (output, rowMagnitudes) = IntervalPropagation.affine(affine, input)
            bounds.append(output)
            guard recordsLinearData else { return }
            magnitudeSums[k] = Self.magnitudeSum(input)
            errorWeights[k] = (0..<affine.outputSize).map {
                DirectedRounding.saneUpper(DirectedRounding.addUp(rowMagnitudes[$0], affine.bias[$0].magnitude))
            }
        case let layer:
            bounds.append(IntervalPropagation.activation(layer, input))
            guard recordsLinearData else { return }
            magnitudeSums[k] = Self.magnitudeSum(input)
            let relaxation = LinearRelaxation(layer, input, slopes: slopes)
            var lowerWeights = [Double](repeating: 0, count: input.count)
            var upperWeights = lowerWeights
            for i in 0..<input.count {
                let big = DirectedRounding.magnitude(input.lower[i], input.upper[i])
                lowerWeights[i] = Self.lineWeight(relaxation.lowerSlope[i], relaxation.lowerIntercept[i], big)
                upperWeights[i] = Self.lineWeight(relaxation.upperSlope[i], relaxation.upperIntercept[i], big)
            }
            relaxations[k] = relaxation
            errorWeights[k] = lowerWeights
            upperErrorWeights[k] = upperWeights
        }
    }

    /// `RU(sum_i max(|l_i|, |u_i|))`.
    private static func magnitudeSum(_ bounds: LayerBounds) -> Double {
        var sum = 0.0
        for i in 0..<bounds.count {
            sum = DirectedRounding.addUp(sum, DirectedRounding.magnitude(bounds.lower[i], bounds.upper[i]))
        }
        return DirectedRounding.saneUpper(sum)
    }

    /// `RU(|a| M + |b|)`, the error weight of a line `a z + b` with `|z| <= M`.
    private static func lineWeight(_ a: Double, _ b: Double, _ big: Double) -> Double {
        DirectedRounding.saneUpper(DirectedRounding.addUp(DirectedRounding.mulUp(a.magnitude, big), b.magnitude))
    }

    /// Sound lower bounds of `rows[r] · v_top + constants[r]` over the input box, for the
    /// `rowCount` rows stored row-major in `rows` (`rowCount x sizes[top]`).
    ///
    /// Every layer below `top` must have been appended with linear data. On return
    /// `coefficients` holds the rows over the input (`rowCount x sizes[0]`) and `constants`
    /// their constants: `rows[r] · v_top + constants_in[r] >= coefficients[r] · x +
    /// constants[r]` for every `x` in the box, in exact arithmetic.
    ///
    /// One step per layer `j = top-1, ..., 0`, for a row `(λ, c)` over `v_{j+1}`, with `k`
    /// the number of nonzero `λ_i` and all sums in plain round-to-nearest:
    /// ```
    /// affine  v_{j+1} = W v_j + b:
    ///     λ' = fl(λ^T W),   β = fl(Σ_i λ_i b_i),   q = fl(Σ_i |λ_i| w_i),  w_i >= |b_i| + Σ_j |W_ij| M_j
    ///     c' = RD(RD(c + β) - RU(γ_k Q + k η (1 + Σ_j M_j))),   Q = absoluteSumUp(q) >= Σ_i |λ_i| w_i
    /// activation  v_{j+1} = f(v_j), lines a_L z + b_L <= f(z) <= a_U z + b_U on [l, u]:
    ///     (a, b, w) = λ_i > 0 ? (a_L, b_L, w_L) : (a_U, b_U, w_U),   w >= |a| M_i + |b|
    ///     λ'_i = fl(λ_i a),   β = fl(Σ_i λ_i b),   q = fl(Σ_i |λ_i| w)
    ///     c' = RD(RD(c + β) - RU(γ_k Q + k η + η Σ_i M_i))
    /// concretisation over bounds [l, u] of v_j (j = 0: the box), e_i = λ_i > 0 ? l_i : u_i:
    ///     lower = RD(RD(c + fl(Σ λ_i e_i)) - RU(γ_n Q + n η)),   Q >= Σ |λ_i e_i|
    /// ```
    /// Soundness of the affine step: the exact `λ^T W` differs from `λ'` by at most
    /// `γ_k Σ_i |λ_i W_ij| + k η` per entry `j` (Higham, Lemma 3.1, plus underflow). `λ'` is one
    /// BLAS product (``DenseProduct``) over all `n` terms, summed in BLAS's order with fused
    /// multiply-adds: the bound holds for every order and with fused multiply-adds, and the
    /// `n - k` terms with `λ_i = 0` are exact zeros (`0 · W_ij = 0`, and adding an exact zero
    /// to a partial sum, or fusing it, rounds nothing), so a term still passes through at
    /// most `k` roundings; hence
    /// `(λ^T W) v_j >= λ' v_j - Σ_j (γ_k Σ_i |λ_i W_ij| + k η) M_j`; the bias dot product errs
    /// by at most `γ_k Σ |λ_i b_i| + k η`; both together are at most `γ_k Q + k η (1 + Σ M)`.
    /// The activation step: `|λ_i a - fl(λ_i a)| <= u |λ_i a| + η/2` (times `|z_i| <= M_i`) and
    /// the intercept dot product's error sum to at most `γ_k Q + k η + η Σ M` (`u <= γ_k`).
    ///
    /// Early concretisation: after each step to a layer `j >= 1`, every row is also bounded
    /// over the (sound) bounds of `v_j`, and the returned lower bound of a row is the best of
    /// these and the final one (each is sound: `v_j` lies in `bounds[j]` on the box); for a
    /// pass with `settle` only when ``concretisesEarly``. With
    /// `settle`, called with the best bounds so far, a caller can retire rows whose purpose
    /// is met (e.g. a ReLU shown stable); retired rows stop, and their `coefficients` and
    /// `constants` are left meaningless (zero coefficients). Without `settle` every row
    /// reaches the input.
    mutating func lowerBounds(rows: [Double], constants: inout [Double], rowCount: Int, top: Int,
                              coefficients: inout [Double],
                              settle: ((_ best: [Double], _ active: inout [Bool]) -> Void)? = nil) -> [Double] {
        precondition(rows.count == rowCount * sizes[top] && constants.count == rowCount)
        let capacity = rowCount * (sizes[0...top].max() ?? 0)
        if current.count < capacity { current = [Double](repeating: 0, count: capacity) }
        if next.count < capacity { next = [Double](repeating: 0, count: capacity) }
        for index in rows.indices { current[index] = rows[index] }
        // Position p of the buffers holds original row ids[p]; `live` rows are active.
        var ids = Array(0..<rowCount)
        var live = rowCount
        var positionConstants = constants
        var best = [Double](repeating: -.infinity, count: rowCount)
        var active = [Bool](repeating: true, count: rowCount)
        var j = top - 1
        while j >= 0 && live > 0 {
            switch layers[j] {
            case .affine(let affine):
                substituteAffine(affine, layer: j, constants: &positionConstants, rowCount: live)
            default:
                substituteActivation(layer: j, constants: &positionConstants, rowCount: live)
            }
            swap(&current, &next)
            // Rows are now over v_j.
            let width = sizes[j]
            guard j == 0 || concretisesEarly || settle == nil else { j -= 1; continue }
            concretizeRows(live, width: width, constants: positionConstants, over: bounds[j]) { p, value in
                best[ids[p]] = Swift.max(best[ids[p]], value)
            }
            if j >= 1, let settle {
                settle(best, &active)
                var q = 0
                for p in 0..<live where active[ids[p]] {
                    if q != p {
                        for i in 0..<width { current[q * width + i] = current[p * width + i] }
                        ids[q] = ids[p]
                        positionConstants[q] = positionConstants[p]
                    }
                    q += 1
                }
                live = q
            }
            j -= 1
        }
        let d = sizes[0]
        coefficients = [Double](repeating: 0, count: rowCount * d)
        if top == 0 {
            concretizeRows(rowCount, width: d, constants: constants, over: bounds[0]) { r, value in best[r] = value }
        }
        if j < 0 {
            for p in 0..<live {
                for i in 0..<d { coefficients[ids[p] * d + i] = current[p * d + i] }
                constants[ids[p]] = positionConstants[p]
            }
        }
        return best
    }

    /// For each of the first `count` rows `p` of `current` (width `width`): `result(p,
    /// RD(c_p + fl(Σ λ_i e_i) - RU(γ_n Q + n η)))`, `e_i = λ_i > 0 ? l_i : u_i`, the lower
    /// bound of the row over `bounds` (`Q` bounds `Σ |λ_i e_i|`).
    private func concretizeRows(_ count: Int, width: Int, constants: [Double], over bounds: LayerBounds,
                                _ result: (Int, Double) -> Void) {
        current.withUnsafeBufferPointer { cur in
            bounds.lower.withUnsafeBufferPointer { l in
                bounds.upper.withUnsafeBufferPointer { u in
                    for p in 0..<count {
                        let (sum, absolute) = VectorKernels.concretize(
                            cur.baseAddress! + p * width, lower: l.baseAddress!, upper: u.baseAddress!, count: width)
                        let error = DirectedRounding.dotError(
                            absoluteSum: DirectedRounding.absoluteSumUp(absolute, terms: width), terms: width)
                        result(p, DirectedRounding.saneLower(
                            DirectedRounding.addDown(DirectedRounding.addDown(constants[p], sum), -error)))
                    }
                }
            }
        }
    }

    /// One affine step `current (rows over v_{j+1}) -> next (rows over v_j)`; see
    /// ``lowerBounds(rows:constants:rowCount:top:coefficients:)``.
    ///
    /// An element-wise layer (``AffineLayer/diagonalScale``, `W = diag(s)`) takes `O(n)` per
    /// row: `λ'_i = fl(λ_i s_i)`, `β = fl(Σ_i λ_i b_i)`, `q = fl(Σ_i |λ_i| w_i)`. These are the
    /// same Doubles the dense loop computes (its other terms are exact zeros added to one
    /// product), so the dense step's error bound `γ_k Q + k η (1 + Σ_j M_j)` applies unchanged
    /// (a single product errs by at most `u |λ_i s_i| + η/2`, below it).
    private mutating func substituteAffine(_ affine: AffineLayer, layer j: Int, constants: inout [Double], rowCount: Int) {
        let n = affine.outputSize, m = affine.inputSize
        let sumM = magnitudeSums[j]
        if substitutesElementWise, let scale = affine.diagonalScale {
            substituteDiagonal(scale, affine.bias, layer: j, constants: &constants, rowCount: rowCount)
            return
        }
        guard rowCount > 0 else { return }
        current.withUnsafeBufferPointer { cur in
            next.withUnsafeMutableBufferPointer { nxt in
                affine.weights.withUnsafeBufferPointer { w in
                    if rowCount >= blasRows {
                        Self.multiplyCompacted(cur.baseAddress!, rows: rowCount, units: n, weights: w.baseAddress!,
                                               inputs: m, into: nxt.baseAddress!)
                        return
                    }
                    for r in 0..<rowCount {
                        let src = cur.baseAddress! + r * n, dst = nxt.baseAddress! + r * m
                        dst.update(repeating: 0, count: m)
                        for i in 0..<n where src[i] != 0 {
                            let weightRow = w.baseAddress! + i * m
                            for k in 0..<m { dst[k] += src[i] * weightRow[k] }
                        }
                    }
                }
                affine.bias.withUnsafeBufferPointer { bias in
                    errorWeights[j].withUnsafeBufferPointer { weight in
                        for r in 0..<rowCount {
                            let src = cur.baseAddress! + r * n
                            var beta = 0.0, q = 0.0, terms = 0
                            for i in 0..<n {
                                let lambda = src[i]
                                if lambda == 0 { continue }
                                terms += 1
                                beta += lambda * bias[i]
                                q += lambda.magnitude * weight[i]
                            }
                            constants[r] = Self.combine(constants[r], beta: beta, q: q, terms: terms,
                                                        extra: DirectedRounding.mulUp(Double(terms) * DirectedRounding.eta, sumM))
                        }
                    }
                }
            }
        }
    }

    /// `out = fl(Λ W)` for `rows` coefficient rows `Λ` (`rows x units`) and `W` (`units x
    /// inputs`), as one BLAS product over the units whose coefficient is nonzero in some row:
    /// the other units contribute exact zeros to every sum (an inactive ReLU's column, a
    /// retired unit), so leaving them out changes no rounding, and BLAS does not multiply them.
    private static func multiplyCompacted(_ lambda: UnsafePointer<Double>, rows: Int, units n: Int,
                                          weights w: UnsafePointer<Double>, inputs m: Int,
                                          into out: UnsafeMutablePointer<Double>) {
        var nonzero = [Bool](repeating: false, count: n)
        for r in 0..<rows {
            let row = lambda + r * n
            for i in 0..<n where row[i] != 0 { nonzero[i] = true }
        }
        let used = nonzero.indices.filter { nonzero[$0] }
        if used.count == n {
            DenseProduct.multiply(m: rows, n: m, k: n, a: lambda, lda: n, b: w, ldb: m, c: out, ldc: m)
            return
        }
        let k = used.count
        guard k > 0 else { out.update(repeating: 0, count: rows * m); return }
        var a = [Double](repeating: 0, count: rows * k), b = [Double](repeating: 0, count: k * m)
        for r in 0..<rows {
            for (p, i) in used.enumerated() { a[r * k + p] = lambda[r * n + i] }
        }
        b.withUnsafeMutableBufferPointer { bb in
            for (p, i) in used.enumerated() { (bb.baseAddress! + p * m).update(from: w + i * m, count: m) }
        }
        DenseProduct.multiply(m: rows, n: m, k: k, a: a, lda: k, b: b, ldb: m, c: out, ldc: m)
    }

    /// The element-wise affine step of ``substituteAffine(_:layer:constants:rowCount:)``.
    private mutating func substituteDiagonal(_ scale: [Double], _ bias: [Double], layer j: Int,
                                             constants: inout [Double], rowCount: Int) {
        let n = scale.count
        let sumM = magnitudeSums[j]
        current.withUnsafeBufferPointer { cur in
            next.withUnsafeMutableBufferPointer { nxt in
                errorWeights[j].withUnsafeBufferPointer { weight in
                    for r in 0..<rowCount {
                        let src = cur.baseAddress! + r * n
                        let dst = nxt.baseAddress! + r * n
                        var beta = 0.0, q = 0.0, terms = 0
                        for i in 0..<n {
                            let lambda = src[i]
                            if lambda == 0 { dst[i] = 0; continue }
                            terms += 1
                            dst[i] = lambda * scale[i]
                            beta += lambda * bias[i]
                            q += lambda.magnitude * weight[i]
                        }
                        constants[r] = Self.combine(constants[r], beta: beta, q: q, terms: terms,
                                                    extra: DirectedRounding.mulUp(Double(terms) * DirectedRounding.eta, sumM))
                    }
                }
            }
        }
    }

    /// One activation step through the relaxation of layer `j`; see
    /// ``lowerBounds(rows:constants:rowCount:top:coefficients:)``.
    private mutating func substituteActivation(layer j: Int, constants: inout [Double], rowCount: Int) {
        guard let relaxation = relaxations[j] else { preconditionFailure("layer \(j) has no relaxation") }
        let n = sizes[j]
        let underflow = DirectedRounding.mulUp(DirectedRounding.eta, magnitudeSums[j])
        current.withUnsafeBufferPointer { cur in
        next.withUnsafeMutableBufferPointer { nxt in
        relaxation.lowerSlope.withUnsafeBufferPointer { aL in
        relaxation.lowerIntercept.withUnsafeBufferPointer { bL in
        relaxation.upperSlope.withUnsafeBufferPointer { aU in
        relaxation.upperIntercept.withUnsafeBufferPointer { bU in
        errorWeights[j].withUnsafeBufferPointer { wL in
        upperErrorWeights[j].withUnsafeBufferPointer { wU in
            for r in 0..<rowCount {
                let (beta, q, terms) = VectorKernels.activationRow(
                    cur.baseAddress! + r * n, nxt.baseAddress! + r * n,
                    lowerSlope: aL.baseAddress!, lowerIntercept: bL.baseAddress!, lowerWeight: wL.baseAddress!,
                    upperSlope: aU.baseAddress!, upperIntercept: bU.baseAddress!, upperWeight: wU.baseAddress!,
                    count: n)
                constants[r] = Self.combine(constants[r], beta: beta, q: q, terms: terms, extra: underflow)
            }
        }}}}}}}}
    }

    /// `RD(RD(c + beta) - RU(gamma_k Q + k eta + extra))` with `Q = absoluteSumUp(q)`;
    /// NaN becomes `-infinity`.
    @inline(__always)
    private static func combine(_ c: Double, beta: Double, q: Double, terms: Int, extra: Double) -> Double {
        if terms == 0 { return c }
        let error = DirectedRounding.addUp(
            DirectedRounding.dotError(absoluteSum: DirectedRounding.absoluteSumUp(q, terms: terms), terms: terms), extra)
        return DirectedRounding.saneLower(DirectedRounding.addDown(DirectedRounding.addDown(c, beta), -error))
    }
}
