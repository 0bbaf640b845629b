import Foundation

/// Float semantics: every network is evaluated in IEEE-754 `Double` (binary64), with the
/// weights exactly as stored (a `float32` ONNX weight is widened exactly to `Double`). One
/// input (``evaluate(_:)``, the reference pass that confirms counterexamples and reports
/// logits) accumulates each sum left to right in index order. A batch of two or more inputs
/// runs each affine layer as one BLAS product (``DenseProduct``), which sums in its own order
/// with fused multiply-adds: its outputs may differ from the single pass in the last bits, and
/// every caller that decides something from a batched value re-checks it on the single pass,
/// the exact pass, or a sound error bound valid for any summation order. Verdicts are not about this pass but about the same
/// weights in exact real arithmetic (``evaluateExactly(_:)``, ``enclosure(_:)``,
/// ``checkedClassification(_:)``); an ``EnclosedScale`` multiplies by its `nearest` factors
/// here. PyTorch and onnxruntime evaluate `float32` models in
/// `float32` (``evaluateFloat32(_:)``), and counterexamples report all three.
extension NeuralNetwork {
    /// Evaluates the network on one flat input vector.
    /// - Precondition: `input.count == inputSize`.
    public func evaluate(_ input: [Double]) -> [Double] {
        precondition(input.count == inputSize, "input has \(input.count) entries, network takes \(inputSize)")
        return evaluate(batch: input, count: 1)
    }

    /// Evaluates the network on `count` inputs stored row-major in `batch`
    /// (`count x inputSize`) and returns the outputs row-major (`count x outputSize`).
    ///
    /// Affine layers run as one matrix product `Y = X Wᵀ + b` on BLAS for `count >= 2`, and as
    /// index-order sums for `count == 1` (an element-wise layer, ``AffineLayer/diagonalScale``,
    /// as `y_i = W_ii x_i + b_i` in both); the only allocations are the two ping-pong buffers.
    /// With `referenceOrder == false` a single input runs on BLAS too (one matrix-vector
    /// product per layer), for callers that only filter or rank points and re-check what they
    /// decide on the reference pass or exactly.
    public func evaluate(batch: [Double], count: Int, referenceOrder: Bool = true) -> [Double] {
        precondition(batch.count == count * inputSize, "batch must be count x inputSize")
        var current = batch
        var next: [Double] = []
        var width = inputSize
        for layer in layers {
            switch layer {
            case .affine(let affine):
                next.removeAll(keepingCapacity: true)
                next.append(contentsOf: repeatElement(0, count: count * affine.outputSize))
                current.withUnsafeBufferPointer { x in
                    next.withUnsafeMutableBufferPointer { y in
                        Self.affineBatch(affine, x: x, y: y, count: count, referenceOrder: referenceOrder)
                    }
                }
                swap(&current, &next)
                width = affine.outputSize
            case .enclosedScale(let scale):
                current.withUnsafeMutableBufferPointer { values in
                    for index in values.indices { values[index] *= scale.nearest[index % width] }
                }
            default:
                current.withUnsafeMutableBufferPointer { values in
                    for index in values.indices { values[index] = layer.apply(values[index]) }
                }
            }
        }
        precondition(current.count == count * width)
        return current
    }

    /// Outputs of every layer for one input (element 0 is the input itself). Used by
    /// gradient computations and by tests that check bounds layer by layer.
    public func activations(_ input: [Double]) -> [[Double]] {
        precondition(input.count == inputSize)
        var values = [input]
        for layer in layers { values.append(layer.apply(values[values.count - 1])) }
        return values
    }

