import Foundation
import Network

// Sound enclosures and linear relaxations of tanh and sigmoid.
//
// Both functions are increasing, convex on (-inf, 0] and concave on [0, +inf), with a
// derivative that is unimodal (maximal at 0). The relaxations follow DeepPoly (G. Singh et
// al., "An Abstract Domain for Certifying Neural Networks", POPL 2019) and CROWN (H. Zhang
// et al., "Efficient Neural Network Robustness Certification with General Activation
// Functions", NeurIPS 2018): chord and tangent lines on the convex and concave sides, and
// lines of slope min(f'(l), f'(u)) through the end points across 0.

/// Tanh or sigmoid with sound value enclosures and linear relaxations.
///
/// Accuracy: the values are ``Float64Tanh`` and ``Float64Sigmoid``, the functions the float
/// forward pass computes, both proven within `16 u |f̂| + 2^-1022` (`u = 2^-53`;
/// `docs/proofs/`). `valueDown`/`valueUp` widen the computed value by `relativeWidening`
/// (`4e-15`, 36 `u`) plus `absoluteWidening` (`1e-300`), which covers that error with room
/// to spare, also against the computed value at a neighbouring point (the function
/// increases, so any gap between the two points only helps).
/// The derivative `f'(x)` (computed as `1 - t^2` resp. `s (1 - s)` from the computed value)
/// is within `derivativeError` of the exact derivative in absolute terms.
enum SmoothActivation {
    case tanh
    case sigmoid

    /// Relative widening of a library value (about 18 ulps of the value).
    static let relativeWidening: Double = 4e-15
    /// Absolute widening, for values near zero.
    static let absoluteWidening: Double = 1e-300
    /// Absolute error bound of the computed derivative (exact derivatives are in `[0, 1]`;
    /// the computed ones are within ~1e-15 of them).
    static let derivativeError: Double = 1e-14

    /// The function evaluated as the float forward pass does (`Layer.apply`).
    @inline(__always)
    func value(_ x: Double) -> Double {
        switch self {
        case .tanh: return Float64Tanh.value(x)
        case .sigmoid: return Float64Sigmoid.value(x)
        }
    }

    /// A lower bound of `f(x)` (and of the computed value at any `x' >= x`).
    func valueDown(_ x: Double) -> Double {
        if x.isNaN { return rangeLower }
        return Swift.max(Self.widenDown(value(x)), rangeLower)
    }

    /// An upper bound of `f(x)` (and of the computed value at any `x' <= x`).
    func valueUp(_ x: Double) -> Double {
        if x.isNaN { return rangeUpper }
        return Swift.min(Self.widenUp(value(x)), rangeUpper)
    }

    /// The range of the function: `[-1, 1]` for tanh, `[0, 1]` for sigmoid.
    var rangeLower: Double { self == .tanh ? -1 : 0 }
    var rangeUpper: Double { 1 }

    /// The derivative computed from the library value (within `derivativeError` of exact).
    @inline(__always)
    func derivative(_ x: Double) -> Double {
        let y = value(x)
        switch self {
        case .tanh: return 1 - y * y
        case .sigmoid: return y * (1 - y)
        }
    }

    private static func widenDown(_ y: Double) -> Double {
        (y - (y.magnitude * relativeWidening + absoluteWidening)).nextDown
    }

    private static func widenUp(_ y: Double) -> Double {
        (y + (y.magnitude * relativeWidening + absoluteWidening)).nextUp
    }

    /// Sound lower and upper lines `a_L z + b_L <= f(z) <= a_U z + b_U` on `[l, u]`.
    ///
    /// ```
    /// l == u (or a bound infinite): constants [f_lo(l), f_hi(u)]
    /// u <= 0 (convex):   upper = chord;              lower = tangent at m = (l + u) / 2
    /// l >= 0 (concave):  lower = chord;              upper = tangent at m
    /// l < 0 < u:         a = min(f'(l), f'(u)) - err (clamped at 0)
    ///                    lower = f(l) + a (z - l);   upper = f(u) + a (z - u)
    /// ```
    /// Soundness with rounding: a slope is any Double; the intercept is then computed with
    /// directed rounding from the enclosures `f_lo`, `f_hi` so the line is valid in exact
    /// arithmetic:
    /// - chord above a convex f: `b = max_v RU(f_hi(v) - RD(a v))` over `v in {l, u}` (a line
    ///   above a convex function at both end points is above it in between);
    /// - tangent below a convex f at m: with `|a - f'(m)| <= err`, convexity gives
    ///   `f(z) - a z >= f(m) - a m - err |z - m|`, so `b = RD(f_lo(m) - RU(a m) - RU(err R))`,
    ///   `R >= max(m - l, u - m)`;
    /// - across 0: `(f(z) - f(l)) / (z - l) = f'(xi) >= min(f'(l), f'(u)) >= a` because f' is
    ///   unimodal, so `f(z) >= f(l) + a (z - l)`, `b = RD(f_lo(l) - RU(a l))`; likewise the
    ///   upper line through `(u, f_hi(u))`.
    /// Concave cases mirror the convex ones.
    func relaxation(lower l: Double, upper u: Double) -> LinearRelaxation.Lines {
        typealias R = DirectedRounding
        let constant = LinearRelaxation.Lines(
            lowerSlope: 0, lowerIntercept: valueDown(l), upperSlope: 0, upperIntercept: valueUp(u))
        guard l < u, l.isFinite, u.isFinite else { return constant }
        if u <= 0 || l >= 0 {
            let convex = u <= 0
            // Chord.
            let width = u - l
            var chord = (value(u) - value(l)) / width
            if !chord.isFinite || chord < 0 { chord = 0 }
            // Tangent at the midpoint.
            let m = Swift.min(Swift.max(l / 2 + u / 2, l), u)
            let tangent = derivative(m)
            let radius = Swift.max(R.addUp(m, -l), R.addUp(u, -m))
            let slack = R.mulUp(Self.derivativeError, radius)
            if convex {
                let upper = Swift.max(R.addUp(valueUp(l), -R.mulDown(chord, l)),
                                      R.addUp(valueUp(u), -R.mulDown(chord, u)))
                let lower = R.addDown(R.addDown(valueDown(m), -R.mulUp(tangent, m)), -slack)
                return LinearRelaxation.Lines(lowerSlope: tangent, lowerIntercept: R.saneLower(lower),
                                              upperSlope: chord, upperIntercept: R.saneUpper(upper))
            } else {
                let lower = Swift.min(R.addDown(valueDown(l), -R.mulUp(chord, l)),
                                      R.addDown(valueDown(u), -R.mulUp(chord, u)))
                let upper = R.addUp(R.addUp(valueUp(m), -R.mulDown(tangent, m)), slack)
                return LinearRelaxation.Lines(lowerSlope: chord, lowerIntercept: R.saneLower(lower),
                                              upperSlope: tangent, upperIntercept: R.saneUpper(upper))
            }
        }
        // l < 0 < u: slope a <= min(f'(l), f'(u)) through the end points.
        var slope = Swift.min(derivative(l), derivative(u)) - Self.derivativeError
        if !(slope > 0) { return constant }
        slope = slope.nextDown
        let lower = R.addDown(valueDown(l), -R.mulUp(slope, l))
        let upper = R.addUp(valueUp(u), -R.mulDown(slope, u))
        return LinearRelaxation.Lines(lowerSlope: slope, lowerIntercept: R.saneLower(lower),
                                      upperSlope: slope, upperIntercept: R.saneUpper(upper))
    }
}
