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
    var bounds: [LayerBounds]
    /// `relaxations[k]`: lines of activation layer `k` over `bounds[k]`.
    var relaxations: [LinearRelaxation?]
    /// `magnitudes[k][i] = max(|l_i|, |u_i|)` of `bounds[k]` (activation layers only).
    var magnitudes: [[Double]]
    /// `magnitudeSums[k] = RU(sum_i magnitudes[k][i])` of `bounds[k]`.
    var magnitudeSums: [Double]
    /// `rowWeights[k][i] = RU(sum_j |W_ij| M_j)` for affine layer `k`, `M` the magnitudes of
    /// `bounds[k]`.
    var rowWeights: [[Double]]

    /// Two scratch buffers for the coefficient rows (reused by every back-substitution).
    private var current: [Double] = []
    private var next: [Double] = []

    init(network: NeuralNetwork, box: Box) {
        layers = network.layers
        sizes = [network.inputSize] + network.layerOutputSizes
        bounds = [LayerBounds(lower: box.lower, upper: box.upper)]
        bounds.reserveCapacity(layers.count + 1)
        relaxations = [LinearRelaxation?](repeating: nil, count: layers.count)
        magnitudes = [[Double]](repeating: [], count: layers.count)
        magnitudeSums = [Double](repeating: 0, count: layers.count)
        rowWeights = [[Double]](repeating: [], count: layers.count)
    }

    /// Records the magnitude data of layer `k` once `bounds[k]` is final (and, for an
    /// activation layer, its relaxation over those bounds).
    mutating func finalizeInput(ofLayer k: Int, slopes: [Double]?) {
        let input = bounds[k]
        var sum = 0.0
        var magnitude = [Double](repeating: 0, count: input.count)
        for i in 0..<input.count {
            magnitude[i] = DirectedRounding.magnitude(input.lower[i], input.upper[i])
            sum = DirectedRounding.addUp(sum, magnitude[i])
        }
        magnitudeSums[k] = sum
        switch layers[k] {
        case .affine(let affine):
            let m = affine.inputSize
            var rho = [Double](repeating: 0, count: affine.outputSize)
            affine.weights.withUnsafeBufferPointer { w in
                for i in 0..<affine.outputSize {
                    var s = 0.0
                    for j in 0..<m {
                        s = DirectedRounding.addUp(s, DirectedRounding.mulUp(w[i * m + j].magnitude, magnitude[j]))
                    }
                    rho[i] = DirectedRounding.saneUpper(s)
                }
            }
            rowWeights[k] = rho
        default:
            magnitudes[k] = magnitude
            relaxations[k] = LinearRelaxation(layers[k], input, slopes: slopes)
        }
    }

    /// Sound lower bounds of `rows[r] · v_top + constants[r]` over the input box, for the
    /// `rowCount` rows stored row-major in `rows` (`rowCount x sizes[top]`).
    ///
    /// Every layer below `top` must be finalized (``finalizeInput(ofLayer:slopes:)``).
    /// On return `coefficients` holds the rows over the input (`rowCount x sizes[0]`) and
    /// `constants` their constants: `rows[r] · v_top + constants_in[r] >= coefficients[r] · x
    /// + constants[r]` for every `x` in the box, in exact arithmetic.
    ///
    /// One step per layer `j = top-1, ..., 0`, for a row `(λ, c)` over `v_{j+1}`:
    /// ```
    /// affine  v_{j+1} = W v_j + b:
    ///     λ' = fl(λ^T W)   (left to right over the k nonzero λ_i)
    ///     c' = RD(c + Σ_i RD(λ_i b_i)) - RU(γ_k Σ_i |λ_i| ρ_i + k η Σ_j M_j)
    ///     where ρ_i >= Σ_j |W_ij| M_j and M_j >= |v_j| on the box. Sound because each entry
    ///     satisfies |λ'_j - (λ^T W)_j| <= γ_k Σ_i |λ_i W_ij| + k η (Higham, Lemma 3.1 with
    ///     underflow), so (λ^T W) v_j >= λ' v_j - Σ_j err_j M_j.
    /// activation  v_{j+1} = f(v_j), lines a_L z + b_L <= f(z) <= a_U z + b_U on [l, u]:
    ///     (a, b) = λ_i > 0 ? (a_L, b_L) : (a_U, b_U);  λ'_i = fl(λ_i a)
    ///     c' = RD(c + Σ_i RD(λ_i b)) - RU(2u Σ_i |λ'_i| M_i + η Σ_i M_i)
    ///     (|λ_i a - fl(λ_i a)| <= 2u |fl(λ_i a)| + η/2; products with a in {0, 1} are exact)
    /// input (the box [l, u]):
    ///     lower = RD(c + Σ_k RD(λ_k (λ_k > 0 ? l_k : u_k)))
    /// ```
    mutating func lowerBounds(rows: [Double], constants: inout [Double], rowCount: Int, top: Int,
                              coefficients: inout [Double]) -> [Double] {
        precondition(rows.count == rowCount * sizes[top] && constants.count == rowCount)
        let capacity = rowCount * (sizes[0...top].max() ?? 0)
        if current.count < capacity { current = [Double](repeating: 0, count: capacity) }
        if next.count < capacity { next = [Double](repeating: 0, count: capacity) }
        for index in rows.indices { current[index] = rows[index] }
        var j = top - 1
        while j >= 0 {
            switch layers[j] {
            case .affine(let affine):
                substituteAffine(affine, layer: j, constants: &constants, rowCount: rowCount)
            default:
                substituteActivation(layer: j, constants: &constants, rowCount: rowCount)
            }
            swap(&current, &next)
            j -= 1
        }
        let d = sizes[0]
        coefficients = Array(current[0..<(rowCount * d)])
        var lower = [Double](repeating: 0, count: rowCount)
        let box = bounds[0]
        for r in 0..<rowCount {
            var s = constants[r]
            for k in 0..<d {
                let lambda = coefficients[r * d + k]
                if lambda == 0 { continue }
                s = DirectedRounding.addDown(s, DirectedRounding.mulDown(lambda, lambda > 0 ? box.lower[k] : box.upper[k]))
            }
            lower[r] = DirectedRounding.saneLower(s)
        }
        return lower
    }

    /// One affine step `current (rows over v_{j+1}) -> next (rows over v_j)`; see
    /// ``lowerBounds(rows:constants:rowCount:top:coefficients:)``.
    private mutating func substituteAffine(_ affine: AffineLayer, layer j: Int, constants: inout [Double], rowCount: Int) {
        let n = affine.outputSize, m = affine.inputSize
        let rho = rowWeights[j]
        let sumM = magnitudeSums[j]
        let bias = affine.bias
        current.withUnsafeBufferPointer { cur in
            next.withUnsafeMutableBufferPointer { nxt in
                affine.weights.withUnsafeBufferPointer { w in
                    for r in 0..<rowCount {
                        let src = cur.baseAddress! + r * n
                        let dst = nxt.baseAddress! + r * m
                        dst.update(repeating: 0, count: m)
                        var c = constants[r], e = 0.0, terms = 0
                        for i in 0..<n {
                            let lambda = src[i]
                            if lambda == 0 { continue }
                            terms += 1
                            let weightRow = w.baseAddress! + i * m
                            for k in 0..<m { dst[k] += lambda * weightRow[k] }
                            c = DirectedRounding.addDown(c, DirectedRounding.mulDown(lambda, bias[i]))
                            e = DirectedRounding.addUp(e, DirectedRounding.mulUp(lambda.magnitude, rho[i]))
                        }
                        if terms > 0 {
                            let err = DirectedRounding.addUp(
                                DirectedRounding.mulUp(DirectedRounding.gammaUp(terms), e),
                                DirectedRounding.mulUp(Double(terms) * DirectedRounding.eta, sumM))
                            c = DirectedRounding.addDown(c, -err)
                        }
                        constants[r] = DirectedRounding.saneLower(c)
                    }
                }
            }
        }
    }

    /// One activation step through the relaxation of layer `j`; see
    /// ``lowerBounds(rows:constants:rowCount:top:coefficients:)``.
    private mutating func substituteActivation(layer j: Int, constants: inout [Double], rowCount: Int) {
        guard let relaxation = relaxations[j] else { preconditionFailure("layer \(j) was not finalized") }
        let n = sizes[j]
        let magnitude = magnitudes[j]
        let underflow = DirectedRounding.mulUp(DirectedRounding.eta, magnitudeSums[j])
        current.withUnsafeBufferPointer { cur in
            next.withUnsafeMutableBufferPointer { nxt in
                for r in 0..<rowCount {
                    let src = cur.baseAddress! + r * n
                    let dst = nxt.baseAddress! + r * n
                    var c = constants[r], e = 0.0
                    for i in 0..<n {
                        let lambda = src[i]
                        if lambda == 0 { dst[i] = 0; continue }
                        let a: Double, b: Double
                        if lambda > 0 {
                            a = relaxation.lowerSlope[i]; b = relaxation.lowerIntercept[i]
                        } else {
                            a = relaxation.upperSlope[i]; b = relaxation.upperIntercept[i]
                        }
                        let p = lambda * a
                        dst[i] = p
                        if b != 0 { c = DirectedRounding.addDown(c, DirectedRounding.mulDown(lambda, b)) }
                        if a != 0 && a != 1 {
                            e = DirectedRounding.addUp(e, DirectedRounding.mulUp(p.magnitude, magnitude[i]))
                        }
                    }
                    let err = DirectedRounding.addUp(
                        DirectedRounding.mulUp(2 * DirectedRounding.unitRoundoff, e), underflow)
                    constants[r] = DirectedRounding.saneLower(DirectedRounding.addDown(c, -err))
                }
            }
        }
    }
}
