import Foundation

/// The float32 forward pass on a batch, as a float32 runtime computes it: the input and every
/// weight, bias and activation constant rounded to the nearest `Float` (exact for float32 ONNX
/// files), weights whose nearest `Float` is subnormal replaced by zero as a runtime that treats
/// subnormals as zero does (``ForwardScalar/flushedWeight(_:)``: a subnormal operand costs a
/// microcode assist per product on x86), each affine layer one single-precision BLAS product (``DenseProduct``, summed in
/// BLAS's order with fused multiply-adds), element-wise layers as in
/// ``evaluateFloat32(_:)``. The single-input ``evaluateFloat32(_:)`` stays the reference that
/// confirms counterexamples (index-order sums); a batch may differ from it in the last bits.
extension NeuralNetwork {
    /// The float32 outputs of `count` inputs stored row-major in `batch` (`count x inputSize`),
    /// row-major (`count x outputSize`).
    public func evaluateFloat32(batch: [Double], count: Int) -> [Float] {
        Float32BatchPass(self).evaluate(batch: batch, count: count)
    }

    /// `Y = X Wᵀ + b` in `Float` on BLAS: `X` is `count x inputSize`, `W` is
    /// `bias.count x inputSize`, both row-major; the bias is the last term of each sum.
    static func affineFloat32(weights: [Float], bias: [Float], inputSize m: Int, batch: [Float], count: Int) -> [Float] {
        let n = bias.count
        var out = [Float](repeating: 0, count: count * n)
        guard count > 0, n > 0 else { return out }
        for sample in 0..<count { out.replaceSubrange((sample * n)..<((sample + 1) * n), with: bias) }
        guard m > 0 else { return out }
        batch.withUnsafeBufferPointer { x in
            weights.withUnsafeBufferPointer { w in
                out.withUnsafeMutableBufferPointer { y in
                    DenseProduct.multiply(m: count, n: n, k: m, a: x.baseAddress!, lda: m,
                                          b: w.baseAddress!, ldb: m, transposeB: true, c: y.baseAddress!, ldc: n, accumulate: true)
                }
            }
        }
        return out
    }
}

extension Layer {
    /// Applies an element-wise layer in `Float` to `values`, rows of `width` units: the
    /// constants rounded to the nearest `Float`, a ``EnclosedScale`` with divisors divides by
    /// them (as a runtime computes a `Div`), other scales multiply.
    func applyFloat32(_ values: inout [Float], width: Int) {
        switch self {
        case .affine:
            preconditionFailure("affine layers are not element-wise")
        case .enclosedScale(let scale):
            if let divisors = scale.divisors {
                let factors = divisors.map { Float($0) }
                for index in values.indices { values[index] /= factors[index % width] }
            } else {
                let factors = scale.nearest.map { Float($0) }
                for index in values.indices { values[index] = factors[index % width] * values[index] }
            }
        case .relu:
            for index in values.indices { values[index] = values[index] > 0 ? values[index] : 0 }
        case .leakyRelu(let alpha):
            let a = Float(alpha)
            for index in values.indices where !(values[index] >= 0) { values[index] = a * values[index] }
        case .clip(let lower, let upper):
            let low = Float(lower), high = Float(upper)
            for index in values.indices { values[index] = Swift.min(Swift.max(values[index], low), high) }
        case .tanh:
            values.withUnsafeMutableBufferPointer { Float32Tanh.apply($0) }
        case .sigmoid:
            values.withUnsafeMutableBufferPointer { Float32Sigmoid.apply($0) }
        }
    }
}
