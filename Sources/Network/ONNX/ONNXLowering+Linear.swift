/// `Gemm` and `MatMul` with constant weights, lowered to dense ``AffineLayer``s over the
/// flat row-major data.
///
/// When the data has several rows (leading dimensions with product `L > 1`), every row is
/// transformed by the same matrix, so the dense layer is block diagonal `I_L ⊗ W`.
extension ONNXLowering {
    /// `Gemm(A, B, C)`: `Y = alpha * A' * B' + beta * C` with `A` the data of shape `[M, K]`,
    /// `B'` = `B` (`[K, N]`) or `Bᵀ` when `transB = 1` (`B` is `[N, K]`), and `C` optional,
    /// broadcast to `[M, N]`. Row `m` of `Y` is
    /// ```
    /// Y[m, n] = Σ_k (alpha * B'[k, n]) * A[m, k] + beta * C[m, n]
    /// ```
    /// so each row is the affine map with weights `W[n][k] = alpha * B'[k, n]` and bias
    /// `beta * C`. Float32 operands make these products exact in `Double`. When some product
    /// is not a `Double` (double tensors), the function is kept exact by more layers:
    /// ```
    /// y = alpha ⊙ (B' x) + hi + lo        hi = fl(beta C), lo = beta C - hi  (FMA residual)
    /// ```
    /// (`B' x` dense, then the element-wise `alpha ⊙ . + hi`, then `. + lo`; each folds into a
    /// neighbour only where that is exact).
    /// `transA = 1` is rejected (it would transpose the data).
    mutating func applyGemm(_ node: ONNXNodeContext) throws {
        guard node.dataIndex == 0 else {
            throw node.unsupported("data as operand B", supported: "Gemm with the data as operand A and constant B, C")
        }
        guard try node.int("transA", default: 0) == 0 else {
            throw node.unsupported("transA=1", supported: "Gemm with transA=0")
        }
        let transB = try node.int("transB", default: 0) != 0
        let alpha = try node.float("alpha", default: 1)!
        let beta = try node.float("beta", default: 1)!
        guard shape.count == 2 else {
            throw node.invalid("expects 2-D data but the data has shape \(shape)", fix: "insert a Flatten before Gemm")
        }
        let (rows, k) = (shape[0], shape[1])
        let b = try node.weights(at: 1, role: "weights")
        guard b.shape.count == 2, b.shape[transB ? 1 : 0] == k else {
            throw node.invalid(
                "weights '\(b.name)' have shape \(b.shape) but the data has \(k) features (transB=\(transB ? 1 : 0))",
                fix: ONNXNodeContext.reexport)
        }
        let n = b.shape[transB ? 0 : 1]
        try checkDenseSize(rows: rows * n, columns: rows * k, node)
        var weights = [Double](repeating: 0, count: n * k)
        var scaledExactly = true
        for out in 0..<n {
            for inner in 0..<k {
                let value = transB ? b.values[out * k + inner] : b.values[inner * n + out]
                if alpha == 1 {
                    weights[out * k + inner] = value
                } else if scaledExactly, let product = ExactArithmetic.product(alpha, value) {
                    weights[out * k + inner] = product
                } else {
                    scaledExactly = false
                    weights[out * k + inner] = value
                }
            }
        }
        if !scaledExactly {
            // Some alpha B is not a Double: keep B' and scale by alpha in a layer of its own.
            weights = (0..<(n * k)).map { index in
                let (out, inner) = (index / k, index % k)
                return transB ? b.values[out * k + inner] : b.values[inner * n + out]
            }
        }
        var high = [Double](repeating: 0, count: rows * n)
        var low = high
        if let c = try node.constant(at: 2) {
            try node.requireFinite(c, role: "bias")
            guard let expanded = Self.broadcast(c, to: [rows, n]), expanded.shape == [rows, n] else {
                throw node.invalid("bias '\(c.name)' of shape \(c.shape) does not broadcast to [\(rows), \(n)]",
                                   fix: ONNXNodeContext.reexport)
            }
            for (index, value) in expanded.values.enumerated() {
                guard let (h, l) = Self.splitProduct(beta, value) else {
                    throw node.unsupported("beta * C below 2^-969 or overflowing (beta \(beta), bias entry \(index))",
                                           supported: "Gemm whose beta * C products are normal Doubles (or beta = 1)")
                }
                (high[index], low[index]) = (h, l)
            }
        }
        let zeros = [Double](repeating: 0, count: rows * n)
        try appendBlockDiagonal(blocks: rows, weights: weights, outputs: n, inputs: k,
                                bias: scaledExactly ? high : zeros, node)
        if !scaledExactly { pieces.appendDiagonal(scale: [Double](repeating: alpha, count: rows * n), shift: high) }
        if low.contains(where: { $0 != 0 }) {
            pieces.appendDiagonal(scale: [Double](repeating: 1, count: rows * n), shift: low)
        }
        shape = [rows, n]
    }

    /// `a * b = high + low` exactly with `high = fl(a b)` and `low` the FMA residual
    /// (Dekker; exact when `|fl(a b)| >= 2^-969`, ``ExactArithmetic/smallestCheckedProduct``),
    /// or `nil` when neither that nor an exact zero product applies.
    static func splitProduct(_ a: Double, _ b: Double) -> (Double, Double)? {
        if let exact = ExactArithmetic.product(a, b) { return (exact, 0) }
        let high = a * b
        guard high.isFinite, high.magnitude >= ExactArithmetic.smallestCheckedProduct else { return nil }
        return (high, (-high).addingProduct(a, b))
    }

