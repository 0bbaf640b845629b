import Network

// Concretisation: the lower bound of linear rows over the bounds of the layer they act on.

/// Layer bounds `[l, u]` as centre and radius, `[l_i, u_i] ⊆ [c_i - r_i, c_i + r_i]`, for
/// concretisation by one fused pass over each row. `c_i` is any Double (the rounded midpoint); `r_i =
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
    var radius: [Double]
    var scale: [Double]

    init?(_ bounds: LayerBounds) {
        let n = bounds.count
        centre = [Double](repeating: 0, count: n)
        radius = centre
        scale = centre
        for i in 0..<n {
            let l = bounds.lower[i], u = bounds.upper[i]
            guard l.isFinite, u.isFinite, l <= u else { return nil }
            let c = 0.5 * l + 0.5 * u
            let r = Swift.max(DirectedRounding.addUp(u, -c), DirectedRounding.addUp(c, -l))
            let s = DirectedRounding.addUp(c.magnitude, r)
            guard r.isFinite, s.isFinite else { return nil }
            centre[i] = c
            radius[i] = r
            scale[i] = s
        }
    }
}

extension BackSubstitution {
    /// Lower bounds of the first `count` rows `(λ, c)` of ``scratch`` over `bounds[j]`, the
    /// rows carrying the `n` units `units` (nil: all, ``columnLayout(top:)``), when the bounds
    /// are finite by one fused read of each row (``VectorKernels/centreRadiusScale(_:centre:radius:scale:count:)``):
    /// ```
    /// C = fl(λ · c),   R = fl(|λ| · r),   S = fl(|λ| · s)          (any order)
    /// lower = RD(RD(c + RD(C - R)) - RU(γ_n absoluteSumUp(S) + 2 n η))
    /// ```
    /// (The three sums once were a matrix-vector and an `n x 2` matrix product on BLAS over a
    /// stored `|Λ|`; writing `|Λ|` cost more than the products.)
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
        let bound = DotErrorBound(terms: n), underflow = Double(n) * DirectedRounding.eta
        let rows = scratch.rows
        form.centre.withUnsafeBufferPointer { c in
        form.radius.withUnsafeBufferPointer { r in
        form.scale.withUnsafeBufferPointer { s in
            for p in 0..<count {
                let sums = VectorKernels.centreRadiusScale(rows + p * n, centre: c.baseAddress!, radius: r.baseAddress!,
                                                           scale: s.baseAddress!, count: n)
                let error = DirectedRounding.addUp(bound.error(absolute: sums.scale), underflow)
                let centred = DirectedRounding.addDown(sums.centre, -sums.radius)
                result[p] = DirectedRounding.saneLower(
                    DirectedRounding.addDown(DirectedRounding.addDown(constants[p], centred), -error))
            }
        }}}
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
