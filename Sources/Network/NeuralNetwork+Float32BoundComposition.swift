/// The coefficients `C_b` and `K` of the float32 error bound `e_L <= Σ_b C_b |x̂_b| + K`,
/// composed backward from the output (see ``NeuralNetwork/enclosureFloat32(batch:count:)``
/// for the per-layer inequalities), in `Double` with every operation rounded upward:
///
/// ```
/// M = I (outputs x outputs)                       at the output boundary
/// layer with e_out <= D e_in + s|x̂_in| + t|x̂_out| + c:
///     C_in += M diag(s)    C_out += M diag(t)    K += M c    M <- M D
/// ```
///
/// For non-negative operands `mulUp(a, b) = (a b)⁺` and `addUp(a, b) = (a + b)⁺` (`⁺` =
/// `nextUp`; exact zeros stay zero) are upper bounds of the exact product and sum (one
/// rounding to nearest is below the exact value by less than one ulp, in the subnormal range
/// too). A matrix product `M Ŵ` of non-negative matrices with inner dimension `k` runs on BLAS
/// (any order, fused multiply-adds): `exact <= (fl + k 2^-1074)(1 + 2 γ_k)` with
/// `γ_k = k 2^-53 / (1 - k 2^-53)`, each entry then rounded upward as above.
struct BoundComposition<Scalar: ForwardScalar> {
    let outputs: Int
    /// Units per boundary (0 = the input).
    let widths: [Int]
    /// `M`, row-major `outputs x width` for the boundary the composition has reached (`M_0`
    /// once every layer is in).
    private(set) var m: [Double]
    /// `C_b`, row-major `outputs x widths[b]`; nil while no term reached boundary `b`.
    private(set) var terms: [[Double]?]
    /// `K`.
    private(set) var constant: [Double]

    init(outputs: Int, widths: [Int]) {
        precondition(widths.last == outputs)
        self.outputs = outputs
        self.widths = widths
        m = [Double](repeating: 0, count: outputs * outputs)
        for k in 0..<outputs { m[k * outputs + k] = 1 }
        terms = Array(repeating: nil, count: widths.count)
        constant = [Double](repeating: 0, count: outputs)
    }

    static func mulUp(_ a: Double, _ b: Double) -> Double { a == 0 || b == 0 ? 0 : (a * b).nextUp }
    static func addUp(_ a: Double, _ b: Double) -> Double { a == 0 ? b : b == 0 ? a : (a + b).nextUp }

    /// `u` (`2^-24` in `Float`).
    static var unit: Double { Scalar.unitRoundoff }
    /// The smallest subnormal (`2^-149` in `Float`).
    static var tiny: Double { Scalar.smallestSubnormal }

    /// `g = γ_n + u` for `n` terms, rounded upward.
    static func g(terms n: Int) -> Double {
        let n = Double(n)
        let gamma = (n * unit) / (1 - n * unit)
        return ((gamma + unit) * (1 + 0x1p-50)).nextUp
    }

    /// `Ŵ = max(RU(|w|), 2^-126)` for `w` whose nearest `Scalar` is normal, `2^-126 / u =
    /// 2^-102` for `w != 0` whose nearest `Scalar` is subnormal, `0` for `w = 0` (see the
    /// bound's derivation; `2^-126` is the smallest normal number of `Scalar`). `Ŵ` bounds
    /// `|w|`, `|w'|` and `|w - w'| / u` for `w'` the nearest `Scalar` (biases) and for
    /// `w' = ``ForwardScalar/flushedWeight(_:)``` (weights): a subnormal `RN(w)` means
    /// `|w| < 2^-126 = u 2^-102`, so `|w - 0| <= u Ŵ` and `|w - RN(w)| <= 2^-150 <= u Ŵ`.
    static func weightBound(_ w: Double) -> Double {
        guard w.isFinite else { return .infinity }
        if w == 0 { return 0 }
        if Scalar(w).isSubnormal { return Scalar.smallestNormal / Scalar.unitRoundoff }
        return max(Double(Scalar.roundedUp(w.magnitude)), Scalar.smallestNormal)
    }

