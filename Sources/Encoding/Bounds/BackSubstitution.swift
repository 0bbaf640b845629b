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
    /// Chosen when the whole pass cost about 50 ms on mnistfc 256x6 (BLAS from 16 rows and
    /// BLAS for every row count were equal, the loop alone about 10 % slower); not re-measured
    /// since the pass got 2-3x faster.
    static let blasRowThreshold = 16

    /// The row buffers of ``lowerBounds(rows:constants:rowCount:top:coefficients:returnsCoefficients:settle:)``
    /// (reused by every back-substitution of this state; a copied state gets its own on first use).
    var scratch = RowScratch()
    /// The centre-radius form of `bounds[k]` used by ``concretize(_:layer:units:constants:)``,
    /// with the bounds it was computed from (recomputed when `bounds[k]` changed).
    var boxForms: [BoxForm.Cached?] = []
    /// Restricted operands of affine and activation layers (``columnLayout(top:)``).
    var compactAffine: [Int: AffineOperands] = [:]
    var compactActivation: [Int: ActivationOperands] = [:]
    /// Interval products of affine layers to reuse and record (``IntervalMemo``); nil: none.
    var intervalMemo: IntervalMemo?

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
        boxForms = [BoxForm.Cached?](repeating: nil, count: layers.count + 1)
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
            let (output, rowMagnitudes) = affineIntervals(k, affine, input)
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

    /// ``IntervalPropagation/affine(_:_:)`` of layer `k`, from ``intervalMemo`` when it holds
    /// this very input, recorded there otherwise.
    private mutating func affineIntervals(_ k: Int, _ affine: AffineLayer, _ input: LayerBounds)
        -> (bounds: LayerBounds, rowMagnitudes: [Double]) {
        guard intervalMemo != nil else { return IntervalPropagation.affine(affine, input) }
        if let known = intervalMemo?.product(layer: k, input: input, outputSize: affine.outputSize) { return known }
        let computed = IntervalPropagation.affine(affine, input)
        intervalMemo?.record(layer: k, input: input, output: computed.bounds, rowMagnitudes: computed.rowMagnitudes)
        return computed
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
    /// `coefficients` holds the rows over the input (`rowCount x sizes[0]`; left empty when
    /// `returnsCoefficients` is false) and `constants` their constants: `rows[r] · v_top +
    /// constants_in[r] >= coefficients[r] · x + constants[r]` for every `x` in the box, in
    /// exact arithmetic.
    ///
    /// One step per layer `j = top-1, ..., 0`, for a row `(λ, c)` over `v_{j+1}` of width `n`,
    /// all products and sums in plain round-to-nearest, in any order (BLAS):
    /// ```
    /// affine  v_{j+1} = W v_j + b:
    ///     λ' = fl(λ^T W),   β = fl(Σ_i λ_i b_i),   q = fl(Σ_i |λ_i| w_i),  w_i >= |b_i| + Σ_j |W_ij| M_j
    ///     c' = RD(RD(c + β) - RU(γ_n Q + n η (1 + Σ_j M_j))),   Q = absoluteSumUp(q) >= Σ_i |λ_i| w_i
    /// activation  v_{j+1} = f(v_j), lines a_L z + b_L <= f(z) <= a_U z + b_U on [l, u]:
    ///     (a, b, w) = λ_i > 0 ? (a_L, b_L, w_L) : (a_U, b_U, w_U),   w >= |a| M_i + |b|
    ///     λ'_i = fl(λ_i a),   β = fl(Σ_i λ_i b),   q = fl(Σ_i |λ_i| w)
    ///     c' = RD(RD(c + β) - RU(γ_n Q + n η + η Σ_i M_i))
    /// concretisation over bounds [l, u] of v_j (j = 0: the box): see ``concretize(_:layer:units:constants:)``
    /// ```
    /// Soundness of the affine step: the exact `λ^T W` differs from `λ'` by at most
    /// `γ_n Σ_i |λ_i W_ij| + n η` per entry `j` (Higham, Lemma 3.1, plus underflow). `λ'` is one
    /// BLAS product (``DenseProduct``) summed in BLAS's order with fused multiply-adds, `β` and
    /// `q` are four-way partial sums per row (``VectorKernels/signedAndAbsolute(_:_:_:count:)``):
    /// Higham's bound holds for every order and with fused multiply-adds; hence
    /// `(λ^T W) v_j >= λ' v_j - Σ_j (γ_n Σ_i |λ_i W_ij| + n η) M_j`; the bias dot product errs
    /// by at most `γ_n Σ |λ_i b_i| + n η`; both together are at most `γ_n Q + n η (1 + Σ M)`.
    /// The activation step: `|λ_i a - fl(λ_i a)| <= u |λ_i a| + η/2` (times `|z_i| <= M_i`) and
    /// the intercept dot product's error sum to at most `γ_n Q + n η + η Σ M` (`u <= γ_n`).
    /// Here `n` counts the units the rows carry (``columnLayout(top:)``); a zero `λ_i`
    /// contributes exact zeros, so `n` may exceed the terms actually rounded.
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
                              coefficients: inout [Double], returnsCoefficients: Bool = true,
                              splitTerms: SplitTerms? = nil,
                              settle: ((_ best: [Double], _ active: inout [Bool]) -> Void)? = nil) -> [Double] {
        precondition(rows.count == rowCount * sizes[top] && constants.count == rowCount)
        prepareScratch(rowCount: rowCount, top: top)
        let buffers = scratch
        rows.withUnsafeBufferPointer { source in
            guard let base = source.baseAddress else { return }
            buffers.rows.update(from: base, count: source.count)
        }
        var pass = RowPass(constants: constants, layout: columnLayout(top: top, keeping: splitTerms?.units ?? [:]))
        if top == 0 {
            let lower = concretize(rowCount, layer: 0, units: nil, constants: constants)
            for r in 0..<rowCount { pass.best[r] = lower[r] }
        }
        let reached = run(&pass, from: top - 1, splitTerms: splitTerms, settle: settle)
        let d = sizes[0]
        coefficients = returnsCoefficients ? [Double](repeating: 0, count: rowCount * d) : []
        if reached < 0 {
            for p in 0..<pass.live {
                if returnsCoefficients {
                    coefficients.withUnsafeMutableBufferPointer {
                        ($0.baseAddress! + pass.ids[p] * d).update(from: buffers.rows + p * d, count: d)
                    }
                }
                constants[pass.ids[p]] = pass.constants[p]
            }
        }
        return pass.best
    }

    /// ``lowerBounds(rows:constants:rowCount:top:coefficients:returnsCoefficients:settle:)`` of
    /// the rows `+e_u` (row `2 index`) and `-e_u` (row `2 index + 1`) over `v_top` for each
    /// `u = units[index]`, with constants 0 and without coefficients.
    ///
    /// When `layers[top - 1]` is affine, its step is taken exactly without a product: the
    /// rows over `v_{top-1}` are `±W_u` (the row of `W`, or `±s_u e_u` element-wise) with
    /// constants `±b_u`, both exact (a negation rounds nothing), so no error term is due.
    mutating func unitLowerBounds(units: [Int], top: Int,
                                  settle: ((_ best: [Double], _ active: inout [Bool]) -> Void)? = nil) -> [Double] {
        let rowCount = 2 * units.count
        guard top >= 1, case .affine(let affine) = layers[top - 1] else {
            let width = sizes[top]
            var rows = [Double](repeating: 0, count: rowCount * width)
            for (index, unit) in units.enumerated() {
                rows[(2 * index) * width + unit] = 1
                rows[(2 * index + 1) * width + unit] = -1
            }
            var constants = [Double](repeating: 0, count: rowCount), coefficients: [Double] = []
            return lowerBounds(rows: rows, constants: &constants, rowCount: rowCount, top: top,
                               coefficients: &coefficients, returnsCoefficients: false, settle: settle)
        }
        prepareScratch(rowCount: rowCount, top: top)
        var pass = RowPass(constants: [Double](repeating: 0, count: rowCount), layout: columnLayout(top: top))
        let columns = pass.columns[top - 1]
        Self.writeUnitRows(affine, units: units, columns: columns, into: scratch.rows, constants: &pass.constants)
        settleRows(&pass, at: top - 1, settle: settle)
        _ = run(&pass, from: top - 2, settle: settle)
        return pass.best
    }

    /// Rows `±W_u` (row-major, over the input units `columns`, nil: all) and constants `±b_u`
    /// for each unit.
    private static func writeUnitRows(_ affine: AffineLayer, units: [Int], columns: [Int]?,
                                      into rows: UnsafeMutablePointer<Double>, constants: inout [Double]) {
        let m = affine.inputSize, width = columns?.count ?? m
        rows.update(repeating: 0, count: 2 * units.count * width)
        for (index, unit) in units.enumerated() {
            let plus = rows + 2 * index * width, minus = plus + width
            if let scale = affine.diagonalScale {
                precondition(columns == nil, "element-wise layers keep all units")
                plus[unit] = scale[unit]
                minus[unit] = -scale[unit]
            } else {
                affine.weights.withUnsafeBufferPointer { w in
                    for q in 0..<width {
                        let i = columns?[q] ?? q
                        plus[q] = w[unit * m + i]
                        minus[q] = -w[unit * m + i]
                    }
                }
            }
            constants[2 * index] = affine.bias[unit]
            constants[2 * index + 1] = -affine.bias[unit]
        }
    }

    /// Makes ``scratch`` this state's own and large enough for `rowCount` rows of every width
    /// up to `sizes[top]`.
    private mutating func prepareScratch(rowCount: Int, top: Int) {
        if !isKnownUniquelyReferenced(&scratch) { scratch = RowScratch() }
        scratch.reserve(rowCount * (sizes[0...top].max() ?? 0))
    }

    /// The steps from layer `start` down to the input (or until no row is live); returns the
    /// last layer index not stepped through (`-1` when the rows reached the input).
    private mutating func run(_ pass: inout RowPass, from start: Int, splitTerms: SplitTerms? = nil,
                              settle: ((_ best: [Double], _ active: inout [Bool]) -> Void)?) -> Int {
        var j = start
        while j >= 0 && pass.live > 0 {
            switch layers[j] {
            case .affine(let affine):
                substituteAffine(affine, layer: j, rowUnits: pass.columns[j + 1], columnUnits: pass.columns[j],
                                 constants: &pass.constants, rowCount: pass.live)
            default:
                substituteActivation(layer: j, units: pass.columns[j], identities: pass.identityCounts[j],
                                     constants: &pass.constants, rowCount: pass.live)
            }
            scratch.swap()
            if let splitTerms { addSplitTerms(splitTerms, layer: j, pass: pass) }
            settleRows(&pass, at: j, settle: settle)
            j -= 1
        }
        return j
    }

    /// After a step to layer `j`: early concretisation (see the rules above) into
    /// `pass.best`, then `settle` and the compaction of the live rows.
    private mutating func settleRows(_ pass: inout RowPass, at j: Int,
                                     settle: ((_ best: [Double], _ active: inout [Bool]) -> Void)?) {
        guard j == 0 || concretisesEarly || settle == nil else { return }
        let lower = concretize(pass.live, layer: j, units: pass.columns[j], constants: pass.constants)
        for p in 0..<pass.live { pass.best[pass.ids[p]] = Swift.max(pass.best[pass.ids[p]], lower[p]) }
        guard j >= 1, let settle else { return }
        settle(pass.best, &pass.active)
        let width = pass.columns[j]?.count ?? sizes[j], buffers = scratch
        var q = 0
        for p in 0..<pass.live where pass.active[pass.ids[p]] {
            if q != p {
                (buffers.rows + q * width).update(from: buffers.rows + p * width, count: width)
                pass.ids[q] = pass.ids[p]
                pass.constants[q] = pass.constants[p]
            }
            q += 1
        }
        pass.live = q
    }
}

/// The rows of one lower-bound pass while they move down the layers: position `p` of the
/// scratch buffers holds original row `ids[p]`; the first `live` positions are active.
struct RowPass {
    var ids: [Int]
    var live: Int
    /// The constant of the row at each position.
    var constants: [Double]
    /// The best lower bound found so far, per original row.
    var best: [Double]
    /// Whether each original row is still needed (see `settle`).
    var active: [Bool]
    /// The units the rows over each layer carry (``BackSubstitution/columnLayout(top:)``).
    let columns: [[Int]?]
    /// Per activation layer, how many of its carried units (the last ones) have identity lines.
    let identityCounts: [Int]

    init(constants: [Double], layout: ColumnLayout) {
        columns = layout.units
        identityCounts = layout.identityCounts
        let count = constants.count
        ids = Array(0..<count)
        live = count
        self.constants = constants
        best = [Double](repeating: -.infinity, count: count)
        active = [Bool](repeating: true, count: count)
    }
}
