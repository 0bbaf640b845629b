import Network

// Linear relaxations of the piecewise-linear activations (ReLU, LeakyReLU, clip).
//
// References: H. Zhang et al., "Efficient Neural Network Robustness Certification with
// General Activation Functions" (CROWN), NeurIPS 2018; G. Singh et al., "An Abstract Domain
// for Certifying Neural Networks" (DeepPoly), POPL 2019.

/// Per-unit linear lower and upper lines of an element-wise activation layer over the
/// pre-activation bounds `[l, u]`:
/// `lowerSlope_i z + lowerIntercept_i <= f(z) <= upperSlope_i z + upperIntercept_i` for
/// every `z` in `[l_i, u_i]`, in exact arithmetic on the stored Doubles.
struct LinearRelaxation {
    /// One unit's lines.
    struct Lines {
        var lowerSlope: Double
        var lowerIntercept: Double
        var upperSlope: Double
        var upperIntercept: Double

        /// `f(z) = a z + b` exactly on the whole interval (both lines equal).
        static func exact(slope: Double, intercept: Double) -> Lines {
            Lines(lowerSlope: slope, lowerIntercept: intercept, upperSlope: slope, upperIntercept: intercept)
        }
    }

    var lowerSlope: [Double]
    var lowerIntercept: [Double]
    var upperSlope: [Double]
    var upperIntercept: [Double]

    /// The relaxation of `layer` over `bounds` (its input bounds).
    /// - Parameter slopes: optional slopes of each unit's free line (``freeLine(_:_:_:)``:
    ///   the lower line of ReLU / LeakyReLU units, the line through a clip unit's one inner
    ///   kink); NaN = adaptive.
    init(_ layer: Layer, _ bounds: LayerBounds, slopes: [Double]?) {
        let n = bounds.count
        lowerSlope = [Double](repeating: 0, count: n)
        lowerIntercept = lowerSlope
        upperSlope = lowerSlope
        upperIntercept = lowerSlope
        for i in 0..<n {
            let chosen = slopes.map { $0.indices.contains(i) ? $0[i] : .nan } ?? .nan
            let lines = Self.lines(layer, bounds.lower[i], bounds.upper[i], slope: chosen, unit: i)
            lowerSlope[i] = lines.lowerSlope
            lowerIntercept[i] = lines.lowerIntercept
            upperSlope[i] = lines.upperSlope
            upperIntercept[i] = lines.upperIntercept
        }
    }

    /// Whether a unit's relaxation is not exact, so that tighter input bounds would help:
    /// ReLU / LeakyReLU with `l < 0 < u`, clip with a kink strictly inside `(l, u)`,
    /// tanh / sigmoid with `l < u`.
    static func isLoose(_ layer: Layer, _ l: Double, _ u: Double) -> Bool {
        switch layer {
        case .affine, .enclosedScale: return false
        case .relu, .leakyRelu: return l < 0 && 0 < u
        case .clip(let p, let q): return (l < p && p < u) || (l < q && q < u)
        case .tanh, .sigmoid: return l < u
        }
    }

    /// One unit's lines; see the cases below for each inequality.
    static func lines(_ layer: Layer, _ l: Double, _ u: Double, slope: Double, unit: Int = 0) -> Lines {
        switch layer {
        case .affine:
            preconditionFailure("affine layers have no relaxation")
        case .enclosedScale(let scale):
            return enclosed(scale.lower[unit], scale.nearest[unit], scale.upper[unit], l, u)
        case .relu:
            return leaky(alpha: 0, l, u, slope: slope)
        case .leakyRelu(let alpha):
            return leaky(alpha: alpha, l, u, slope: slope)
        case .clip(let p, let q):
            return clip(p, q, l, u, slope: slope)
        case .tanh:
            return SmoothActivation.tanh.relaxation(lower: l, upper: u)
        case .sigmoid:
            return SmoothActivation.sigmoid.relaxation(lower: l, upper: u)
        }
    }

