import Network

// Forward linear bounds ("symbolic intervals" with linear relaxations).
//
// References: S. Wang et al., "Formal Security Analysis of Neural Networks using Symbolic
// Intervals" (ReluVal), USENIX Security 2018, and "Efficient Formal Safety Analysis of Neural
// Networks" (Neurify), NeurIPS 2018; T.-W. Weng et al., "Towards Fast Computation of Certified
// Robustness for ReLU Networks" (Fast-Lin), ICML 2018.

/// Linear lower and upper functions of every unit of one layer over the network input,
/// `L_i(x) = α_i · x + c_i <= v_i <= β_i · x + e_i` for every `x` in the box (exact
/// arithmetic on the stored Doubles), propagated forward layer by layer.
///
/// Cost per layer: `O(n m d)` for an `n x m` affine layer and `d` inputs, so for the small
/// input dimensions of this project (noise boxes, ACAS Xu) it is far cheaper than
/// back-substituting every intermediate unit, and usually looser. ``BoundPropagation`` uses it
/// as a pre-pass: its concretised bounds are intersected with the interval bounds, and only
/// the units that are still unstable get the (tighter) back-substitution.
///
/// Floating point: coefficient vectors are computed in round-to-nearest; their error is
/// bounded a priori and moved into the constants (lowered for `L`, raised for `U`), using
/// `s_j >= Σ_k |α_jk| X_k + |c_j|` (the magnitude of a function over the box, `X_k =
/// max(|l_k|, |u_k|)` of the box):
/// ```
/// affine  L'_i = Σ_j W_ij (W_ij >= 0 ? L_j : U_j) + b_i,  m + 1 terms:
///     error <= γ_{m+1} (Σ_j |W_ij| s_j + |b_i|) + (m + 1) η (Σ_k X_k + 1)
/// activation with lines a z + b (valid on the unit's bounds [l, u]):
///     L'_i = a (a >= 0 ? L_i : U_i) + b_L    (U'_i mirrored with the upper line)
///     error <= γ_2 (|a| s_i + |b|) + η (Σ_k X_k + 1);  exact when a == 0, or a == 1 and b == 0
/// ```
/// (Higham, Lemma 3.1; `η` terms cover underflow.)
struct ForwardLinearBounds {
    let box: LayerBounds
    let d: Int
    /// `RU(Σ_k X_k + 1)`.
    private let boxMagnitudePlusOne: Double
    private let boxMagnitudes: [Double]
    private(set) var width: Int
    /// `width x d`, row-major.
    private var lowerCoefficients: [Double]
    private var upperCoefficients: [Double]
    private var lowerConstants: [Double]
    private var upperConstants: [Double]

    /// The identity functions `L_i = U_i = x_i`.
    init(box: LayerBounds) {
        self.box = box
        d = box.count
        boxMagnitudes = (0..<d).map { DirectedRounding.magnitude(box.lower[$0], box.upper[$0]) }
        var sum = 1.0
        for x in boxMagnitudes { sum = DirectedRounding.addUp(sum, x) }
        boxMagnitudePlusOne = sum
        width = d
        lowerCoefficients = [Double](repeating: 0, count: d * d)
        for k in 0..<d { lowerCoefficients[k * d + k] = 1 }
        upperCoefficients = lowerCoefficients
        lowerConstants = [Double](repeating: 0, count: d)
        upperConstants = lowerConstants
    }

    /// Advances the functions through `layer`; `relaxation` is the layer's relaxation over its
    /// input bounds (required for activation layers).
    mutating func apply(_ layer: Layer, relaxation: LinearRelaxation?) {
        switch layer {
        case .affine(let affine):
            applyAffine(affine)
        default:
            guard let relaxation else { preconditionFailure("activation layer needs its relaxation") }
            applyActivation(relaxation)
        }
    }

    /// `s_i >= Σ_k |coefficients_ik| X_k + |constants_i|` for every unit.
    private func magnitudes(_ coefficients: [Double], _ constants: [Double]) -> [Double] {
        (0..<width).map { i in
            var s = constants[i].magnitude
            for k in 0..<d { s += coefficients[i * d + k].magnitude * boxMagnitudes[k] }
            return DirectedRounding.absoluteSumUp(s, terms: d + 1)
        }
    }