    /// `MatMul` with one constant 2-D operand `W`:
    /// ```
    /// data · W  (W: [K, N], data [..., K])     y[l, n]    = Σ_k W[k, n] x[l, k]
    /// W · data  (W: [M, K], data [K] or [..., K, N])
    ///                                           y[l, m, j] = Σ_k W[m, k] x[l, k, j]
    /// ```
    /// The second form is what some exporters write for `y = W x` on a column vector.
    mutating func applyMatMul(_ node: ONNXNodeContext) throws {
        let dataFirst = node.dataIndex == 0
        let w = try node.weights(at: dataFirst ? 1 : 0, role: "weights")
        guard w.shape.count == 2 else {
            throw node.unsupported("constant of rank \(w.shape.count)", supported: "MatMul with a 2-D constant")
        }
        guard !shape.isEmpty else {
            throw node.invalid("expects at least 1-D data", fix: ONNXNodeContext.reexport)
        }
        if dataFirst {
            let (k, n) = (w.shape[0], w.shape[1])
            guard shape.last == k else {
                throw node.invalid("weights '\(w.name)' have shape \(w.shape) but the data has shape \(shape)",
                                   fix: ONNXNodeContext.reexport)
            }
            let rows = size / k
            try checkDenseSize(rows: rows * n, columns: size, node)
            var weights = [Double](repeating: 0, count: n * k)
            for out in 0..<n {
                for inner in 0..<k { weights[out * k + inner] = w.values[inner * n + out] }
            }
            try appendBlockDiagonal(
                blocks: rows, weights: weights, outputs: n, inputs: k,
                bias: [Double](repeating: 0, count: rows * n), node)
            shape[shape.count - 1] = n
        } else {
            let (m, k) = (w.shape[0], w.shape[1])
            let vector = shape.count == 1
            let kData = vector ? shape[0] : shape[shape.count - 2]
            guard kData == k else {
                throw node.invalid("weights '\(w.name)' have shape \(w.shape) but the data has shape \(shape)",
                                   fix: ONNXNodeContext.reexport)
            }
            let columns = vector ? 1 : shape[shape.count - 1]
            let blocks = size / (k * columns)
            try checkDenseSize(rows: blocks * m * columns, columns: size, node)
            // One block maps x[k, j] (index k * columns + j) to y[m, j] (index m * columns + j).
            var weights = [Double](repeating: 0, count: m * columns * k * columns)
            let blockInputs = k * columns
            for row in 0..<m {
                for inner in 0..<k {
                    for j in 0..<columns {
                        weights[(row * columns + j) * blockInputs + inner * columns + j] = w.values[row * k + inner]
                    }
                }
            }
            try appendBlockDiagonal(
                blocks: blocks, weights: weights, outputs: m * columns, inputs: blockInputs,
                bias: [Double](repeating: 0, count: blocks * m * columns), node)
            if vector { shape = [m] } else { shape[shape.count - 2] = m }
        }
    }

    /// Appends `I_blocks ⊗ W` (W: `outputs x inputs`, row-major) with the given bias.
    mutating func appendBlockDiagonal(
        blocks: Int, weights: [Double], outputs: Int, inputs: Int, bias: [Double], _ node: ONNXNodeContext
    ) throws {
        guard blocks > 1 else {
            pieces.appendDense(AffineLayer(inputSize: inputs, outputSize: outputs, weights: weights, bias: bias))
            return
        }
        try checkDenseSize(rows: blocks * outputs, columns: blocks * inputs, node)
        let columns = blocks * inputs
        var full = [Double](repeating: 0, count: blocks * outputs * columns)
        for block in 0..<blocks {
            for row in 0..<outputs {
                let target = (block * outputs + row) * columns + block * inputs
                for column in 0..<inputs { full[target + column] = weights[row * inputs + column] }
            }
        }
        pieces.appendDense(AffineLayer(inputSize: columns, outputSize: blocks * outputs, weights: full, bias: bias))
    }

    /// Numpy (unidirectional) broadcasting of a constant to `shape`: the constant's shape,
    /// right-aligned, must have each dimension 1 or equal to the data's; extra leading
    /// dimensions of the constant must be 1 (they are prepended to the result's shape).
    /// Returns the expanded row-major values and the result shape, or `nil` when the constant
    /// does not broadcast without enlarging the data.
    static func broadcast(_ constant: ONNXConstant, to shape: [Int]) -> (values: [Double], shape: [Int])? {
        let rank = max(shape.count, constant.shape.count)
        let data = [Int](repeating: 1, count: rank - shape.count) + shape
        let dims = [Int](repeating: 1, count: rank - constant.shape.count) + constant.shape
        for axis in 0..<rank where dims[axis] != 1 && dims[axis] != data[axis] { return nil }
        // Strides of the constant, 0 along broadcast axes.
        var strides = [Int](repeating: 0, count: rank)
        var step = 1
        for axis in stride(from: rank - 1, through: 0, by: -1) {
            strides[axis] = dims[axis] == 1 ? 0 : step
            step *= dims[axis]
        }
        let count = data.reduce(1, *)
        if constant.values.count == count && strides.allSatisfy({ $0 != 0 }) || count == 0 {
            return (constant.values, data)
        }
        var values = [Double](repeating: 0, count: count)
        var index = [Int](repeating: 0, count: rank)
        var source = 0
        for flat in 0..<count {
            values[flat] = constant.values[source]
            var axis = rank - 1
            while axis >= 0 {
                index[axis] += 1
                source += strides[axis]
                if index[axis] < data[axis] { break }
                source -= strides[axis] * index[axis]
                index[axis] = 0
                axis -= 1
            }
        }
        return (values, data)
    }
}