    /// Adds the terms of `layer` (between boundaries `input` and `output`, the composition
    /// being at `output`) and moves the composition to `input`.
    mutating func add(_ layer: Layer, input: Int, output: Int) {
        precondition(m.count == outputs * widths[output], "the composition runs backward, one layer at a time")
        let width = widths[output]
        switch layer {
        case .affine(let affine):
            addAffine(affine, input: input)
        case .relu:
            break
        case .clip(let lower, let upper):
            let slack = Self.addUp(lower.isFinite ? (lower - Double(Scalar(lower))).magnitude : 0,
                                   upper.isFinite ? (upper - Double(Scalar(upper))).magnitude : 0)
            addConstant(perUnit: [Double](repeating: slack, count: width))
        case .leakyRelu(let alpha):
            let slope = (alpha - Double(Scalar(alpha))).magnitude
            addTerm(at: input, perUnit: [Double](repeating: slope, count: width))
            addTerm(at: output, perUnit: [Double](repeating: Self.unit, count: width))
            addConstant(perUnit: [Double](repeating: Self.tiny, count: width))
            scale(perUnit: [Double](repeating: max(1, alpha.magnitude), count: width))
        case .tanh, .sigmoid:
            addTerm(at: output, perUnit: [Double](repeating: PointEnclosure.libraryULPs * Self.unit, count: width))
            addConstant(perUnit: [Double](repeating: 2 * Scalar.smallestNormal, count: width))
            if layer == .sigmoid { scale(perUnit: [Double](repeating: 0.25, count: width)) }
        case .enclosedScale(let enclosed):
            addTerm(at: input, perUnit: Self.factorDistances(enclosed))
            addTerm(at: output, perUnit: [Double](repeating: Self.unit, count: width))
            addConstant(perUnit: [Double](repeating: Self.tiny, count: width))
            scale(perUnit: zip(enclosed.lower, enclosed.upper).map { max($0.magnitude, $1.magnitude) })
        }
    }

    /// `max |q - q'|` over the enclosure `q ∈ [lower, upper]` and the float factor `q'`
    /// (`RN(nearest)`, or `1 / RN(c)` enclosed in `[RD, RU]` of its `Double` quotient):
    /// `max(upper - q'_low, q'_high - lower)`, rounded upward.
    static func factorDistances(_ scale: EnclosedScale) -> [Double] {
        scale.nearest.indices.map { i in
            let low: Double, high: Double
            if let divisors = scale.divisors, Scalar.dividesByDivisors {
                let quotient = 1 / Double(Scalar(divisors[i]))
                (low, high) = (quotient.nextDown, quotient.nextUp)
            } else {
                (low, high) = (Double(Scalar(scale.nearest[i])), Double(Scalar(scale.nearest[i])))
            }
            let distance = max((scale.upper[i] - low).nextUp, (high - scale.lower[i]).nextUp)
            return distance.isNaN ? .infinity : max(distance, 0)
        }
    }

    /// `C_in += g M Ŵ`, `K += M (g B̂ + m 2^-149)`, `M <- M Ŵ` (`n = m + 1` terms, or 2 for an
    /// element-wise map).
    private mutating func addAffine(_ affine: AffineLayer, input: Int) {
        let n = affine.outputSize, k = affine.inputSize
        let diagonal = affine.diagonalScale
        let g = Self.g(terms: diagonal == nil ? k + 1 : 2)
        let underflowTerm = Double(diagonal == nil ? k : 1) * Self.tiny
        addConstant(perUnit: affine.bias.map { Self.addUp(Self.mulUp(g, Self.weightBound($0)), underflowTerm) })
        var product = [Double](repeating: 0, count: outputs * k)
        if let diagonal {
            for row in 0..<outputs {
                for i in 0..<k { product[row * k + i] = Self.mulUp(m[row * n + i], Self.weightBound(diagonal[i])) }
            }
        } else {
            let bounds = affine.weights.map(Self.weightBound)
            m.withUnsafeBufferPointer { a in
                bounds.withUnsafeBufferPointer { b in
                    product.withUnsafeMutableBufferPointer { c in
                        DenseProduct.multiply(m: outputs, n: k, k: n, a: a.baseAddress!, lda: n,
                                              b: b.baseAddress!, ldb: k, c: c.baseAddress!, ldc: k)
                    }
                }
            }
            let gamma = (Double(n) * 0x1p-53) / (1 - Double(n) * 0x1p-53)
            let inflation = ((1 + 2 * gamma) * (1 + 0x1p-50)).nextUp
            let underflow = Double(n) * 0x1p-1074
            for index in product.indices { product[index] = Self.mulUp(Self.addUp(product[index], underflow), inflation) }
        }
        m = product
        addTerm(at: input, perUnit: [Double](repeating: g, count: k))
    }

    /// `C_b += M diag(s)` (skipped when `s` is all zero).
    mutating func addTerm(at boundary: Int, perUnit s: [Double]) {
        let width = s.count
        precondition(width == widths[boundary] && m.count == outputs * width)
        guard s.contains(where: { $0 != 0 }) else { return }
        var term = terms[boundary] ?? [Double](repeating: 0, count: outputs * width)
        for row in 0..<outputs {
            for i in 0..<width { term[row * width + i] = Self.addUp(term[row * width + i], Self.mulUp(m[row * width + i], s[i])) }
        }
        terms[boundary] = term
    }

    /// `K += M c`.
    mutating func addConstant(perUnit c: [Double]) {
        let width = c.count
        precondition(m.count == outputs * width)
        for row in 0..<outputs {
            var sum = constant[row]
            for i in 0..<width { sum = Self.addUp(sum, Self.mulUp(m[row * width + i], c[i])) }
            constant[row] = sum
        }
    }

    /// `M <- M diag(λ)`.
    mutating func scale(perUnit lambda: [Double]) {
        let width = lambda.count
        for row in 0..<outputs {
            for i in 0..<width { m[row * width + i] = Self.mulUp(m[row * width + i], lambda[i]) }
        }
    }
}
