// Inner loops of bound propagation, written with SIMD4 accumulators.
//
// The compiler does not reassociate floating-point sums, so a plain loop `s += x[i]` runs at
// the latency of one addition per element. These kernels keep four partial sums instead.
// Every error bound in this module (`DirectedRounding.dotError`, `gamma_n`) holds for any
// summation order, so the reassociation is accounted for. A NaN or infinite coefficient is
// never dropped: `λ - λ` (NaN for them, an exact 0 otherwise) is added to the absolute sum,
// which then turns the bound into an infinite one.

/// SIMD inner loops; all pointers address `count` consecutive Doubles.
enum VectorKernels {
    @inline(__always)
    private static func load(_ p: UnsafePointer<Double>, _ i: Int) -> SIMD4<Double> {
        UnsafeRawPointer(p + i).loadUnaligned(as: SIMD4<Double>.self)
    }

    @inline(__always)
    private static func store(_ v: SIMD4<Double>, _ p: UnsafeMutablePointer<Double>, _ i: Int) {
        UnsafeMutableRawPointer(p + i).storeBytes(of: v, as: SIMD4<Double>.self)
    }

    @inline(__always)
    private static func magnitude(_ v: SIMD4<Double>) -> SIMD4<Double> {
        v.replacing(with: -v, where: v .< 0)
    }

    /// `(fl(Σ λ_i e_i), fl(Σ |λ_i e_i|))` with `e_i = λ_i > 0 ? lower_i : upper_i` (terms
    /// with `λ_i = 0` are exact zeros).
    @inline(__always)
    static func concretize(_ lambda: UnsafePointer<Double>, lower: UnsafePointer<Double>,
                           upper: UnsafePointer<Double>, count: Int) -> (sum: Double, absolute: Double) {
        var sum = SIMD4<Double>(), absolute = SIMD4<Double>()
        let zero = SIMD4<Double>()
        var i = 0
        while i + 4 <= count {
            let l = load(lambda, i)
            let term = l.replacing(with: zero, where: l .<= 0) * load(lower, i)
                + l.replacing(with: zero, where: l .>= 0) * load(upper, i)
            sum += term
            absolute += magnitude(term) + (l - l)
            i += 4
        }
        var s = sum.sum(), a = absolute.sum()
        while i < count {
            let l = lambda[i]
            if l != 0 {
                let term = l * (l > 0 ? lower[i] : upper[i])
                s += term
                a += term.magnitude + (l - l)
            }
            i += 1
        }
        return (s, a)
    }

    /// One row of the activation step of back-substitution: `out_i = λ_i a_i`,
    /// `β = fl(Σ λ_i b_i)`, `q = fl(Σ |λ_i| w_i)`, with `(a, b, w)` the lower line's for
    /// `λ_i > 0` and the upper line's for `λ_i < 0` (`λ_i = 0` contributes exact zeros; a NaN
    /// `λ_i` makes `out_i` and `q` NaN).
    @inline(__always)
    static func activationRow(_ lambda: UnsafePointer<Double>, _ out: UnsafeMutablePointer<Double>,
                              lowerSlope: UnsafePointer<Double>, lowerIntercept: UnsafePointer<Double>,
                              lowerWeight: UnsafePointer<Double>,
                              upperSlope: UnsafePointer<Double>, upperIntercept: UnsafePointer<Double>,
                              upperWeight: UnsafePointer<Double>, count: Int) -> (beta: Double, q: Double) {
        var beta = SIMD4<Double>(), q = SIMD4<Double>()
        let zero = SIMD4<Double>()
        var i = 0
        while i + 4 <= count {
            let l = load(lambda, i)
            let positive = l.replacing(with: zero, where: l .<= 0)
            let negative = l.replacing(with: zero, where: l .>= 0)
            store(positive * load(lowerSlope, i) + negative * load(upperSlope, i), out, i)
            beta += positive * load(lowerIntercept, i) + negative * load(upperIntercept, i)
            q += positive * load(lowerWeight, i) - negative * load(upperWeight, i) + (l - l)
            i += 4
        }
        var b = beta.sum(), s = q.sum()
        while i < count {
            let l = lambda[i]
            if l > 0 {
                out[i] = l * lowerSlope[i]; b += l * lowerIntercept[i]; s += l * lowerWeight[i]
            } else if l < 0 {
                out[i] = l * upperSlope[i]; b += l * upperIntercept[i]; s -= l * upperWeight[i]
            } else if l == 0 {
                out[i] = 0
            } else {  // NaN
                out[i] = l; s = .nan
            }
            i += 1
        }
        return (b, s)
    }

