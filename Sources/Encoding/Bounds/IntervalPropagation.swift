import Network

// Interval bound propagation (IBP) with outward rounding.
//
// Reference: S. Gowal et al., "On the Effectiveness of Interval Bound Propagation for
// Training Verifiably Robust Models", 2018 (the method); R. E. Moore, "Interval Analysis",
// 1966 (interval arithmetic with outward rounding).

/// Interval bound propagation, one layer at a time.
enum IntervalPropagation {
    /// Bounds of `W x + b` for `x` in `[lower, upper]`, and the row magnitudes
    /// `rowMagnitudes[i] >= sum_j |W_ij| M_j` (`M_j = max(|l_j|, |u_j|)`, exact bound) that
    /// back-substitution needs for its error terms.
    ///
    /// ```
    /// L~_i = fl(sum_j w_ij e_j),  e_j = l_j if w_ij >= 0 else u_j     (plain round-to-nearest)
    /// U~_i = fl(sum_j w_ij f_j),  f_j = u_j if w_ij >= 0 else l_j
    /// R_i  >= sum_j |w_ij| M_j     (from its float value, DirectedRounding.absoluteSumUp)
    /// d_i  =  RU(2 (gamma_m R_i + m eta))
    /// l'_i =  RD(RD(L~_i - d_i) + b_i),   u'_i = RU(RU(U~_i + d_i) + b_i)
    /// ```
    /// Rounding (a-priori error bound, Higham Lemma 3.1 with underflow): a float dot
    /// product of `m` terms errs by at most `gamma_m sum |w_ij x_j| + m eta <= gamma_m R_i + m eta`.
    /// One such error separates `L~_i` from the exact `sum_j w_ij e_j`, which is `<=` the exact
    /// `sum_j w_ij x_j` for every `x` in the box; a second one separates the exact sum from
    /// the float forward pass's sum (any summation order). Hence `d_i` covers both and the
    /// bounds contain the exact value and the value of `NeuralNetwork.evaluate` /
    /// `activations` (which add the bias last, rounded to nearest, a monotone operation).
    /// The term `w_ij e_j` is computed as `max(w, 0) l + min(w, 0) u`: one of the two
    /// products is an exact zero, so each term carries a single rounding (`VectorKernels`,
    /// which sums in four partial sums; the bound holds for any order).
    ///
    /// An element-wise layer (``AffineLayer/diagonalScale``) takes ``diagonal(_:_:_:)``
    /// instead, every other layer ``dense(_:_:)``.
    static func affine(_ layer: AffineLayer, _ input: LayerBounds) -> (bounds: LayerBounds, rowMagnitudes: [Double]) {
        if let scale = layer.diagonalScale {
            precondition(input.count == scale.count, "interval input size \(input.count) != affine input \(scale.count)")
            return diagonal(scale, layer.bias, input)
        }
        return dense(layer, input)
    }

    /// The dense form of ``affine(_:_:)`` (any layer, `O(n m)`).
    static func dense(_ layer: AffineLayer, _ input: LayerBounds) -> (bounds: LayerBounds, rowMagnitudes: [Double]) {
        let n = layer.outputSize, m = layer.inputSize
        precondition(input.count == m, "interval input size \(input.count) != affine input \(m)")
        var lower = [Double](repeating: 0, count: n)
        var upper = [Double](repeating: 0, count: n)
        var rowMagnitudes = [Double](repeating: 0, count: n)
        let magnitudes = (0..<m).map { DirectedRounding.magnitude(input.lower[$0], input.upper[$0]) }
        let errorBound = DotErrorBound(terms: m)
        layer.weights.withUnsafeBufferPointer { w in
            input.lower.withUnsafeBufferPointer { l in
                input.upper.withUnsafeBufferPointer { u in
                    magnitudes.withUnsafeBufferPointer { big in
                        for i in 0..<n {
                            let (lo, hi, r) = VectorKernels.intervalRow(
                                w.baseAddress! + i * m, lower: l.baseAddress!, upper: u.baseAddress!,
                                magnitudes: big.baseAddress!, count: m)
                            let bound = errorBound.absoluteSumUp(r)
                            let delta = DirectedRounding.mulUp(2, errorBound.error(absoluteSum: bound))
                            let bias = layer.bias[i]
                            lower[i] = DirectedRounding.saneLower(
                                DirectedRounding.addDown(DirectedRounding.addDown(lo, -delta), bias))
                            upper[i] = DirectedRounding.saneUpper(
                                DirectedRounding.addUp(DirectedRounding.addUp(hi, delta), bias))
                            rowMagnitudes[i] = bound
                        }
                    }
                }
            }
        }
        return (LayerBounds(lower: lower, upper: upper), rowMagnitudes)
    }