    /// ReLU (`alpha = 0`) and LeakyReLU, `f(z) = z` for `z >= 0`, `alpha z` otherwise.
    ///
    /// ```
    /// l >= 0:            f(z) = z                                   (exact)
    /// u <= 0:            f(z) = alpha z                             (exact)
    /// l < 0 < u, alpha <= 1 (f convex):
    ///     s z <= f(z)                  for every s in [alpha, 1]   (s = slope, adaptive:
    ///                                                               1 if u >= -l else alpha)
    ///     f(z) <= a z + b,  a = (u - alpha l) / (u - l)             (chord)
    ///                       b = max(RU(f_hi(l) - RD(a l)), RU(u - RD(a u)))
    /// l < 0 < u, alpha > 1 (f concave): mirrored,
    ///     f(z) <= s z                  for every s in [1, alpha]
    ///     a z + b <= f(z), b = min(RD(f_lo(l) - RU(a l)), RD(u - RU(a u)))
    /// ```
    /// The lines through the origin are valid on the whole real line in exact arithmetic.
    /// The chord's slope may carry rounding error; its intercept is computed from the end
    /// points with directed rounding, so the line lies on the safe side at both end points
    /// and therefore (f convex) on all of `[l, u]`: in the ReLU case `a = u / (u - l)`, and
    /// `b ~ -a l` is rounded up.
    static func leaky(alpha: Double, _ l: Double, _ u: Double, slope: Double) -> Lines {
        typealias R = DirectedRounding
        if l >= 0 { return .exact(slope: 1, intercept: 0) }
        if u <= 0 { return .exact(slope: alpha, intercept: 0) }
        let low = Swift.min(alpha, 1), high = Swift.max(alpha, 1)
        // Adaptive: the through-origin line is exact on the wider side of 0.
        var through: Double
        if slope.isNaN {
            through = u >= -l ? 1 : alpha
        } else {
            through = Swift.min(Swift.max(slope, low), high)
        }
        if !through.isFinite { through = 1 }
        var chord = (u - IntervalPropagation.leakyDown(alpha, l)) / (u - l)
        if !chord.isFinite { chord = 0 }
        if alpha <= 1 {
            let b = Swift.max(R.addUp(IntervalPropagation.leakyUp(alpha, l), -R.mulDown(chord, l)),
                              R.addUp(u, -R.mulDown(chord, u)))
            return Lines(lowerSlope: through, lowerIntercept: 0,
                         upperSlope: chord, upperIntercept: R.saneUpper(b))
        } else {
            let b = Swift.min(R.addDown(IntervalPropagation.leakyDown(alpha, l), -R.mulUp(chord, l)),
                              R.addDown(u, -R.mulUp(chord, u)))
            return Lines(lowerSlope: chord, lowerIntercept: R.saneLower(b),
                         upperSlope: through, upperIntercept: 0)
        }
    }

    /// Enclosed scale `y = s z`, `s` in `[a, b]` unknown (``EnclosedScale``), `m` the nearest.
    ///
    /// ```
    /// lower envelope g(z) = min(a z, b z)   concave      upper envelope h(z) = max(a z, b z)   convex
    /// l >= 0:  a z + c <= y <= b z + d       u <= 0:  b z + c <= y <= a z + d
    /// l < 0 < u:  m z + c <= y <= m z + d
    /// c = min over v in {l, u} of RD(RD(g(v)) - RU(slope v))   (line below g at both ends)
    /// d = max over v in {l, u} of RU(RU(h(v)) - RD(slope v))   (line above h at both ends)
    /// ```
    /// A line below a concave function at the end points is below it on `[l, u]`, and a line
    /// above a convex one at the end points is above it, so every `(z, s z)` lies between.
    /// `c` and `d` are about `2^-53 max(|l|, |u|)` (and 0 where the product is exact).
    static func enclosed(_ a: Double, _ m: Double, _ b: Double, _ l: Double, _ u: Double) -> Lines {
        typealias R = DirectedRounding
        let (low, high): (Double, Double) = l >= 0 ? (a, b) : (u <= 0 ? (b, a) : (m, m))
        func gDown(_ v: Double) -> Double { Swift.min(R.mulDown(a, v), R.mulDown(b, v)) }
        func hUp(_ v: Double) -> Double { Swift.max(R.mulUp(a, v), R.mulUp(b, v)) }
        return Lines(lowerSlope: low, lowerIntercept: Swift.min(lowerIntercept(low, l, gDown(l)), lowerIntercept(low, u, gDown(u))),
                     upperSlope: high, upperIntercept: Swift.max(upperIntercept(high, l, hUp(l)), upperIntercept(high, u, hUp(u))))
    }

