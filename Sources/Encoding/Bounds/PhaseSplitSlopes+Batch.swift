import Network

extension PhaseSplitNodeBounds {
    /// From this many rows without split multipliers on, the ascent's passes run on all rows
    /// at once (``accumulate(batch:specification:slopes:free:affineLayers:box:gradient:)``):
    /// the root's nine margins keep their one-row passes, the many rows of
    /// ``IntermediateTightening`` get matrix products.
    static let batchedAscentRows = 16

    /// The sum over `rows` of the float lower bounds of the specification rows with `slopes`
    /// on the `free` lines, adding `∂/∂α` of the sum to `gradient`: the one-row pass of
    /// ``optimisedHints(rows:specification:box:phases:start:sharedMultipliers:ascent:iterations:expired:)``
    /// without split multipliers, for every row at once. The multipliers of all rows form one
    /// row-major matrix that each affine layer multiplies in one BLAS product (backward), and
    /// the rows' minimisers form another (forward). The value and gradient are the one-row
    /// passes' summed, up to the summation order.
    func accumulate(batch rows: [Int], specification: LinearSpecification, slopes: [Int: [Double]],
                    free: [Int: [LinearRelaxation.FreeLine?]], affineLayers: [Int: HintAffineLayer], box: Box,
                    gradient: inout [Int: [Double]]) -> Double {
        let count = rows.count
        var width = specification.coefficients[rows[0]].count
        var lambda: [Double] = []
        lambda.reserveCapacity(count * width)
        for r in rows { lambda += specification.coefficients[r] }
        var bounds = rows.map { specification.constants[$0] }
        var outputMultipliers = [[Double]](repeating: [], count: layers.count)
        var lineTables = [LineTable?](repeating: nil, count: layers.count)
        for j in stride(from: layers.count - 1, through: 0, by: -1) {
            switch layers[j] {
            case .affine:
                let (terms, product) = affineLayers[j]!.backward(batch: lambda, count: count)
                for r in 0..<count { bounds[r] += terms[r] }
                lambda = product
                width = lambda.count / count
            case .relu, .leakyRelu, .clip, .tanh, .sigmoid, .enclosedScale:
                let table = LineTable(self, layer: j, width: width, slopes: slopes[j], free: free[j])
                lineTables[j] = table
                outputMultipliers[j] = lambda
                for r in 0..<count {
                    for i in 0..<width {
                        let value = lambda[r * width + i]
                        let (a, b) = table.line(i, upper: value < 0)
                        bounds[r] += value * b
                        lambda[r * width + i] = value * a
                    }
                }
            }
        }
        var zhat = [Double](repeating: 0, count: count * width)
        for r in 0..<count {
            for i in 0..<width {
                let value = lambda[r * width + i]
                let z = value > 0 ? box.lower[i] : box.upper[i]
                zhat[r * width + i] = z
                bounds[r] += value * z
            }
        }
        for j in layers.indices {
            switch layers[j] {
            case .affine:
                zhat = affineLayers[j]!.forward(batch: zhat, count: count)
                width = zhat.count / count
            case .relu, .leakyRelu, .clip, .tanh, .sigmoid, .enclosedScale:
                let table = lineTables[j]!, mu = outputMultipliers[j]
                var layerGradient = slopes[j] == nil ? nil : gradient[j]
                for r in 0..<count {
                    for i in 0..<width {
                        let index = r * width + i, m = mu[index]
                        if let line = table.free[i], line.isUpper == (m < 0) { layerGradient![i] += m * (zhat[index] - line.pivot) }
                        let (a, b) = table.line(i, upper: m < 0)
                        zhat[index] = a * zhat[index] + b
                    }
                }
                if let layerGradient { gradient[j] = layerGradient }
            }
        }
        return bounds.reduce(0, +)
    }

    /// One activation layer's lines for a pass: each unit's lower and upper `(slope,
    /// intercept)` (``lines(_:_:_:_:upper:)``), and its free line where it has one with a slope.
    private struct LineTable {
        var lower: [(Double, Double)]
        var upper: [(Double, Double)]
        /// The free line of each unit whose slope is set (not NaN); nil elsewhere.
        var free: [LinearRelaxation.FreeLine?]

        init(_ bounds: PhaseSplitNodeBounds, layer j: Int, width: Int, slopes: [Double]?, free: [LinearRelaxation.FreeLine?]?) {
            let relaxation = bounds.relaxations[j]!
            lower = (0..<width).map { bounds.lines($0, relaxation, slopes, free, upper: false) }
            upper = (0..<width).map { bounds.lines($0, relaxation, slopes, free, upper: true) }
            self.free = (0..<width).map { i in
                guard let row = slopes, !row[i].isNaN else { return nil }
                return free?[i]
            }
        }

        func line(_ i: Int, upper isUpper: Bool) -> (Double, Double) { isUpper ? upper[i] : lower[i] }
    }
}
