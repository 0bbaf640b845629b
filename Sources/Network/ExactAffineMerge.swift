// Exact merging of affine maps.
//
// Reference: T. J. Dekker, "A floating-point technique for extending the available
// precision", 1971 (exact product residual, here with a fused multiply-add), and D. E. Knuth,
// TAOCP vol. 2, 4.2.2 (TwoSum); S. Boldo and J.-M. Muller, "Exact and approximated error of
// the FMA", IEEE TC 2011 (when the product residual is representable).

/// Double operations that succeed only when their result is the exact real result.
///
/// A merged weight is a sum of products of the files' weights. If every product and every
/// partial sum is exact, the computed Double IS the exact real value, so the merged layer is
/// the same function in exact arithmetic. The checks are conservative: `nil` means "not shown
/// exact" (a product in the underflow range is never claimed exact), which only keeps two
/// layers apart, never changes a function.
enum ExactArithmetic {
    /// Products whose rounded magnitude is at least this are tested with the FMA residual.
    /// The residual `a b - fl(a b)` is representable when the exponents satisfy
    /// `e_a + e_b >= emin + p - 1 = -1022 + 52` (Boldo and Muller); `|fl(a b)| >= 2^-969`
    /// implies that, so `fma(a, b, -fl(a b)) == 0` exactly when the product is exact.
    static let smallestCheckedProduct: Double = 0x1p-969

    /// `a * b` when it is exact, else `nil`.
    ///
    /// Edge cases: a zero factor gives an exact (signed) zero; a product below
    /// ``smallestCheckedProduct`` or not finite gives `nil`.
    @inline(__always)
    static func product(_ a: Double, _ b: Double) -> Double? {
        let p = a * b
        if a == 0 || b == 0 { return a.isFinite && b.isFinite ? p : nil }
        guard p.isFinite, p.magnitude >= smallestCheckedProduct, (-p).addingProduct(a, b) == 0 else { return nil }
        return p
    }

    /// `a + b` when it is exact, else `nil`.
    ///
    /// TwoSum: with `s = fl(a + b)`, `b' = s - a`, the error
    /// `(a - (s - b')) + (b - b')` equals `a + b - s` exactly in round-to-nearest (any
    /// magnitudes; a sum in the subnormal range is always exact). Overflow gives `nil`.
    @inline(__always)
    static func sum(_ a: Double, _ b: Double) -> Double? {
        let s = a + b
        guard s.isFinite else { return nil }
        let bVirtual = s - a
        let error = (a - (s - bVirtual)) + (b - bVirtual)
        return error == 0 ? s : nil
    }

    /// `a * b + c` when the product and the sum are both exact, else `nil`.
    @inline(__always)
    static func productSum(_ a: Double, _ b: Double, _ c: Double) -> Double? {
        guard let p = product(a, b) else { return nil }
        return sum(c, p)
    }
}

extension AffineLayer {
    /// The composition `self ∘ inner`, `x -> W (V x + c) + b` with weights `W V` and bias
    /// `W c + b`, when every entry is exactly representable and was computed exactly;
    /// `nil` otherwise (the caller then keeps both layers).
    ///
    /// ```
    /// (W V)_ij = Σ_p W_ip V_pj          (W c + b)_i = Σ_p W_ip c_p + b_i
    /// ```
    /// Each product and each partial sum goes through ``ExactArithmetic``; a single inexact
    /// step rejects the merge, so the returned layer is the same map in exact real arithmetic.
    /// Element-wise layers (``diagonalScale``) take the short forms `W diag(s)` (columns
    /// scaled) and `diag(s) V` (rows scaled); zero weights contribute nothing and are skipped.
    public func exactlyComposed(after inner: AffineLayer) -> AffineLayer? {
        precondition(inner.outputSize == inputSize, "composed affine layers must chain")
        if let scale = inner.diagonalScale { return exactlyScalingColumns(scale, shift: inner.bias) }
        if let scale = diagonalScale { return inner.exactlyScalingRows(scale, shift: bias) }
        let n = outputSize, k = inputSize, m = inner.inputSize
        var weights = [Double](repeating: 0, count: n * m)
        var bias = self.bias
        for i in 0..<n {
            for p in 0..<k {
                let a = self.weights[i * k + p]
                if a == 0 { continue }
                for j in 0..<m {
                    let v = inner.weights[p * m + j]
                    if v == 0 { continue }
                    guard let entry = ExactArithmetic.productSum(a, v, weights[i * m + j]) else { return nil }
                    weights[i * m + j] = entry
                }
                if inner.bias[p] == 0 { continue }
                guard let entry = ExactArithmetic.productSum(a, inner.bias[p], bias[i]) else { return nil }
                bias[i] = entry
            }
        }
        return AffineLayer(inputSize: m, outputSize: n, weights: weights, bias: bias)
    }

    /// `x -> W (s ⊙ x + t) + b`: weights `W diag(s)` (column `j` times `s_j`), bias
    /// `W t + b`, when every entry is exact; else `nil`.
    public func exactlyScalingColumns(_ scale: [Double], shift: [Double]) -> AffineLayer? {
        precondition(scale.count == inputSize && shift.count == inputSize)
        let n = outputSize, m = inputSize
        var weights = self.weights
        var bias = self.bias
        for i in 0..<n {
            for j in 0..<m where scale[j] != 1 {
                guard let entry = ExactArithmetic.product(weights[i * m + j], scale[j]) else { return nil }
                weights[i * m + j] = entry
            }
            for j in 0..<m where shift[j] != 0 && self.weights[i * m + j] != 0 {
                guard let entry = ExactArithmetic.productSum(self.weights[i * m + j], shift[j], bias[i]) else { return nil }
                bias[i] = entry
            }
        }
        return AffineLayer(inputSize: m, outputSize: n, weights: weights, bias: bias)
    }

    /// `x -> s ⊙ (W x + b) + t`: weights `diag(s) W` (row `i` times `s_i`), bias
    /// `s ⊙ b + t`, when every entry is exact; else `nil`.
    public func exactlyScalingRows(_ scale: [Double], shift: [Double]) -> AffineLayer? {
        precondition(scale.count == outputSize && shift.count == outputSize)
        let n = outputSize, m = inputSize
        var weights = self.weights
        var bias = self.bias
        for i in 0..<n {
            guard let b = ExactArithmetic.productSum(scale[i], bias[i], shift[i]) else { return nil }
            bias[i] = b
            if scale[i] == 1 { continue }
            for j in 0..<m {
                guard let entry = ExactArithmetic.product(weights[i * m + j], scale[i]) else { return nil }
                weights[i * m + j] = entry
            }
        }
        return AffineLayer(inputSize: m, outputSize: n, weights: weights, bias: bias)
    }
}
