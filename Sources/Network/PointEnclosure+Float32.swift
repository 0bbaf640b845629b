/// The float32 batched forward pass (``NeuralNetwork/evaluateFloat32(batch:count:)``) with a
/// sound bound on its distance to the exact real-arithmetic outputs of the network as loaded:
///
/// ```
/// |exact_i - Double(values[i])| <= Double(errors[i])
/// ```
///
/// Error analysis (Higham §3.1 with `u = 2^-24`, `γ_n = n u / (1 - n u)`). Write `e_b` for a
/// bound on `|x_b - x̂_b|` at boundary `b` (the exact and float32 values after `b` layers).
///
/// Affine layer, the file's weights `W`, `b` (Doubles), their float32 roundings `W'`, `b'`,
/// `n = m + 1` terms per output (`n = 2` for an element-wise map):
///
/// ```
/// |fl(Σ W'_j x̂_j + b') - (Σ W'_j x̂_j + b')| <= γ_n (Σ |W'_j| |x̂_j| + |b'|) + m 2^-149
/// |(Σ W'_j x̂_j + b') - (Σ W_j x_j + b)|    <= Σ |W_j - W'_j| |x̂_j| + |b - b'| + Σ |W_j| e_j
/// ```
///
/// The first line holds for every summation order and with fused multiply-adds, as BLAS
/// computes (each product or fused multiply-add rounds once, each addition once; an
/// underflowing product loses at most `2^-150`). With `Ŵ_j = max(RU(|W_j|), 2^-126)` for
/// `W_j != 0` and `Ŵ_j = 0` for `W_j = 0` (`RU` rounds up to `Float`), `Ŵ_j` bounds `|W_j|`,
/// `|W'_j|` and `|W_j - W'_j| / u` (round to nearest: `u |W_j|` for normal weights,
/// `2^-150 = u 2^-126` for a bias that rounds to a subnormal, 0 for 0), so with `g = γ_n + u`
/// and `B̂` alike. A weight whose nearest float is subnormal is zero in the pass
/// (``ForwardScalar/flushedWeight(_:)``), off by `|W_j| < 2^-126`: its `Ŵ_j = 2^-102` bounds
/// that by `u Ŵ_j` and `|W_j|` too (``BoundComposition/weightBound(_:)``).
///
/// ```
/// e_out <= Ŵ e_in + g Ŵ |x̂_in| + g B̂ + m 2^-149
/// ```
///
/// Element-wise layers, `ŷ` the float32 result, each `e_out <= λ e_in + s |x̂_in| + t |ŷ| + c`:
///
/// | layer | λ | s | t | c |
/// | --- | --- | --- | --- | --- |
/// | ReLU (exact in float) | 1 | 0 | 0 | 0 |
/// | clip (bounds rounded) | 1 | 0 | 0 | `|lower - RN(lower)| + |upper - RN(upper)|` |
/// | LeakyReLU `α` | `max(1, |α|)` | `|α - RN(α)|` | `u` | `2^-149` |
/// | scale `q ∈ [lower, upper]` | `max(|lower|, |upper|)` | `max |q - q'|` | `u` | `2^-149` |
/// | tanh, sigmoid | 1, 1/4 | 0 | `16 u` | `2^-125` |
///
/// (`q'` the factor the float pass uses: `RN(nearest)`, or `1 / RN(c)` for a division by
/// `c`; `|z - fl(z)| <= u |fl(z)| + 2^-150` for a product or quotient rounded to nearest.)
/// The tanh and sigmoid lines are proven: the pass computes them with ``Float32Tanh`` and
/// ``Float32Sigmoid``, each checked within `16 u |ŷ|` (plus `2^-125` for the sigmoid, which is 0
/// from `x = -87` down, where `σ(x) < e^-87 < 2^-125`) on every `Float` (worst 2.39 u and
/// 2.99 u). The input's own rounding `e_0 = |x - RN(x)|` is exact in `Double`
/// (Sterbenz) and rounded up to `Float`.
///
/// Every step is `e_out <= D e_in + (terms in |x̂_in|, |x̂_out| and constants)` with a
/// non-negative `D` (`Ŵ` or `diag(λ)`), so the recursion unrolls: with `M_b` the product of
/// the `D`s of the layers after boundary `b` (`M_L = I`, `M_b = M_{b+1} D_{b+1}`),
///
/// ```
/// e_L <= Σ_b C_b |x̂_b| + M_0 e_0 + K       C_b = M_b (s or t or g Ŵ terms at b),  K = Σ M_b c_b
/// ```
///
/// ``DenseErrorBound`` computes the `C_b` (`outputSize x width_b`) and `K` once per network in
/// `Double`, rounding every operation upward (products of non-negative matrices on BLAS are
/// inflated by `1 + 2γ_k` and `k 2^-1074`, which covers any summation order and underflow),
/// then rounds them up to `Float`. A batch then evaluates the sum `S = K + M_0 e_0 + Σ_b C_b |x̂_b|` with
/// one float32 BLAS product per boundary that has a term (`outputSize` columns), `N` terms in
/// all, so `S <= (fl(S) + N 2^-150) / (1 - γ_N) <= (fl(S) + N 2^-149)(1 + 2 γ_N)`; the final
/// bound is evaluated in `Float` with a `nextUp` after each operation. A row with a non-finite
/// affine output, and any non-finite value or bound, gets the bound `+infinity`.
extension NeuralNetwork {
    /// The float32 batched outputs with their error bounds, both row-major
    /// (`count x outputSize`; see the extension). For many batches, prepare the network once
    /// with ``Float32Forward`` instead.
    public func enclosureFloat32(batch: [Double], count: Int) -> (values: [Float], errors: [Float]) {
        let workspace = Float32Forward.Workspace()
        Float32Forward(self).evaluate(batch: batch, count: count, workspace: workspace)
        return (Array(workspace.values), Array(workspace.errors))
    }
}

