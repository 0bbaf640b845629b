/// The float32 batched forward pass (``NeuralNetwork/evaluateFloat32(batch:count:)``) with a
/// sound bound on its distance to the exact real-arithmetic outputs of the network as loaded:
///
/// ```
/// |exact_i - Double(values[i])| <= Double(errors[i])
/// ```
///
/// Error analysis (Higham §3.1 with `u = 2^-24`, `γ_n = n u / (1 - n u)`), for an affine
/// layer with the file's weights `W`, `b` (Doubles), their float32 roundings `W'`, `b'`, an
/// input `x̂` (Float) with `|x - x̂| <= e`, and `n = m + 1` terms per output:
///
/// ```
/// |fl(Σ W'_j x̂_j + b') - (Σ W'_j x̂_j + b')| <= γ_n (Σ |W'_j| |x̂_j| + |b'|) + m 2^-149
/// |(Σ W'_j x̂_j + b') - (Σ W_j x_j + b)|    <= Σ |W_j - W'_j| |x̂_j| + |b - b'| + Σ |W_j| e_j
/// ```
///
/// The first line holds for every summation order and with fused multiply-adds, as BLAS
/// computes (each product or fused multiply-add rounds once, each addition once; an
/// underflowing product loses at most `2^-150`). With `Ŵ_j = max(RU(|W_j|), 2^-126)` (`RU`
/// rounds up to `Float`), `Ŵ_j` bounds `|W_j|`, `|W'_j|` and `|W_j - W'_j| / u` (round to
/// nearest: `u |W_j|` for normal weights, `2^-150 = u 2^-126` for subnormal ones), so with
/// `g = γ_n + u` and `B̂ = max(RU(|b|), 2^-126)`
///
/// ```
/// |ŷ - y| <= Σ_j Ŵ_j (g |x̂_j| + e_j) + g B̂ + m 2^-149  =: S + m 2^-149
/// ```
///
/// `S` has non-negative terms and is itself computed by one float32 BLAS product, so
/// `S <= (fl(S) + m 2^-150) / (1 - γ_n) <= (fl(S) + m 2^-150)(1 + 2 γ_n)`; the final bound
/// `(fl(S) + 2 m 2^-149)(1 + 2 γ_n)` and the terms of `S` are evaluated in `Float`, each
/// rounded operation followed by a `nextUp` (see ``Float32Bound/affine(_:values:errors:count:)``).
///
/// Element-wise layers, with `ŷ` the float32 result: ReLU is 1-Lipschitz and exact; clip is
/// 1-Lipschitz and adds `|lower - RN(lower)| + |upper - RN(upper)|` (the rounding of its
/// bounds); LeakyReLU is `max(1, |α|)`-Lipschitz and adds `|α - RN(α)| |x̂| + u |ŷ| + 2^-149`
/// (its slope's rounding and the product's). Networks with tanh, sigmoid or an
/// ``EnclosedScale`` have no float32 enclosure here (nil): their callers use the float64
/// ``PointEnclosure``.
///
/// Any non-finite value or bound makes the bound `+infinity`.
extension NeuralNetwork {
    /// The float32 batched outputs with their error bounds, both row-major
    /// (`count x outputSize`); nil when a layer has no float32 bound (tanh, sigmoid, enclosed
    /// scale; see the extension).
    public func enclosureFloat32(batch: [Double], count: Int) -> (values: [Float], errors: [Float])? {
        precondition(batch.count == count * inputSize, "batch must be count x inputSize")
        var values = batch.map { Float($0) }
        // The input's own rounding: x - RN(x) is exact in Double.
        var errors = zip(batch, values).map { x, v in Float32Bound.roundedUp(abs(x - Double(v))) }
        for layer in layers {
            switch layer {
            case .affine(let affine):
                (values, errors) = Float32Bound.affine(affine, values: values, errors: errors, count: count)
            case .relu:
                layer.applyFloat32(&values, width: 1)
            case .clip(let lower, let upper):
                // An infinite side is exact in Float; a finite one moves by its rounding.
                let slack = (lower.isFinite ? abs(lower - Double(Float(lower))) : 0)
                    + (upper.isFinite ? abs(upper - Double(Float(upper))) : 0)
                layer.applyFloat32(&values, width: 1)
                if slack > 0 {
                    for index in errors.indices {
                        errors[index] = Float32Bound.roundedUp((Double(errors[index]) + slack) * (1 + 0x1p-50))
                    }
                }
            case .leakyRelu(let alpha):
                let lipschitz = max(1, abs(alpha)), slope = abs(alpha - Double(Float(alpha)))
                let inputs = values
                layer.applyFloat32(&values, width: 1)
                for index in errors.indices {
                    let x = Double(inputs[index]).magnitude, y = Double(values[index]).magnitude
                    let bound = (lipschitz * Double(errors[index]) + slope * x + 0x1p-24 * y + 0x1p-149) * (1 + 0x1p-50)
                    errors[index] = Float32Bound.finite(values[index], Float32Bound.roundedUp(bound))
                }
            case .tanh, .sigmoid, .enclosedScale:
                return nil
            }
        }
        return (values, errors)
    }
}

/// The float32 rounding bounds of ``NeuralNetwork/enclosureFloat32(batch:count:)``.
enum Float32Bound {
    /// The smallest `Float` `>= value` (`+infinity` above the `Float` range; NaN stays NaN).
    static func roundedUp(_ value: Double) -> Float {
        let nearest = Float(value)
        return Double(nearest) < value ? nearest.nextUp : nearest
    }

    static func finite(_ value: Float, _ bound: Float) -> Float {
        value.isFinite && bound.isFinite ? bound : .infinity
    }

    /// One affine layer on `count` rows (see the extension for the bound). The element-wise
    /// terms are evaluated in `Float` with a `nextUp` after every rounded operation (a
    /// round-to-nearest result is below its exact value by less than half an ulp, so one
    /// `nextUp` makes it an upper bound, in the subnormal range too), from the constants
    /// `g' = RU(g) >= g` and `inflation' = RU((1 + 2 γ_n)(1 + 2^-50))`.
    static func affine(_ layer: AffineLayer, values: [Float], errors: [Float], count: Int) -> ([Float], [Float]) {
        let m = layer.inputSize
        let n = Double(m + 1)
        let gamma = (n * 0x1p-24) / (1 - n * 0x1p-24)
        let g = roundedUp((gamma + 0x1p-24) * (1 + 0x1p-50))
        let out = NeuralNetwork.affineFloat32(weights: layer.weights.map { Float($0) }, bias: layer.bias.map { Float($0) },
                                              inputSize: m, batch: values, count: count)
        let absolute = layer.weights.map { max(roundedUp(abs($0)), 0x1p-126) }
        let bias = layer.bias.map { ((g * max(roundedUp(abs($0)), 0x1p-126)).nextUp) }
        var scaled = [Float](repeating: 0, count: values.count)
        for j in values.indices { scaled[j] = ((g * values[j].magnitude).nextUp + errors[j]).nextUp }
        let sums = NeuralNetwork.affineFloat32(weights: absolute, bias: bias, inputSize: m, batch: scaled, count: count)
        let inflation = roundedUp((1 + 2 * gamma) * (1 + 0x1p-50))
        let underflow = roundedUp(2 * Double(m) * 0x1p-149)
        var err = [Float](repeating: 0, count: out.count)
        for i in out.indices {
            let bound = ((sums[i] + underflow).nextUp * inflation).nextUp
            err[i] = out[i].isFinite && bound.isFinite ? bound : .infinity
        }
        return (out, err)
    }
}