    /// Bounds of the element-wise affine map `y_i = s_i x_i + b_i` for `x` in `[lower, upper]`
    /// in `O(n)`, and the row magnitudes `R_i >= |s_i| M_i`:
    ///
    /// ```
    /// e_i = s_i >= 0 ? l_i : u_i        f_i = s_i >= 0 ? u_i : l_i
    /// l'_i = RD(RD(s_i e_i) + b_i)      u'_i = RU(RU(s_i f_i) + b_i)      R_i = RU(|s_i| M_i)
    /// ```
    /// Rounding: one product and one sum per unit, each rounded outward (``DirectedRounding``),
    /// instead of the dense row's `gamma_m` error term. Soundness: `s_i x_i >= s_i e_i >=
    /// RD(s_i e_i)` exactly, and the float forward pass's `fl(s_i x_i) >= RD(s_i x_i) >=
    /// RD(s_i e_i)` (`RD` is monotone and below round-to-nearest); adding `b_i` with `RD`
    /// keeps both orders (`fl(fl(s x) + b) >= RD(RD(s e) + b)`). So `[l', u']` contains the
    /// exact value and the value of `NeuralNetwork.evaluate`, which computes `fl(s_i x_i) + b_i`
    /// (the same Doubles as its dense sum, whose other terms are exact zeros). A zero scale
    /// gives the point `b_i` (`mulDown` returns an exact zero).
    static func diagonal(_ scale: [Double], _ bias: [Double], _ input: LayerBounds)
        -> (bounds: LayerBounds, rowMagnitudes: [Double]) {
        let n = scale.count
        var lower = [Double](repeating: 0, count: n)
        var upper = [Double](repeating: 0, count: n)
        var rowMagnitudes = [Double](repeating: 0, count: n)
        for i in 0..<n {
            let s = scale[i]
            let (e, f) = s >= 0 ? (input.lower[i], input.upper[i]) : (input.upper[i], input.lower[i])
            lower[i] = DirectedRounding.saneLower(
                DirectedRounding.addDown(DirectedRounding.mulDown(s, e), bias[i]))
            upper[i] = DirectedRounding.saneUpper(
                DirectedRounding.addUp(DirectedRounding.mulUp(s, f), bias[i]))
            rowMagnitudes[i] = DirectedRounding.saneUpper(
                DirectedRounding.mulUp(s.magnitude, DirectedRounding.magnitude(input.lower[i], input.upper[i])))
        }
        return (LayerBounds(lower: lower, upper: upper), rowMagnitudes)
    }

    /// Bounds of an element-wise activation on `[lower, upper]`, unit by unit.
    ///
    /// ```
    /// relu:        [max(0, l), max(0, u)]                       exact
    /// leaky(a):    [min f_lo(v), max f_hi(v)] over v in {l, u} and 0 when l < 0 < u,
    ///              f(v) = v for v >= 0, RD/RU(a * v) otherwise   (any sign of a)
    /// clip[p, q]:  [min(max(l, p), q), min(max(u, p), q)]        exact, monotone
    /// tanh, sigm:  [f_lo(l), f_hi(u)]                            monotone, see SmoothActivation
    /// enclosed s:  [min, max] of RD/RU(s z), s in {lower_i, upper_i}, z in {l, u}
    /// ```
    static func activation(_ layer: Layer, _ input: LayerBounds) -> LayerBounds {
        var result = input
        for i in 0..<input.count {
            let (lo, hi) = activationBounds(layer, input.lower[i], input.upper[i], unit: i)
            result.lower[i] = DirectedRounding.saneLower(lo)
            result.upper[i] = DirectedRounding.saneUpper(hi)
        }
        return result
    }