    private mutating func applyAffine(_ affine: AffineLayer) {
        let n = affine.outputSize, m = affine.inputSize
        precondition(m == width)
        let lowerMagnitudes = magnitudes(lowerCoefficients, lowerConstants)
        let upperMagnitudes = magnitudes(upperCoefficients, upperConstants)
        var newLower = [Double](repeating: 0, count: n * d)
        var newUpper = [Double](repeating: 0, count: n * d)
        var newLowerConstants = [Double](repeating: 0, count: n)
        var newUpperConstants = [Double](repeating: 0, count: n)
        let terms = m + 1
        let underflow = DirectedRounding.mulUp(Double(terms) * DirectedRounding.eta, boxMagnitudePlusOne)
        let d = self.d
        affine.weights.withUnsafeBufferPointer { w in
        lowerCoefficients.withUnsafeBufferPointer { lc in
        upperCoefficients.withUnsafeBufferPointer { uc in
        lowerConstants.withUnsafeBufferPointer { lk in
        upperConstants.withUnsafeBufferPointer { uk in
        lowerMagnitudes.withUnsafeBufferPointer { ls in
        upperMagnitudes.withUnsafeBufferPointer { us in
        newLower.withUnsafeMutableBufferPointer { nl in
        newUpper.withUnsafeMutableBufferPointer { nu in
            let lcb = lc.baseAddress!, ucb = uc.baseAddress!
            for i in 0..<n {
                let dl = nl.baseAddress! + i * d, du = nu.baseAddress! + i * d
                let row = w.baseAddress! + i * m
                var cl = 0.0, cu = 0.0, sl = 0.0, su = 0.0
                for j in 0..<m {
                    let weight = row[j]
                    if weight > 0 {
                        let pl = lcb + j * d, pu = ucb + j * d
                        for k in 0..<d { dl[k] += weight * pl[k]; du[k] += weight * pu[k] }
                        cl += weight * lk[j]; cu += weight * uk[j]
                        sl += weight * ls[j]; su += weight * us[j]
                    } else if weight < 0 {
                        let pl = ucb + j * d, pu = lcb + j * d
                        for k in 0..<d { dl[k] += weight * pl[k]; du[k] += weight * pu[k] }
                        cl += weight * uk[j]; cu += weight * lk[j]
                        sl -= weight * us[j]; su -= weight * ls[j]
                    } else if weight != 0 {  // NaN: poison both error sums
                        sl = .nan; su = .nan
                    }
                }
                let bias = affine.bias[i]
                cl += bias; cu += bias
                sl += bias.magnitude; su += bias.magnitude
                let el = DirectedRounding.addUp(
                    DirectedRounding.dotError(absoluteSum: DirectedRounding.absoluteSumUp(sl, terms: terms), terms: terms), underflow)
                let eu = DirectedRounding.addUp(
                    DirectedRounding.dotError(absoluteSum: DirectedRounding.absoluteSumUp(su, terms: terms), terms: terms), underflow)
                newLowerConstants[i] = DirectedRounding.saneLower(DirectedRounding.addDown(cl, -el))
                newUpperConstants[i] = DirectedRounding.saneUpper(DirectedRounding.addUp(cu, eu))
            }
        }}}}}}}}}
        width = n
        lowerCoefficients = newLower
        upperCoefficients = newUpper
        lowerConstants = newLowerConstants
        upperConstants = newUpperConstants
    }