    /// One row of the interval affine step: `(fl(Σ w_j e_j), fl(Σ w_j f_j), fl(Σ |w_j| M_j))`
    /// with `e_j = w_j >= 0 ? l_j : u_j`, `f_j` the other end, `M_j = max(|l_j|, |u_j|)`.
    @inline(__always)
    static func intervalRow(_ weights: UnsafePointer<Double>, lower: UnsafePointer<Double>,
                            upper: UnsafePointer<Double>, magnitudes: UnsafePointer<Double>, count: Int)
        -> (low: Double, high: Double, magnitude: Double) {
        var low = SIMD4<Double>(), high = SIMD4<Double>(), big = SIMD4<Double>()
        let zero = SIMD4<Double>()
        var i = 0
        while i + 4 <= count {
            let w = load(weights, i)
            let positive = w.replacing(with: zero, where: w .<= 0)
            let negative = w.replacing(with: zero, where: w .>= 0)
            let l = load(lower, i), u = load(upper, i)
            low += positive * l + negative * u
            high += positive * u + negative * l
            big += magnitude(w) * load(magnitudes, i) + (w - w)
            i += 4
        }
        var lo = low.sum(), hi = high.sum(), r = big.sum()
        while i < count {
            let w = weights[i]
            if w > 0 {
                lo += w * lower[i]; hi += w * upper[i]
            } else if w < 0 {
                lo += w * upper[i]; hi += w * lower[i]
            }
            r += w.magnitude * magnitudes[i] + (w - w)
            i += 1
        }
        return (lo, hi, r)
    }

    /// `(fl(Σ λ_i x_i), fl(Σ |λ_i| y_i))` in one read of `λ` (four partial sums each: any
    /// order is covered by the callers' error bounds). A NaN or infinite `λ_i` makes the
    /// second sum NaN (`λ - λ` is added to it).
    @inline(__always)
    static func signedAndAbsolute(_ lambda: UnsafePointer<Double>, _ x: UnsafePointer<Double>,
                                  _ y: UnsafePointer<Double>, count: Int) -> (signed: Double, absolute: Double) {
        var signed = SIMD4<Double>(), absolute = SIMD4<Double>()
        var i = 0
        while i + 4 <= count {
            let l = load(lambda, i)
            signed += l * load(x, i)
            absolute += magnitude(l) * load(y, i) + (l - l)
            i += 4
        }
        var s = signed.sum(), a = absolute.sum()
        while i < count {
            let l = lambda[i]
            s += l * x[i]
            a += l.magnitude * y[i] + (l - l)
            i += 1
        }
        return (s, a)
    }

    /// `(fl(Σ λ_i c_i), fl(Σ |λ_i| r_i), fl(Σ |λ_i| s_i))` in one read of `λ` (the centre,
    /// radius and scale sums of a concretisation; any order, see
    /// ``signedAndAbsolute(_:_:_:count:)``). A NaN or infinite `λ_i` makes the third sum NaN.
    @inline(__always)
    static func centreRadiusScale(_ lambda: UnsafePointer<Double>, centre: UnsafePointer<Double>,
                                  radius: UnsafePointer<Double>, scale: UnsafePointer<Double>, count: Int)
        -> (centre: Double, radius: Double, scale: Double) {
        var c = SIMD4<Double>(), r = SIMD4<Double>(), s = SIMD4<Double>()
        var i = 0
        while i + 4 <= count {
            let l = load(lambda, i), a = magnitude(l)
            c += l * load(centre, i)
            r += a * load(radius, i)
            s += a * load(scale, i) + (l - l)
            i += 4
        }
        var cs = c.sum(), rs = r.sum(), ss = s.sum()
        while i < count {
            let l = lambda[i], a = l.magnitude
            cs += l * centre[i]
            rs += a * radius[i]
            ss += a * scale[i] + (l - l)
            i += 1
        }
        return (cs, rs, ss)
    }
}