    /// Clip `f(z) = min(max(z, p), q)` (an infinite `p` or `q` is an absent side).
    ///
    /// ```
    /// u <= p:                 f = p            (exact, constant)
    /// l >= q  (or p > q):     f = q            (exact, constant)
    /// p <= l, u <= q:         f = z            (exact)
    /// l < p < u <= q (convex, one kink at p):
    ///     s (z - p) + p <= f(z),  s in [0, 1]: `slope` clamped, or adaptive (NaN):
    ///                             1 if u - p >= p - l else 0      (supporting line at p)
    ///     f(z) <= chord through (l, p), (u, u)
    /// p <= l < q < u (concave, one kink at q):
    ///     chord through (l, l), (u, q) <= f(z)
    ///     f(z) <= s (z - q) + q,  s in [0, 1]: `slope` clamped, or adaptive (NaN):
    ///                             1 if q - l >= u - q else 0
    /// l < p, q < u (both kinks; neither convex nor concave):
    ///     lower: the constant p, or the line through (p, p), (u, q), whichever leaves the
    ///            smaller area between line and f;
    ///     upper: the constant q, or the line through (l, p), (q, q), likewise.
    /// ```
    /// Rounding: slopes are plain Doubles; every intercept is computed by ``lowerIntercept``
    /// / ``upperIntercept`` at the vertices of f on `[l, u]` (the end points and the kinks
    /// inside) with directed rounding, which makes the line valid in exact arithmetic: a
    /// line below (above) a piecewise-linear function at all its vertices is below (above)
    /// it everywhere between them. In the one-kink cases only the vertices that matter are
    /// checked (the chord of a convex function: the end points; a supporting line at the
    /// kink: the kink).
    static func clip(_ p: Double, _ q: Double, _ l: Double, _ u: Double, slope: Double = .nan) -> Lines {
        if p > q || l >= q { return .exact(slope: 0, intercept: q) }
        if u <= p { return .exact(slope: 0, intercept: p) }
        let kinkLow = l < p  // p in (l, u) since u > p
        let kinkHigh = q < u // q in (l, u) since l < q
        switch (kinkLow, kinkHigh) {
        case (false, false):
            return .exact(slope: 1, intercept: 0)
        case (true, false):
            let s = slope.isNaN ? ((u - p >= p - l) ? 1 : 0) : Swift.min(Swift.max(slope, 0), 1)
            let chord = slopeOrZero(u - p, u - l)
            return Lines(lowerSlope: s, lowerIntercept: lowerIntercept(s, p, p),
                         upperSlope: chord,
                         upperIntercept: Swift.max(upperIntercept(chord, l, p), upperIntercept(chord, u, u)))
        case (false, true):
            let s = slope.isNaN ? ((q - l >= u - q) ? 1 : 0) : Swift.min(Swift.max(slope, 0), 1)
            let chord = slopeOrZero(q - l, u - l)
            return Lines(lowerSlope: chord,
                         lowerIntercept: Swift.min(lowerIntercept(chord, l, l), lowerIntercept(chord, u, q)),
                         upperSlope: s, upperIntercept: upperIntercept(s, q, q))
        case (true, true):
            let rise = q - p
            let lowerLine = slopeOrZero(rise, u - p)
            let upperLine = slopeOrZero(rise, q - l)
            // Areas between f and each candidate line over [l, u] (heuristic only).
            let lowerFlatArea = rise * rise / 2 + (u - q) * rise
            let lowerLineArea = lowerLine * (p - l) * (p - l) / 2 + (u - q) * rise / 2
            let upperFlatArea = rise * rise / 2 + (p - l) * rise
            let upperLineArea = upperLine * (u - q) * (u - q) / 2 + (p - l) * rise / 2
            let a = lowerLineArea < lowerFlatArea ? lowerLine : 0
            let c = upperLineArea < upperFlatArea ? upperLine : 0
            // Vertices of f on [l, u]: (l, p), (p, p), (q, q), (u, q).
            let b = a == 0 ? p : Swift.min(Swift.min(lowerIntercept(a, l, p), lowerIntercept(a, p, p)),
                                           Swift.min(lowerIntercept(a, q, q), lowerIntercept(a, u, q)))
            let d = c == 0 ? q : Swift.max(Swift.max(upperIntercept(c, l, p), upperIntercept(c, p, p)),
                                           Swift.max(upperIntercept(c, q, q), upperIntercept(c, u, q)))
            return Lines(lowerSlope: a, lowerIntercept: b, upperSlope: c, upperIntercept: d)
        }
    }

