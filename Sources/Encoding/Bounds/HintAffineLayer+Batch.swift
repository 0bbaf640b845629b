import Network

extension HintAffineLayer {
    /// ``backward(_:)`` for `count` multiplier rows at once: `lambda` holds them row-major
    /// (`count x outputSize`); the result holds `λ_r · b` per row and the rows `λ_r^T W`
    /// (`count x inputSize`), one BLAS matrix product for all rows. The same conventions on
    /// dropped rows and columns as the single-row pass.
    func backward(batch lambda: [Double], count: Int) -> (biasTerms: [Double], lambda: [Double]) {
        let outputs = affine.outputSize, inputs = affine.inputSize
        var terms = [Double](repeating: 0, count: count)
        if let scale = affine.diagonalScale {
            var out = [Double](repeating: 0, count: count * inputs)
            for r in 0..<count {
                for i in 0..<outputs {
                    let value = lambda[r * outputs + i]
                    terms[r] += value * affine.bias[i]
                    out[r * inputs + i] = value * scale[i]
                }
            }
            return (terms, out)
        }
        guard !affine.weights.isEmpty, count > 0 else {
            for r in 0..<count { for i in 0..<outputs { terms[r] += lambda[r * outputs + i] * affine.bias[i] } }
            return (terms, [Double](repeating: 0, count: count * inputs))
        }
        let keptRows = rows?.count ?? outputs, keptColumns = columns?.count ?? inputs
        let gathered = rows.map { kept in Self.gather(lambda, count: count, width: outputs, kept) } ?? lambda
        let weights = rows == nil ? affine.weights : packed, bias = rows == nil ? affine.bias : packedBias
        var product = [Double](repeating: 0, count: count * keptColumns)
        gathered.withUnsafeBufferPointer { g in
            bias.withUnsafeBufferPointer { b in
                terms.withUnsafeMutableBufferPointer { t in
                    DenseProduct.multiply(rows: count, columns: keptRows, a: g.baseAddress!, lda: keptRows,
                                          x: b.baseAddress!, y: t.baseAddress!)
                }
            }
            weights.withUnsafeBufferPointer { w in
                product.withUnsafeMutableBufferPointer { c in
                    DenseProduct.multiply(m: count, n: keptColumns, k: keptRows, a: g.baseAddress!, lda: keptRows,
                                          b: w.baseAddress!, ldb: keptColumns, c: c.baseAddress!, ldc: keptColumns)
                }
            }
        }
        guard let columns else { return (terms, product) }
        var out = [Double](repeating: 0, count: count * inputs)
        Self.scatter(product, count: count, into: &out, width: inputs, columns)
        return (terms, out)
    }

    /// ``forward(_:)`` for `count` input rows at once: `x` row-major (`count x inputSize`),
    /// the result `W x_r + b` per row (`count x outputSize`), one BLAS matrix product.
    func forward(batch x: [Double], count: Int) -> [Double] {
        let outputs = affine.outputSize, inputs = affine.inputSize
        if let scale = affine.diagonalScale {
            var out = [Double](repeating: 0, count: count * outputs)
            for r in 0..<count { for i in 0..<outputs { out[r * outputs + i] = scale[i] * x[r * inputs + i] + affine.bias[i] } }
            return out
        }
        let bias = rows == nil ? affine.bias : packedBias
        let keptRows = bias.count, keptColumns = columns?.count ?? inputs
        var product = [Double](repeating: 0, count: count * keptRows)
        for r in 0..<count { product.replaceSubrange(r * keptRows..<(r + 1) * keptRows, with: bias) }
        if !affine.weights.isEmpty, count > 0 {
            let gathered = columns.map { kept in Self.gather(x, count: count, width: inputs, kept) } ?? x
            let weights = rows == nil ? affine.weights : packed
            gathered.withUnsafeBufferPointer { g in
                weights.withUnsafeBufferPointer { w in
                    product.withUnsafeMutableBufferPointer { c in
                        DenseProduct.multiply(m: count, n: keptRows, k: keptColumns, a: g.baseAddress!, lda: keptColumns,
                                              b: w.baseAddress!, ldb: keptColumns, transposeB: true,
                                              c: c.baseAddress!, ldc: keptRows, accumulate: true)
                    }
                }
            }
        }
        guard let rows else { return product }
        var out = [Double](repeating: 0, count: count * outputs)
        Self.scatter(product, count: count, into: &out, width: outputs, rows)
        return out
    }

    /// The columns `kept` of a row-major `count x width` matrix, packed (`count x kept.count`).
    private static func gather(_ matrix: [Double], count: Int, width: Int, _ kept: [Int]) -> [Double] {
        var packed = [Double](repeating: 0, count: count * kept.count)
        for r in 0..<count {
            let source = r * width, target = r * kept.count
            for (index, c) in kept.enumerated() { packed[target + index] = matrix[source + c] }
        }
        return packed
    }

    /// Writes the packed columns back to `kept` of a row-major `count x width` matrix.
    private static func scatter(_ packed: [Double], count: Int, into matrix: inout [Double], width: Int, _ kept: [Int]) {
        for r in 0..<count {
            let source = r * kept.count, target = r * width
            for (index, c) in kept.enumerated() { matrix[target + c] = packed[source + index] }
        }
    }
}
