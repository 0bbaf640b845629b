import Network

// Concretisation: the lower bound of linear rows over the bounds of the layer they act on.

/// Layer bounds `[l, u]` as centre and radius, `[l_i, u_i] ⊆ [c_i - r_i, c_i + r_i]`, for
/// concretisation by matrix products. `c_i` is any Double (the rounded midpoint); `r_i =
/// max(RU(u_i - c_i), RU(c_i - l_i))` covers both ends in exact arithmetic, and `s_i =
/// RU(|c_i| + r_i)` bounds `|c_i| + r_i` for the error term. Exists only for finite bounds.
struct BoxForm {
    /// A form with the bounds it was computed from.
    struct Cached {
        let bounds: LayerBounds
        let units: [Int]?
        let form: BoxForm?
    }

    var centre: [Double]
    /// `(r_i, s_i)` interleaved: the `n x 2` right-hand side of one product.
    var radiusAndScale: [Double]

    init?(_ bounds: LayerBounds) {
        let n = bounds.count
        centre = [Double](repeating: 0, count: n)
        radiusAndScale = [Double](repeating: 0, count: 2 * n)
        for i in 0..<n {
            let l = bounds.lower[i], u = bounds.upper[i]
            guard l.isFinite, u.isFinite, l <= u else { return nil }
            let c = 0.5 * l + 0.5 * u
            let r = Swift.max(DirectedRounding.addUp(u, -c), DirectedRounding.addUp(c, -l))
            let s = DirectedRounding.addUp(c.magnitude, r)
            guard r.isFinite, s.isFinite else { return nil }
            centre[i] = c
            radiusAndScale[2 * i] = r
            radiusAndScale[2 * i + 1] = s
        }
    }
}

extension BackSubstitution {
    /// Lower bounds of the first `count` rows `(λ, c)` of ``scratch`` over `bounds[j]`, the
    /// rows carrying the `n` units `units` (nil: all, ``columnLayout(top:)``), by matrix products on BLAS when the bounds are finite:
    /// ```
    /// C = fl(Λ c),   (R, S) = fl(|Λ| (r, s))          (any order, fused multiply-adds)
    /// lower = RD(RD(c + RD(C - R)) - RU(γ_n absoluteSumUp(S) + 2 n η))
    /// ```
    /// Soundness: on the box `λ·v >= Σ λ_i c_i - Σ |λ_i| r_i` exactly (the box lies in the
    /// centre-radius box, ``BoxForm``). Each product errs by at most `γ_n Σ |λ_i| |c_i| + n η`
    /// and `γ_n Σ |λ_i| r_i + n η` (Higham, Lemma 3.1: any order, with fused multiply-adds),
    /// together at most `γ_n Σ |λ_i| s_i + 2 n η`, and `absoluteSumUp(S) >= Σ |λ_i| s_i`.
    /// Non-finite bounds fall back to ``concretizeByKernel(_:over:constants:into:)``.
    mutating func concretize(_ count: Int, layer j: Int, units: [Int]?, constants: [Double]) -> [Double] {
        var result = [Double](repeating: -.infinity, count: count)
        guard count > 0 else { return result }
        guard let form = boxForm(j, units: units) else {
            concretizeByKernel(count, over: restricted(bounds[j], units), constants: constants, into: &result)
            return result
        }
        let n = units?.count ?? sizes[j]
        var centreTerms = [Double](repeating: 0, count: count), spread = [Double](repeating: 0, count: 2 * count)
        form.centre.withUnsafeBufferPointer { c in
            DenseProduct.multiply(rows: count, columns: n, a: scratch.rows, lda: n, x: c.baseAddress!, y: &centreTerms)
        }
        form.radiusAndScale.withUnsafeBufferPointer { rs in
            DenseProduct.multiply(m: count, n: 2, k: n, a: scratch.magnitudes, lda: n, b: rs.baseAddress!, ldb: 2,
                                  c: &spread, ldc: 2)
        }
        let bound = DotErrorBound(terms: n), underflow = Double(n) * DirectedRounding.eta
        for p in 0..<count {
            let error = DirectedRounding.addUp(bound.error(absolute: spread[2 * p + 1]), underflow)
            let centred = DirectedRounding.addDown(centreTerms[p], -spread[2 * p])
            result[p] = DirectedRounding.saneLower(
                DirectedRounding.addDown(DirectedRounding.addDown(constants[p], centred), -error))
        }
        return result
    }

    /// The centre-radius form of `bounds[j]` over `units`, cached while both stay the same.
    private mutating func boxForm(_ j: Int, units: [Int]?) -> BoxForm? {
        if let cached = boxForms[j], cached.units == units, cached.bounds == bounds[j] { return cached.form }
        let form = BoxForm(restricted(bounds[j], units))
        boxForms[j] = BoxForm.Cached(bounds: bounds[j], units: units, form: form)
        return form
    }

    /// `bounds` of the units `units` (nil: all).
    private func restricted(_ bounds: LayerBounds, _ units: [Int]?) -> LayerBounds {
        guard let units else { return bounds }
        return LayerBounds(lower: units.map { bounds.lower[$0] }, upper: units.map { bounds.upper[$0] })
    }

    /// Concretisation row by row (``VectorKernels/concretize(_:lower:upper:count:)``), for
    /// bounds that are not finite: `RD(RD(c + fl(Σ λ_i e_i)) - RU(γ_n Q + n η))` with `e_i =
    /// λ_i > 0 ? l_i : u_i` and `Q >= Σ |λ_i e_i|`.
    private func concretizeByKernel(_ count: Int, over bounds: LayerBounds, constants: [Double],
                                    into result: inout [Double]) {
        let width = bounds.count, cur = scratch.rows
        bounds.lower.withUnsafeBufferPointer { l in
            bounds.upper.withUnsafeBufferPointer { u in
                for p in 0..<count {
                    let (sum, absolute) = VectorKernels.concretize(
                        cur + p * width, lower: l.baseAddress!, upper: u.baseAddress!, count: width)
                    let error = DirectedRounding.dotError(
                        absoluteSum: DirectedRounding.absoluteSumUp(absolute, terms: width), terms: width)
                    result[p] = DirectedRounding.saneLower(
                        DirectedRounding.addDown(DirectedRounding.addDown(constants[p], sum), -error))
                }
            }
        }
    }
}
