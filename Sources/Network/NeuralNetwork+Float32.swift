import Foundation

/// The forward pass in IEEE-754 `Float` (binary32), as a float32 runtime computes it:
/// every weight, bias and activation constant rounded to the nearest `Float` (exact for
/// weights read from float32 ONNX files), the input rounded to the nearest `Float`, every
/// product and sum rounded to `Float`, sums accumulated left to right in index order.
///
/// A runtime may sum in another order (blocked or vectorised GEMM, fused multiply-add), so
/// its float32 outputs can differ from these in the last bits; this pass shows whether
/// float32 rounding alone moves a counterexample across a decision boundary, it does not
/// replay a particular runtime. Weights that are not floats (an exact merge of two float32
/// layers, a `.nnet` or JSON network) are rounded here and the pass is then only indicative.
extension NeuralNetwork {
    /// The float32 outputs at `input` (see the extension's documentation).
    /// - Precondition: `input.count == inputSize`.
    public func evaluateFloat32(_ input: [Double]) -> [Float] {
        precondition(input.count == inputSize, "input has \(input.count) entries, network takes \(inputSize)")
        var current = input.map { Float($0) }
        for layer in layers {
            switch layer {
            case .affine(let affine):
                let m = affine.inputSize
                current = (0..<affine.outputSize).map { row in
                    var sum: Float = 0
                    for j in 0..<m { sum += Float(affine.weights[row * m + j]) * current[j] }
                    return sum + Float(affine.bias[row])
                }
            default:
                layer.applyFloat32(&current, width: current.count)
            }
        }
        return current
    }
}
