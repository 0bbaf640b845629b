// The network's outputs at a Double input in exact rational arithmetic (an enclosure where
// a layer is not piecewise linear).

import Network

/// A closed interval `[lower, upper]` of exact rationals.
public struct ExactInterval: Sendable, Hashable {
    public var lower: ExactRational
    public var upper: ExactRational

    public init(lower: ExactRational, upper: ExactRational) {
        precondition(!(upper < lower), "empty interval")
        self.lower = lower
        self.upper = upper
    }

    /// The one-point interval `[value, value]`.
    public init(_ value: ExactRational) { self.init(lower: value, upper: value) }

    /// Whether the interval is a single point.
    public var isPoint: Bool { lower == upper }
}

extension NeuralNetwork {
    /// Intervals that contain the outputs of the network, evaluated in EXACT real arithmetic
    /// on the weights as stored (each `Double` is the rational it denotes), at `input`.
    ///
    /// Piecewise-linear layers are evaluated exactly, so for a network made of them every
    /// interval is the single exact output:
    ///
    /// ```
    /// affine:  y_i = b_i + Σ_j W_ij x_j                       (rationals: no rounding)
    ///          on intervals: [b_i + Σ min(W l, W u), b_i + Σ max(W l, W u)]
    /// relu, clip:   monotone, applied to both ends
    /// leaky relu:   f(x) = x (x >= 0), α x (x < 0); the range over [l, u] is spanned by
    ///               f(l), f(u) and f(0) = 0 when l < 0 < u (α may be any sign)
    /// tanh, sigmoid: increasing; ends rounded outward to Doubles, then the library value
    ///               widened outward (``SmoothActivation``'s documented error bound)
    /// enclosed scale: x / c exactly where the divisor c is known (``EnclosedScale``),
    ///               else the corner products with the certified factor bounds
    /// ```
    ///
    /// Cost: one exact multiply-add per weight; the numbers are dyadic (denominators are
    /// powers of two) and grow by at most ~2,100 bits per layer in the worst case, except
    /// after an exact division by `c` (odd denominators: gcd reductions, much slower).
    /// - Precondition: `input.count == inputSize`, every input and every parameter is finite
    ///   (the loaders reject non-finite weights).
    /// - Parameter exactDivisors: `false` replaces each exact divisor `1/c` of an
    ///   ``EnclosedScale`` by its certified Double enclosure, so that every number stays
    ///   dyadic (fast, but never a single point after the division).
    public func exactOutputEnclosure(_ input: [Double], exactDivisors: Bool = true) -> [ExactInterval] {
        precondition(input.count == inputSize, "input has \(input.count) entries, network takes \(inputSize)")
        var values = input.map { ExactInterval(ExactRational($0)) }
        for layer in layers {
            switch layer {
            case .affine(let affine):
                values = Self.exactAffine(affine, values)
            case .relu:
                values = values.map { Self.monotone($0) { ExactRational.maximum($0, .zero) } }
            case .leakyRelu(let alpha):
                let a = ExactRational(alpha)
                values = values.map { x in
                    let f = { (v: ExactRational) in v.signum >= 0 ? v : a * v }
                    var candidates = [f(x.lower), f(x.upper)]
                    if x.lower.signum < 0 && x.upper.signum > 0 { candidates.append(.zero) }
                    return ExactInterval(lower: candidates.min()!, upper: candidates.max()!)
                }
            case .clip(let lower, let upper):
                let low = lower.isFinite ? ExactRational(lower) : nil
                let high = upper.isFinite ? ExactRational(upper) : nil
                values = values.map {
                    Self.monotone($0) { v in
                        var y = v
                        if let low { y = ExactRational.maximum(y, low) }
                        if let high { y = ExactRational.minimum(y, high) }
                        return y
                    }
                }
            case .enclosedScale(let scale):
                values = Self.enclosedScale(scale, values, exactDivisors: exactDivisors)
            case .tanh:
                values = values.map { Self.smooth(.tanh, $0) }
            case .sigmoid:
                values = values.map { Self.smooth(.sigmoid, $0) }
            }
        }
        return values
    }

    private static func exactAffine(_ layer: AffineLayer, _ x: [ExactInterval]) -> [ExactInterval] {
        let points = x.allSatisfy(\.isPoint)
        var result: [ExactInterval] = []
        result.reserveCapacity(layer.outputSize)
        for i in 0..<layer.outputSize {
            var low = ExactRational(layer.bias[i])
            var high = low
            for j in 0..<layer.inputSize {
                let w = layer.weights[i * layer.inputSize + j]
                if w == 0 { continue }
                let weight = ExactRational(w)
                if points {
                    low = low + weight * x[j].lower
                } else {
                    low = low + weight * (w > 0 ? x[j].lower : x[j].upper)
                    high = high + weight * (w > 0 ? x[j].upper : x[j].lower)
                }
            }
            result.append(points ? ExactInterval(low) : ExactInterval(lower: low, upper: high))
        }
        return result
    }

    /// `x_i / c_i` exactly where the divisors are known; otherwise the hull of the four
    /// corner products `{lower_i, upper_i} x {x.lower, x.upper}` (bilinear, exact rationals).
    private static func enclosedScale(_ scale: EnclosedScale, _ x: [ExactInterval], exactDivisors: Bool) -> [ExactInterval] {
        x.indices.map { i in
            if exactDivisors, let divisors = scale.divisors {
                let c = ExactRational(divisors[i])
                let (a, b) = (x[i].lower / c, x[i].upper / c)
                return x[i].isPoint ? ExactInterval(a) : ExactInterval(lower: ExactRational.minimum(a, b), upper: ExactRational.maximum(a, b))
            }
            let corners = [scale.lower[i], scale.upper[i]].flatMap { s in [x[i].lower, x[i].upper].map { ExactRational(s) * $0 } }
            return ExactInterval(lower: corners.min()!, upper: corners.max()!)
        }
    }

    private static func monotone(_ x: ExactInterval, _ f: (ExactRational) -> ExactRational) -> ExactInterval {
        if x.isPoint { return ExactInterval(f(x.lower)) }
        return ExactInterval(lower: f(x.lower), upper: f(x.upper))
    }

    /// `[f_lo(RD(l)), f_hi(RU(u))]`: `RD(l) <= l` and f increasing give `f(RD(l)) <= f(l)`,
    /// and `SmoothActivation.valueDown` is below `f` at its argument (likewise above).
    private static func smooth(_ f: SmoothActivation, _ x: ExactInterval) -> ExactInterval {
        let low = f.valueDown(x.lower.roundedDown), high = f.valueUp(x.upper.roundedUp)
        return ExactInterval(lower: ExactRational(low), upper: ExactRational(high))
    }
}
