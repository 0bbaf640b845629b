import Network

/// One affine layer as the slope and multiplier ascent sees it
/// (``PhaseSplitNodeBounds/optimisedHints(rows:specification:box:phases:start:sharedMultipliers:ascent:iterations:expired:)``):
/// the dense weights restricted to the rows and columns that can matter, packed once per
/// ascent and used by every step's backward and forward pass.
///
/// An activation unit whose lower and upper lines are both `0·z + 0`, with no free line and
/// no split multiplier (a ReLU stably or split inactive, for instance), is a *dead* unit: its
/// output is 0 on every line the passes can choose, so the affine row that feeds it never
/// reaches a bound or a gradient, and the column it feeds adds `W[r, c] · 0`. The packed
/// layer keeps the rows whose next unit is not dead and the columns whose previous unit is
/// not dead; deep in a branch and bound tree most units are fixed, so most of a layer drops
/// out of every step. The values it returns for kept rows and columns are the full layer's
/// (up to the summation order, which a hint may change); those of dropped rows and columns
/// mean nothing (0 in a packed layer, the whole layer's values in one used whole), since dead
/// units multiply them by 0.
struct HintAffineLayer {
    let affine: AffineLayer
    /// Kept output units (rows) and input units (columns), ascending; nil when the layer is
    /// used whole (a diagonal scale, or nothing to drop).
    let rows: [Int]?
    let columns: [Int]?
    /// `W[rows, columns]`, row-major.
    let packed: [Double]
    let packedBias: [Double]

    /// The layer with the rows in `keepRow` (nil: all) and the columns in `keepColumn`
    /// (nil: all).
    init(_ affine: AffineLayer, keepRow: [Bool]?, keepColumn: [Bool]?) {
        self.affine = affine
        let rows = keepRow.map { keep in keep.indices.filter { keep[$0] } }
        let columns = keepColumn.map { keep in keep.indices.filter { keep[$0] } }
        guard affine.diagonalScale == nil, !affine.weights.isEmpty,
              (rows?.count ?? affine.outputSize) < affine.outputSize || (columns?.count ?? affine.inputSize) < affine.inputSize else {
            self.rows = nil; self.columns = nil; packed = []; packedBias = []
            return
        }
        let keptRows = rows ?? Array(0..<affine.outputSize), keptColumns = columns ?? Array(0..<affine.inputSize)
        let m = affine.inputSize
        var packed = [Double](repeating: 0, count: keptRows.count * keptColumns.count)
        affine.weights.withUnsafeBufferPointer { w in
            packed.withUnsafeMutableBufferPointer { p in
                var target = 0
                for r in keptRows {
                    let row = w.baseAddress! + r * m
                    for c in keptColumns { p[target] = row[c]; target += 1 }
                }
            }
        }
        self.rows = keptRows
        self.columns = keptColumns
        self.packed = packed
        packedBias = keptRows.map { affine.bias[$0] }
    }

    /// `λ · b` and `λ^T W` for the multipliers `lambda` on the layer's outputs, in plain
    /// floating point (kept columns; see the type for dropped ones). `lambda` must be 0 on
    /// dropped rows (their units are dead, so the backward pass multiplied them by 0).
    func backward(_ lambda: [Double]) -> (biasTerm: Double, lambda: [Double]) {
        guard let rows, let columns else {
            var term = 0.0
            for i in 0..<lambda.count { term += lambda[i] * affine.bias[i] }
            return (term, PhaseSplitNodeBounds.transposedProduct(affine, lambda))
        }
        let kept = rows.map { lambda[$0] }
        var term = 0.0
        for i in kept.indices { term += kept[i] * packedBias[i] }
        var product = [Double](repeating: 0, count: columns.count)
        packed.withUnsafeBufferPointer { w in
            kept.withUnsafeBufferPointer { x in
                product.withUnsafeMutableBufferPointer { y in
                    DenseProduct.multiply(rows: rows.count, columns: columns.count, a: w.baseAddress!, lda: columns.count,
                                          transposeA: true, x: x.baseAddress!, y: y.baseAddress!)
                }
            }
        }
        var out = [Double](repeating: 0, count: affine.inputSize)
        for (index, c) in columns.enumerated() { out[c] = product[index] }
        return (term, out)
    }

    /// `W x + b` in plain floating point on the kept rows (see the type for dropped ones)
    /// for an `x` that is 0 on dropped columns (the outputs of dead units).
    func forward(_ x: [Double]) -> [Double] {
        guard let rows, let columns else { return Self.wholeProduct(affine, x) }
        let gathered = columns.map { x[$0] }
        var product = packedBias
        packed.withUnsafeBufferPointer { w in
            gathered.withUnsafeBufferPointer { x in
                product.withUnsafeMutableBufferPointer { y in
                    DenseProduct.multiply(rows: rows.count, columns: columns.count, a: w.baseAddress!, lda: columns.count,
                                          x: x.baseAddress!, y: y.baseAddress!, accumulate: true)
                }
            }
        }
        var out = [Double](repeating: 0, count: affine.outputSize)
        for (index, r) in rows.enumerated() { out[r] = product[index] }
        return out
    }

    /// `W x + b` of the whole layer (one BLAS matrix-vector product: a hint needs no
    /// particular summation order).
    private static func wholeProduct(_ affine: AffineLayer, _ x: [Double]) -> [Double] {
        if let scale = affine.diagonalScale { return (0..<x.count).map { scale[$0] * x[$0] + affine.bias[$0] } }
        guard !affine.weights.isEmpty else { return affine.bias }
        var y = affine.bias
        affine.weights.withUnsafeBufferPointer { w in
            x.withUnsafeBufferPointer { x in
                y.withUnsafeMutableBufferPointer { y in
                    DenseProduct.multiply(rows: affine.outputSize, columns: affine.inputSize, a: w.baseAddress!, lda: affine.inputSize,
                                          x: x.baseAddress!, y: y.baseAddress!, accumulate: true)
                }
            }
        }
        return y
    }
}