    private mutating func applyActivation(_ relaxation: LinearRelaxation) {
        let lowerMagnitudes = magnitudes(lowerCoefficients, lowerConstants)
        let upperMagnitudes = magnitudes(upperCoefficients, upperConstants)
        var newLower = [Double](repeating: 0, count: width * d)
        var newUpper = newLower
        var newLowerConstants = [Double](repeating: 0, count: width)
        var newUpperConstants = newLowerConstants
        let gamma2 = DirectedRounding.gammaUp(2)
        let underflow = DirectedRounding.mulUp(DirectedRounding.eta, boxMagnitudePlusOne)
        for i in 0..<width {
            // Lower function: a_L z + b_L with z >= L_i (a_L >= 0) or z <= U_i (a_L < 0).
            let aL = relaxation.lowerSlope[i], bL = relaxation.lowerIntercept[i]
            let (lowerSource, lowerSourceConstant, lowerSourceMagnitude) = aL >= 0
                ? (lowerCoefficients, lowerConstants[i], lowerMagnitudes[i])
                : (upperCoefficients, upperConstants[i], upperMagnitudes[i])
            newLowerConstants[i] = Self.scale(aL, bL, lowerSource, lowerSourceConstant, lowerSourceMagnitude,
                                              row: i, d: d, into: &newLower, gamma2: gamma2, underflow: underflow,
                                              roundingDown: true)
            // Upper function: a_U z + b_U with z <= U_i (a_U >= 0) or z >= L_i (a_U < 0).
            let aU = relaxation.upperSlope[i], bU = relaxation.upperIntercept[i]
            let (upperSource, upperSourceConstant, upperSourceMagnitude) = aU >= 0
                ? (upperCoefficients, upperConstants[i], upperMagnitudes[i])
                : (lowerCoefficients, lowerConstants[i], lowerMagnitudes[i])
            newUpperConstants[i] = Self.scale(aU, bU, upperSource, upperSourceConstant, upperSourceMagnitude,
                                              row: i, d: d, into: &newUpper, gamma2: gamma2, underflow: underflow,
                                              roundingDown: false)
        }
        lowerCoefficients = newLower
        upperCoefficients = newUpper
        lowerConstants = newLowerConstants
        upperConstants = newUpperConstants
    }

    /// Writes `fl(a * source_row)` into `target` row `row` and returns the constant
    /// `fl(a c + b)` moved down (or up) by its error bound.
    @inline(__always)
    private static func scale(_ a: Double, _ b: Double, _ source: [Double], _ c: Double, _ s: Double,
                              row: Int, d: Int, into target: inout [Double],
                              gamma2: Double, underflow: Double, roundingDown: Bool) -> Double {
        if a == 0 { return b }  // the constant line: exact, coefficients stay 0
        for k in 0..<d { target[row * d + k] = a * source[row * d + k] }
        let constant = a * c + b
        if a == 1 && b == 0 { return constant }  // exact copy
        let error = DirectedRounding.addUp(
            DirectedRounding.mulUp(gamma2, DirectedRounding.addUp(DirectedRounding.mulUp(a.magnitude, s), b.magnitude)),
            underflow)
        return roundingDown
            ? DirectedRounding.saneLower(DirectedRounding.addDown(constant, -error))
            : DirectedRounding.saneUpper(DirectedRounding.addUp(constant, error))
    }

    /// The bounds of every unit over the box: `min L_i` and `max U_i`, concretised with an
    /// a-priori error bound as in back-substitution.
    func concretize() -> LayerBounds {
        var lower = [Double](repeating: 0, count: width)
        var upper = lower
        for i in 0..<width {
            var sl = 0.0, al = 0.0, su = 0.0, au = 0.0
            for k in 0..<d {
                let alpha = lowerCoefficients[i * d + k]
                let tl = alpha * (alpha > 0 ? box.lower[k] : box.upper[k])
                sl += tl; al += tl.magnitude
                let beta = upperCoefficients[i * d + k]
                let tu = beta * (beta > 0 ? box.upper[k] : box.lower[k])
                su += tu; au += tu.magnitude
            }
            let el = DirectedRounding.dotError(absoluteSum: DirectedRounding.absoluteSumUp(al, terms: d), terms: d)
            let eu = DirectedRounding.dotError(absoluteSum: DirectedRounding.absoluteSumUp(au, terms: d), terms: d)
            lower[i] = DirectedRounding.saneLower(
                DirectedRounding.addDown(DirectedRounding.addDown(lowerConstants[i], sl), -el))
            upper[i] = DirectedRounding.saneUpper(
                DirectedRounding.addUp(DirectedRounding.addUp(upperConstants[i], su), eu))
        }
        return LayerBounds(lower: lower, upper: upper)
    }
}