    /// The line of a unit with bounds `[l, u]` whose slope a caller may choose (the
    /// `slopes` of ``init(_:_:slopes:)``, optimised by ``PhaseSplitNodeBounds``), with the
    /// slopes that keep it valid and the point it turns about; nil when the unit has none:
    ///
    /// ```
    /// ReLU, LeakyReLU alpha < 1, l < 0 < u:    lower line s z,             s in [alpha, 1], pivot 0
    /// clip [p, q], l < p < u <= q:             lower line s (z - p) + p,   s in [0, 1],     pivot p
    /// clip [p, q], p <= l < q < u:             upper line s (z - q) + q,   s in [0, 1],     pivot q
    /// ```
    /// (a clip unit with both kinks inside, a LeakyReLU with `alpha >= 1` and every other
    /// layer keep their lines). Each line passes through the pivot on the graph of `f`, and
    /// every slope in range keeps it on its side of `f` on all of `[l, u]` (the one kink
    /// inside is the pivot), so any choice is sound; the intercept is computed with directed
    /// rounding for the chosen slope, and the case is decided again from the bounds the
    /// relaxation is built on (a slope chosen for another case only moves that case's line).
    static func freeLine(_ layer: Layer, _ l: Double, _ u: Double) -> FreeLine? {
        switch layer {
        case .relu:
            return l < 0 && 0 < u ? FreeLine(isUpper: false, pivot: 0, floor: 0, ceiling: 1) : nil
        case .leakyRelu(let alpha):
            return alpha < 1 && l < 0 && 0 < u ? FreeLine(isUpper: false, pivot: 0, floor: alpha, ceiling: 1) : nil
        case .clip(let p, let q):
            guard p <= q else { return nil }
            if l < p && p < u && u <= q { return FreeLine(isUpper: false, pivot: p, floor: 0, ceiling: 1) }
            if p <= l && l < q && q < u { return FreeLine(isUpper: true, pivot: q, floor: 0, ceiling: 1) }
            return nil
        case .affine, .tanh, .sigmoid, .enclosedScale:
            return nil
        }
    }

    /// A unit's line with a free slope (``freeLine(_:_:_:)``): `s (z - pivot) + f(pivot)`,
    /// `f(pivot) = pivot`, for `s` in `[floor, ceiling]`; the upper line when `isUpper`.
    struct FreeLine: Equatable {
        var isUpper: Bool
        var pivot: Double
        var floor: Double
        var ceiling: Double
    }

    /// `rise / run` when finite, else 0 (a slope of 0 is still sound: the intercept is
    /// computed for whatever slope is chosen).
    @inline(__always)
    private static func slopeOrZero(_ rise: Double, _ run: Double) -> Double {
        let s = rise / run
        return s.isFinite ? s : 0
    }

    /// `RD(f - RU(a v))`: the largest intercept (rounded down) of a line of slope `a` that
    /// is below the vertex `(v, f)` (exact Doubles). The intercept of a line below several
    /// vertices is the minimum over them.
    @inline(__always)
    static func lowerIntercept(_ a: Double, _ v: Double, _ f: Double) -> Double {
        DirectedRounding.saneLower(DirectedRounding.addDown(f, -DirectedRounding.mulUp(a, v)))
    }

    /// `RU(f - RD(a v))`: the smallest intercept (rounded up) of a line of slope `a` above
    /// the vertex `(v, f)`; the maximum over several vertices.
    @inline(__always)
    static func upperIntercept(_ a: Double, _ v: Double, _ f: Double) -> Double {
        DirectedRounding.saneUpper(DirectedRounding.addUp(f, -DirectedRounding.mulDown(a, v)))
    }
}