/// The coefficients of the error bound of a network in `Scalar` (see
/// ``NeuralNetwork/enclosureFloat32(batch:count:)`` for the derivation; in `Double`, `u = 2^-53`,
/// the subnormal and normal limits are `2^-1074` and `2^-1022`, and the weights and inputs
/// need no rounding).
struct DenseErrorBound<Scalar: ForwardScalar>: Sendable {
    /// `terms[b]`: `C_b`, row-major `outputSize x width_b`, rounded up to `Scalar`; nil where
    /// the bound has no term at boundary `b`.
    let terms: [[Scalar]?]
    /// `M_0`, row-major `outputSize x inputSize`, rounded up to `Scalar`: the coefficients of
    /// the input's own rounding `e_0 = |x - RN(x)|` (exact in `Double`, rounded up); nil in
    /// `Double` (no rounding).
    let inputRounding: [Scalar]?
    /// `K`, rounded up to `Scalar`.
    let constant: [Scalar]
    /// `RU((1 + 2 γ_N)(1 + 2^-50))` for the evaluated sum of `N` terms.
    let inflation: Scalar
    /// `RU(N · smallest subnormal)`.
    let underflow: Scalar

    init(_ network: NeuralNetwork) {
        let outputs = network.outputSize
        let widths = [network.inputSize] + network.layerOutputSizes
        var composition = BoundComposition<Scalar>(outputs: outputs, widths: widths)
        for (index, layer) in network.layers.enumerated().reversed() {
            composition.add(layer, input: index, output: index + 1)
        }
        terms = composition.terms.map { term in term.map { $0.map(Scalar.roundedUp) } }
        inputRounding = Scalar.self == Double.self ? nil : composition.m.map(Scalar.roundedUp)
        constant = composition.constant.map(Scalar.roundedUp)
        let n = Double(zip(terms, widths).reduce(widths[0] + 2) { $0 + ($1.0 == nil ? 0 : $1.1 + 1) })
        let u = Scalar.unitRoundoff
        let gamma = (n * u) / (1 - n * u)
        inflation = n * u < 0.25 ? Scalar.roundedUp(((1 + 2 * gamma) * (1 + 0x1p-50)).nextUp) : .infinity
        underflow = Scalar.roundedUp((n * Scalar.smallestSubnormal * (1 + 0x1p-50)).nextUp)
    }

    /// The bounds of `count` rows: `((fl(S) + N 2^-149)⁺ · inflation)⁺` (`⁺` = `nextUp`), and
    /// `+infinity` for a non-finite value, sum or flagged row.
    func finish(values: UnsafePointer<Scalar>, errors: UnsafeMutablePointer<Scalar>, nonFinite: UnsafePointer<UInt32>,
                count: Int, width: Int) {
        for index in 0..<count {
            let bound = ((errors[index] + underflow).nextUp * inflation).nextUp
            let finite = values[index].isFinite && bound.isFinite && nonFinite[index / width] == 0
            errors[index] = finite ? bound : .infinity
        }
    }
}

extension PointEnclosure {
    /// The class `c` that the enclosure `values ± errors` (one row, floats) proves: the float
    /// values classify as `c` (``Classification``: strictly largest, no NaN among two or more) and
    /// ``differenceLowerBound(_:_:)`` of `c` and every other output is positive, computed in
    /// `Double` as there. Nil when the bound does not separate `c` from another output; then
    /// ``CheckedClassification/init(enclosure:exact:)`` on the same row would consult the exact
    /// pass, and when it returns `c`, that initialiser returns `.decided(.class(c), .errorBound)`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    package static func separatedClass<Scalar: ForwardScalar>(values: UnsafeBufferPointer<Scalar>, errors: UnsafeBufferPointer<Scalar>) -> Int? {
        // One output is class 0 whatever its value (no other output to beat), as there.
        guard values.count > 1 else { return values.isEmpty ? nil : 0 }
        var top = 0
        for j in values.indices {
            guard !values[j].isNaN else { return nil }
            if values[j] > values[top] { top = j }
        }
        for j in values.indices where j != top {
            let d = Double(values[top]) - Double(values[j])
            let slack = ((Double(errors[top]) + Double(errors[j])) * (1 + 0x1p-50) + 0x1p-52 * abs(d)).nextUp
            let lower = (d - slack).nextDown
            guard lower > 0 else { return nil }
        }
        return top
    }
}
