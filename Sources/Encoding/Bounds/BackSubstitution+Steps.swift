import Network

// The substitution steps of back-substitution: one layer at a time, from the rows over
// `v_{j+1}` in `scratch.rows` to the rows over `v_j` in `scratch.nextRows`, updating the
// constants. The math and its error analysis are in
// ``BackSubstitution/lowerBounds(rows:constants:rowCount:top:coefficients:returnsCoefficients:settle:)``.

extension BackSubstitution {
    /// One affine step. The product `Λ W` runs on BLAS from ``blasRows`` rows up, as a loop
    /// in index order below; an element-wise layer (``AffineLayer/diagonalScale``, `W =
    /// diag(s)`) takes `O(n)` per row, `λ'_i = fl(λ_i s_i)`: the same Doubles as the dense
    /// product (its other terms are exact zeros added to one product). Then `β = Λ b` and
    /// `q = |Λ| w` (``stepConstants(layer:intercepts:weights:extra:constants:rowCount:)``).
    mutating func substituteAffine(_ affine: AffineLayer, layer j: Int, rowUnits: [Int]?, columnUnits: [Int]?,
                                   constants: inout [Double], rowCount: Int) {
        guard rowCount > 0 else { return }
        let buffers = scratch
        let cur = buffers.rows, nxt = buffers.nextRows
        if substitutesElementWise, let scale = affine.diagonalScale {
            precondition(rowUnits == nil && columnUnits == nil, "element-wise layers keep all units")
            let n = scale.count
            scale.withUnsafeBufferPointer { s in
                for r in 0..<rowCount {
                    for i in 0..<n { nxt[r * n + i] = cur[r * n + i] * s[i] }
                }
            }
            let extra = DirectedRounding.mulUp(Double(n) * DirectedRounding.eta, magnitudeSums[j])
            stepConstants(width: n, intercepts: affine.bias, weights: errorWeights[j], extra: extra,
                          constants: &constants, rowCount: rowCount)
            return
        }
        let operands = affineOperands(affine, layer: j, rowUnits: rowUnits, columnUnits: columnUnits)
        let n = operands.rows, m = operands.columns
        operands.weights.withUnsafeBufferPointer { w in
            if rowCount >= blasRows {
                Self.multiply(cur, rows: rowCount, units: n, weights: w.baseAddress!, inputs: m, into: nxt)
                return
            }
            for r in 0..<rowCount {
                let src = cur + r * n, dst = nxt + r * m
                dst.update(repeating: 0, count: m)
                for i in 0..<n where src[i] != 0 {
                    let weightRow = w.baseAddress! + i * m
                    for k in 0..<m { dst[k] += src[i] * weightRow[k] }
                }
            }
        }
        let extra = DirectedRounding.mulUp(Double(n) * DirectedRounding.eta, magnitudeSums[j])
        stepConstants(width: n, intercepts: operands.bias, weights: operands.errorWeights, extra: extra,
                      constants: &constants, rowCount: rowCount)
    }

    /// `c_r = RD(RD(c_r + β_r) - RU(γ_n Q_r + n η + extra))` with `β_r = fl(λ_r · b)` and
    /// `q_r = fl(|λ_r| · w)` over all `n = width` units, both in one read of each row (any
    /// order; ``VectorKernels/signedAndAbsolute(_:_:_:count:)``), `Q_r = absoluteSumUp(q_r)`.
    private func stepConstants(width n: Int, intercepts: [Double], weights: [Double], extra: Double,
                               constants: inout [Double], rowCount: Int) {
        let bound = DotErrorBound(terms: n), rows = scratch.rows
        intercepts.withUnsafeBufferPointer { b in
            weights.withUnsafeBufferPointer { w in
                for r in 0..<rowCount {
                    let (beta, q) = VectorKernels.signedAndAbsolute(rows + r * n, b.baseAddress!, w.baseAddress!, count: n)
                    constants[r] = Self.combine(constants[r], beta: beta, q: q, bound: bound, extra: extra)
                }
            }
        }
    }

    /// `out = fl(Λ W)` for `rows` coefficient rows `Λ` (`rows x units`) and `W` (`units x
    /// inputs`), one BLAS product.
    private static func multiply(_ lambda: UnsafePointer<Double>, rows: Int, units n: Int,
                                 weights w: UnsafePointer<Double>, inputs m: Int, into out: UnsafeMutablePointer<Double>) {
        DenseProduct.multiply(m: rows, n: m, k: n, a: lambda, lda: n, b: w, ldb: m, c: out, ldc: m)
    }

    /// One activation step through the relaxation of layer `j`, over `units` (nil: all) whose
    /// last `identities` have identity lines: the kernel runs on the others, the identity
    /// units' coefficients are copied (exact; ``columnLayout(top:)``).
    mutating func substituteActivation(layer j: Int, units: [Int]?, identities: Int, constants: inout [Double], rowCount: Int) {
        let operands = activationOperands(layer: j, units: units)
        let n = units?.count ?? sizes[j], kernelWidth = n - identities
        let underflow = DirectedRounding.mulUp(DirectedRounding.eta, magnitudeSums[j])
        let buffers = scratch
        let cur = buffers.rows, nxt = buffers.nextRows
        let bound = DotErrorBound(terms: kernelWidth)
        operands.lowerSlope.withUnsafeBufferPointer { aL in
        operands.lowerIntercept.withUnsafeBufferPointer { bL in
        operands.upperSlope.withUnsafeBufferPointer { aU in
        operands.upperIntercept.withUnsafeBufferPointer { bU in
        operands.lowerWeight.withUnsafeBufferPointer { wL in
        operands.upperWeight.withUnsafeBufferPointer { wU in
            for r in 0..<rowCount {
                let (beta, q) = VectorKernels.activationRow(
                    cur + r * n, nxt + r * n,
                    lowerSlope: aL.baseAddress!, lowerIntercept: bL.baseAddress!, lowerWeight: wL.baseAddress!,
                    upperSlope: aU.baseAddress!, upperIntercept: bU.baseAddress!, upperWeight: wU.baseAddress!,
                    count: kernelWidth)
                constants[r] = Self.combine(constants[r], beta: beta, q: q, bound: bound, extra: underflow)
                if identities > 0 {
                    (nxt + r * n + kernelWidth).update(from: cur + r * n + kernelWidth, count: identities)
                }
            }
        }}}}}}
    }

    /// `RD(RD(c + beta) - RU(gamma_k Q + k eta + extra))` with `Q = absoluteSumUp(q)` and
    /// `k = bound.terms` (``DotErrorBound``); NaN becomes `-infinity`.
    @inline(__always)
    static func combine(_ c: Double, beta: Double, q: Double, bound: DotErrorBound, extra: Double) -> Double {
        let error = DirectedRounding.addUp(bound.error(absolute: q), extra)
        return DirectedRounding.saneLower(DirectedRounding.addDown(DirectedRounding.addDown(c, beta), -error))
    }
}