    /// `count` rows of `layer` applied to the row-major `batch` (the kernel of
    /// ``evaluate(batch:count:)``, also used by the error bound of ``PointEnclosure``).
    /// `referenceOrder == false` runs a single row on BLAS too (see
    /// ``batchActivations(_:count:referenceOrder:)``).
    static func affine(_ layer: AffineLayer, batch: [Double], count: Int, referenceOrder: Bool = true) -> [Double] {
        var out = [Double](repeating: 0, count: count * layer.outputSize)
        batch.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBufferPointer { y in affineBatch(layer, x: x, y: y, count: count, referenceOrder: referenceOrder) }
        }
        return out
    }

    private static func affineBatch(
        _ layer: AffineLayer, x: UnsafeBufferPointer<Double>, y: UnsafeMutableBufferPointer<Double>, count: Int,
        referenceOrder: Bool = true
    ) {
        let m = layer.inputSize, n = layer.outputSize
        guard count > 0, n > 0 else { return }
        if let scale = layer.diagonalScale {
            // y_i = W_ii x_i + b_i: the dense sum adds exact zeros to the one product, so this
            // gives the same Doubles (for finite inputs).
            for sample in 0..<count {
                for i in 0..<n { y[sample * n + i] = scale[i] * x[sample * n + i] + layer.bias[i] }
            }
            return
        }
        layer.weights.withUnsafeBufferPointer { w in
            if (count == 1 && referenceOrder) || m == 0 {
                // The reference pass: each sum in index order, then the bias.
                for sample in 0..<count {
                    for unit in 0..<n {
                        var sum = 0.0
                        for j in 0..<m { sum += w[unit * m + j] * x[sample * m + j] }
                        y[sample * n + unit] = sum + layer.bias[unit]
                    }
                }
                return
            }
            // Y = X Wᵀ + b: the bias rows first, then one product that adds to them (for one
            // row `y = W x + b`, a matrix-vector product: the matrix product's small-size
            // kernel reads `W` against its storage order).
            layer.bias.withUnsafeBufferPointer { b in
                for sample in 0..<count { (y.baseAddress! + sample * n).update(from: b.baseAddress!, count: n) }
            }
            if count == 1 {
                DenseProduct.multiply(rows: n, columns: m, a: w.baseAddress!, lda: m, x: x.baseAddress!, y: y.baseAddress!, accumulate: true)
                return
            }
            DenseProduct.multiply(m: count, n: n, k: m, a: x.baseAddress!, lda: m,
                                  b: w.baseAddress!, ldb: m, transposeB: true, c: y.baseAddress!, ldc: n, accumulate: true)
        }
    }
}

extension Layer {
    /// Applies an element-wise layer to one value. Affine layers are not element-wise.
    @inlinable public func apply(_ x: Double) -> Double {
        switch self {
        case .affine: preconditionFailure("affine layers are not element-wise")
        case .enclosedScale: preconditionFailure("an enclosed scale has one factor per unit: apply it to the vector")
        case .relu: return x > 0 ? x : 0
        case .leakyRelu(let alpha): return x >= 0 ? x : alpha * x
        case .clip(let lower, let upper): return Swift.min(Swift.max(x, lower), upper)
        case .tanh: return Float64Tanh.value(x)
        case .sigmoid: return Float64Sigmoid.value(x)
        }
    }

    /// Applies the layer to a whole vector.
    public func apply(_ x: [Double]) -> [Double] {
        switch self {
        case .affine(let affine):
            precondition(x.count == affine.inputSize)
            if let scale = affine.diagonalScale { return (0..<x.count).map { scale[$0] * x[$0] + affine.bias[$0] } }
            var y = affine.bias
            for i in 0..<affine.outputSize {
                var sum = 0.0
                for j in 0..<affine.inputSize { sum += affine.weights[i * affine.inputSize + j] * x[j] }
                y[i] = sum + affine.bias[i]
            }
            return y
        case .enclosedScale(let scale):
            precondition(x.count == scale.count)
            return (0..<x.count).map { scale.nearest[$0] * x[$0] }
        default:
            return x.map { apply($0) }
        }
    }
}

extension Array where Element == Double {
    /// Index of the largest entry; ties go to the lowest index (as `numpy.argmax`).
    /// NaN entries are never chosen unless all entries are NaN. Not the tool's meaning of
    /// "classified as" (a tie is no class: ``Classification``); used only where a class must
    /// be picked, such as the default class of `verify local` for a tanh/sigmoid network.
    public var argmax: Int {
        var best = 0
        for index in indices where self[index] > self[best] || (self[best].isNaN && !self[index].isNaN) {
            best = index
        }
        return best
    }
}
