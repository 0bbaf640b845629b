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
/// as a dot product of length `n = m + 1` (the bias is a term with weight 1), in index order
/// for one input and in BLAS's order with fused multiply-adds for a batch (``DenseProduct``);
/// the bounds below hold for every summation order and with fused multiply-adds (each term
/// passes through at most `n` roundings), so
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
/// add their evaluation error, taken as ``libraryULPs`` units of `u |result|` plus `2^-1022`.
/// Both are proven, not assumed about the C library: the pass computes them with
/// ``Float64Tanh`` (within `8.91 u |result|`, `docs/proofs/float64_tanh_bound.py`) and
/// ``Float64Sigmoid`` (within `6.14 u |result| + 2^-1022`, the absolute term for the
/// subnormal results below `x = -708.39` and the 0 below -709,
/// `docs/proofs/float64_sigmoid_bound.py`). Those networks still carry no exactness claim
/// (their exact values are irrational).
///
/// An ``EnclosedScale`` adds the width of its enclosure times the value (see
/// ``enclosedScale(_:values:errors:)``).
///
/// Any non-finite value or bound makes the bound `+infinity` (nothing is decided from it).
public struct PointEnclosure: Sendable, Equatable {
    public var values: [Double]
    public var errors: [Double]

    /// Units of `u` allowed for the evaluation of `tanh` and `sigmoid` (see the type): in
    /// `Double` proven for ``Float64Tanh`` and ``Float64Sigmoid``; in `Float` checked on every
    /// `Float` for ``Float32Tanh`` and ``Float32Sigmoid``.
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
        let layer = AffineLayer(inputSize: values.count, outputSize: bias.count, weights: weights, bias: bias)
        let (out, err) = Self.affine(layer, values: values, errors: errors, count: 1)
        return PointEnclosure(values: out, errors: err)
    }

    /// The enclosure after one layer (see the type for each case).
    public func applying(_ layer: Layer) -> PointEnclosure {
        let (out, err) = Self.apply(layer, values: values, errors: errors, count: 1)
        return PointEnclosure(values: out, errors: err)
    }

    /// One layer on `count` enclosed vectors stored row-major (see the type for the bounds).
    /// Affine layers use the forward pass's kernel for the values (the same floats as
    /// ``NeuralNetwork/evaluate(batch:count:)``) and the same kernel on `|W|` for the bound
    /// (valid for any summation order), written as
    ///
    /// ```
    /// γ_n (Σ|w_j||x̂_j| + |b|) + Σ|w_j| e_j + m 2^-1074  =  Σ|w_j| (γ_n |x̂_j| + e_j) + γ_n |b| + m 2^-1074
    /// ```
    ///
    /// whose own rounding (at most `n + 3` roundings of non-negative terms, and `m · 2^-1075`
    /// from underflowing products) the inflation and a second `m · 2^-1074` cover.
    static func apply(_ layer: Layer, values: [Double], errors: [Double], count: Int) -> ([Double], [Double]) {
        switch layer {
        case .affine(let affine):
            return Self.affine(affine, values: values, errors: errors, count: count)
        case .enclosedScale(let scale):
            return enclosedScale(scale, values: values, errors: errors)
        case .relu, .clip:
            return (values.map { layer.apply($0) }, errors)
        case .leakyRelu(let alpha):
            let lipschitz = max(1, abs(alpha))
            let out = values.map { layer.apply($0) }
            let err = zip(out, errors).map { y, e in
                Self.finite(y, ((lipschitz * e + 0x1p-53 * abs(y)) * (1 + 0x1p-50) + 0x1p-1074).nextUp)
            }
            return (out, err)
        case .tanh, .sigmoid:
            let lipschitz = layer == .tanh ? 1.0 : 0.25
            let out = values.map { layer.apply($0) }
            let err = zip(out, errors).map { y, e in
                Self.finite(y, ((lipschitz * e + Self.libraryULPs * 0x1p-53 * abs(y)) * (1 + 0x1p-50) + 0x1p-1022).nextUp)
            }
            return (out, err)
        }
    }

    /// `ŷ = fl(m x̂)` (`m` the nearest factor) against the exact `s x` with `s` in
    /// `[lower, upper]`, `|x - x̂| <= e`, `S = max(|lower|, |upper|)`, `w = RU(upper - lower)`:
    ///
    /// ```
    /// |s x - fl(m x̂)| <= |s| |x - x̂| + |s - m| |x̂| + |m x̂ - fl(m x̂)|
    ///                 <= S e + w |x̂| + u |ŷ| + 2^-1074
    /// ```
    ///
    /// computed with the inflation `1 + 2^-50` and a final `nextUp` (four roundings of
    /// non-negative terms).
    static func enclosedScale(_ scale: EnclosedScale, values: [Double], errors: [Double]) -> ([Double], [Double]) {
        let n = scale.count
        var out = values, err = errors
        for index in values.indices {
            let i = index % n
            let y = scale.nearest[i] * values[index]
            let big = Swift.max(scale.lower[i].magnitude, scale.upper[i].magnitude)
            let width = (scale.upper[i] - scale.lower[i]).nextUp
            let bound = (big * errors[index] + width * values[index].magnitude + 0x1p-53 * y.magnitude) * (1 + 0x1p-50) + 0x1p-1074
            out[index] = y
            err[index] = finite(y, bound.nextUp)
        }
        return (out, err)
    }

    static func affine(_ layer: AffineLayer, values: [Double], errors: [Double], count: Int) -> ([Double], [Double]) {
        let m = layer.inputSize
        let n = Double(m + 1)
        let gamma = (n * 0x1p-53) / (1 - n * 0x1p-53)
        let inflation = 1 + (n + 4) * 0x1p-50
        let out = NeuralNetwork.affine(layer, batch: values, count: count)
        let absolute = AffineLayer(inputSize: m, outputSize: layer.outputSize, weights: layer.weights.map(abs),
                                   bias: layer.bias.map { gamma * abs($0) })
        let scaled = zip(values, errors).map { x, e in gamma * abs(x) + e }
        let sums = NeuralNetwork.affine(absolute, batch: scaled, count: count)
        let underflow = 2 * Double(m) * 0x1p-1074
        let err = zip(out, sums).map { y, s in finite(y, (s * inflation + underflow).nextUp) }
        return (out, err)
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
        let (values, errors) = enclosure(batch: input, count: 1)
        return PointEnclosure(values: values, errors: errors)
    }

    /// ``enclosure(_:)`` of `count` inputs stored row-major in `batch`; the values and error
    /// bounds come back row-major (`count x outputSize`), the values bit-identical to
    /// ``evaluate(batch:count:)`` (BLAS products for `count >= 2`).
    public func enclosure(batch: [Double], count: Int) -> (values: [Double], errors: [Double]) {
        precondition(batch.count == count * inputSize, "batch must be count x inputSize")
        var values = batch
        var errors = [Double](repeating: 0, count: batch.count)
        for layer in layers { (values, errors) = PointEnclosure.apply(layer, values: values, errors: errors, count: count) }
        return (values, errors)
    }
}
