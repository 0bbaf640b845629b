/// Float values with a sound bound on their distance to the exact values:
///
/// ```
/// |exact_i - values[i]| <= errors[i]
/// ```
///
/// where `exact` is the network evaluated in exact real arithmetic at the same input.
///
/// Error analysis (Higham, *Accuracy and Stability of Numerical Algorithms*, 2nd ed., §3.1,
/// with `u = 2^-53` and `γ_n = n u / (1 - n u)`): the forward pass computes an affine output
/// as `((w_1 x̂_1 + w_2 x̂_2) + ...) + b`, a dot product of length `n = m + 1` (the bias is a
/// term with weight 1), so
///
/// ```
/// |fl(Σ w_j x̂_j + b) - (Σ w_j x̂_j + b)| <= γ_n (Σ |w_j| |x̂_j| + |b|) + m · 2^-1074
/// |(Σ w_j x̂_j + b) - (Σ w_j x_j + b)|   <= Σ |w_j| e_j
/// ```
///
/// (the last term of the first line covers products that underflow: each has an absolute
/// error below `2^-1075`, and sums of subnormals are exact). Both right-hand sides are
/// themselves computed in round-to-nearest; each of the two sums has `n` roundings, so the
/// float result is at least `(1 + u)^-(n+2)` times the exact one, and multiplying by
/// `1 + (n + 4) · 2^-50 > (1 + u)^(n+3)` and rounding up once more (`nextUp`) makes the
/// computed bound an upper bound (for `n u < 2^-10`, i.e. layers narrower than 2^43).
///
/// Element-wise layers: ReLU and clip are 1-Lipschitz and exact in floating point, so the
/// error passes unchanged; LeakyReLU multiplies it by `max(1, |alpha|)` and adds the rounding
/// of `alpha x̂` (`u |alpha x̂| + 2^-1074`). tanh (1-Lipschitz) and sigmoid (1/4-Lipschitz)
/// add the library's error, taken as ``libraryULPs`` units of `u |result|` plus `2^-1070`: an
/// assumption about `libm` (glibc documents at most 2 ulps for `tanh` and `exp`), not a
/// proof, which is one more reason those networks carry no exactness claim.
///
/// Any non-finite value or bound makes the bound `+infinity` (nothing is decided from it).
public struct PointEnclosure: Sendable, Equatable {
    public var values: [Double]
    public var errors: [Double]

    /// Units of `u` allowed for the rounding of `tanh` and `sigmoid` (see the type).
    public static let libraryULPs = 16.0

    public init(values: [Double], errors: [Double]) {
        precondition(values.count == errors.count)
        self.values = values
        self.errors = errors
    }

    /// An exact input: every error is 0.
    public init(exact values: [Double]) {
        self.init(values: values, errors: [Double](repeating: 0, count: values.count))
    }

    /// The enclosure of `weights · values + bias` (row-major `weights`, `rows x values.count`),
    /// computed as the forward pass computes an affine layer.
    public func affine(weights: [Double], bias: [Double]) -> PointEnclosure {
        let m = values.count
        precondition(weights.count == bias.count * m)
        let n = Double(m + 1)
        let gamma = (n * 0x1p-53) / (1 - n * 0x1p-53)
        let inflation = 1 + (n + 4) * 0x1p-50
        var out = [Double](repeating: 0, count: bias.count)
        var err = [Double](repeating: 0, count: bias.count)
        for row in bias.indices {
            var sum = 0.0, magnitude = 0.0, propagated = 0.0
            for j in 0..<m {
                let w = weights[row * m + j]
                sum += w * values[j]
                magnitude += abs(w) * abs(values[j])
                propagated += abs(w) * errors[j]
            }
            out[row] = sum + bias[row]
            magnitude += abs(bias[row])
            let bound = ((gamma * magnitude + propagated) * inflation + Double(m) * 0x1p-1074).nextUp
            err[row] = out[row].isFinite && bound.isFinite ? bound : .infinity
        }
        return PointEnclosure(values: out, errors: err)
    }

    /// The enclosure after an element-wise layer (see the type for each case).
    public func applying(_ layer: Layer) -> PointEnclosure {
        switch layer {
        case .affine(let affine):
            return self.affine(weights: affine.weights, bias: affine.bias)
        case .relu, .clip:
            return PointEnclosure(values: values.map { layer.apply($0) }, errors: errors)
        case .leakyRelu(let alpha):
            let lipschitz = max(1, abs(alpha))
            let out = values.map { layer.apply($0) }
            let err = zip(out, errors).map { y, e in
                Self.finite(y, ((lipschitz * e + 0x1p-53 * abs(y)) * (1 + 0x1p-50) + 0x1p-1074).nextUp)
            }
            return PointEnclosure(values: out, errors: err)
        case .tanh, .sigmoid:
            let lipschitz = layer == .tanh ? 1.0 : 0.25
            let out = values.map { layer.apply($0) }
            let err = zip(out, errors).map { y, e in
                Self.finite(y, ((lipschitz * e + Self.libraryULPs * 0x1p-53 * abs(y)) * (1 + 0x1p-50) + 0x1p-1070).nextUp)
            }
            return PointEnclosure(values: out, errors: err)
        }
    }

    /// A sound lower bound of `exact_a - exact_b`.
    public func differenceLowerBound(_ a: Int, _ b: Int) -> Double {
        let d = values[a] - values[b]
        // |fl(d) - d| <= u |fl(d)| ; the bound is computed with one more rounding, covered
        // by the 2^-50 inflation and the final nextDown.
        let slack = ((errors[a] + errors[b]) * (1 + 0x1p-50) + 0x1p-52 * abs(d)).nextUp
        let lower = (d - slack).nextDown
        return lower.isNaN ? -.infinity : lower
    }

    private static func finite(_ value: Double, _ bound: Double) -> Double {
        value.isFinite && bound.isFinite ? bound : .infinity
    }
}

extension NeuralNetwork {
    /// The float forward pass at `input` with a sound bound on its distance to the exact
    /// real-arithmetic outputs (see ``PointEnclosure``). About twice the cost of
    /// ``evaluate(_:)``; its `values` are the same floats `evaluate` returns.
    public func enclosure(_ input: [Double]) -> PointEnclosure {
        precondition(input.count == inputSize, "input has \(input.count) entries, network takes \(inputSize)")
        var current = PointEnclosure(exact: input)
        for layer in layers { current = current.applying(layer) }
        return current
    }
}