    /// The interval of one unit; see ``activation(_:_:)``.
    @inline(__always)
    static func activationBounds(_ layer: Layer, _ l: Double, _ u: Double, unit i: Int = 0) -> (Double, Double) {
        switch layer {
        case .affine:
            preconditionFailure("affine layers are not element-wise")
        case .enclosedScale(let scale):
            return enclosedScaleBounds(scale.lower[i], scale.upper[i], l, u)
        case .relu:
            return (Swift.max(0, l), Swift.max(0, u))
        case .leakyRelu(let alpha):
            var lo = Swift.min(leakyDown(alpha, l), leakyDown(alpha, u))
            var hi = Swift.max(leakyUp(alpha, l), leakyUp(alpha, u))
            if l < 0 && 0 < u {
                lo = Swift.min(lo, 0)
                hi = Swift.max(hi, 0)
            }
            return (lo, hi)
        case .clip(let p, let q):
            return (Swift.min(Swift.max(l, p), q), Swift.min(Swift.max(u, p), q))
        case .tanh:
            return (SmoothActivation.tanh.valueDown(l), SmoothActivation.tanh.valueUp(u))
        case .sigmoid:
            return (SmoothActivation.sigmoid.valueDown(l), SmoothActivation.sigmoid.valueUp(u))
        }
    }

    /// `s z` over `s` in `[a, b]`, `z` in `[l, u]`: the product is bilinear, so its extremes
    /// are at the four corners, each rounded outward. The float forward pass's `fl(m z)`
    /// (`a <= m <= b`) lies inside too (`RD` and `RU` are monotone).
    @inline(__always)
    static func enclosedScaleBounds(_ a: Double, _ b: Double, _ l: Double, _ u: Double) -> (Double, Double) {
        typealias R = DirectedRounding
        let lo = Swift.min(Swift.min(R.mulDown(a, l), R.mulDown(a, u)), Swift.min(R.mulDown(b, l), R.mulDown(b, u)))
        let hi = Swift.max(Swift.max(R.mulUp(a, l), R.mulUp(a, u)), Swift.max(R.mulUp(b, l), R.mulUp(b, u)))
        return (lo.isNaN ? -.infinity : lo, hi.isNaN ? .infinity : hi)
    }

    /// `RD(leakyRelu(v))`.
    @inline(__always)
    static func leakyDown(_ alpha: Double, _ v: Double) -> Double {
        v >= 0 ? v : DirectedRounding.mulDown(alpha, v)
    }

    /// `RU(leakyRelu(v))`.
    @inline(__always)
    static func leakyUp(_ alpha: Double, _ v: Double) -> Double {
        v >= 0 ? v : DirectedRounding.mulUp(alpha, v)
    }

    /// Sound lower bounds of the specification rows over an output box:
    /// `RD(sum_i RD(s_i * (s_i >= 0 ? l_i : u_i)) + t)`, summed left to right.
    static func specificationLower(_ specification: LinearSpecification, _ output: LayerBounds) -> [Double] {
        zip(specification.coefficients, specification.constants).map { row, constant in
            precondition(row.count == output.count, "specification row has \(row.count) entries, network has \(output.count) outputs")
            var sum = 0.0
            for i in row.indices where row[i] != 0 {
                let end = row[i] >= 0 ? output.lower[i] : output.upper[i]
                sum = DirectedRounding.addDown(sum, DirectedRounding.mulDown(row[i], end))
            }
            return DirectedRounding.saneLower(DirectedRounding.addDown(sum, constant))
        }
    }
}
