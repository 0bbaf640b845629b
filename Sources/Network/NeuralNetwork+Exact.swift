/// The network in exact real arithmetic: what every verdict is about.
///
/// The weights are the `Double`s of the loaded network, taken as the exact rationals they
/// denote; the input is a `Double` vector, also exact. For a piecewise-linear network every
/// intermediate value is then a dyadic rational, computed here without rounding
/// (``ExactDyadic``). The cost grows with the bit length of the values (a few hundred bits
/// after a few layers), so callers first try the float pass with a sound error bound
/// (``enclosure(_:)``) and fall back to this pass only when the bound does not decide.
extension NeuralNetwork {
    /// The exact outputs at `input`, or nil when the network has a tanh or sigmoid layer
    /// (their values at a rational point are not rational), an ``EnclosedScale`` (`1/c` is
    /// not dyadic; callers use the rational enclosure of the `Encoding` module), or an input
    /// is not finite.
    /// - Precondition: `input.count == inputSize`.
    public func evaluateExactly(_ input: [Double]) -> [ExactDyadic]? {
        precondition(input.count == inputSize, "input has \(input.count) entries, network takes \(inputSize)")
        guard isPiecewiseLinear, !hasEnclosedScale, input.allSatisfy(\.isFinite) else { return nil }
        var current = input.map(ExactDyadic.init)
        for layer in layers {
            switch layer {
            case .affine(let affine):
                let m = affine.inputSize
                current = (0..<affine.outputSize).map { row in
                    var sum = ExactDyadic(affine.bias[row])
                    for j in 0..<m where !current[j].isZero {
                        let w = affine.weights[row * m + j]
                        if w != 0 { sum = sum + ExactDyadic(w) * current[j] }
                    }
                    return sum
                }
            case .relu:
                current = current.map { $0.signum > 0 ? $0 : .zero }
            case .leakyRelu(let alpha):
                let a = ExactDyadic(alpha)
                current = current.map { $0.signum >= 0 ? $0 : a * $0 }
            case .clip(let lower, let upper):
                // min(max(x, lower), upper), as `Layer.apply` and ONNX: a clip
                // with lower > upper is the constant `upper`.
                current = current.map { value in
                    let raised = lower.isFinite && value < ExactDyadic(lower) ? ExactDyadic(lower) : value
                    return upper.isFinite && ExactDyadic(upper) < raised ? ExactDyadic(upper) : raised
                }
            case .tanh, .sigmoid:
                preconditionFailure("not piecewise linear")
            case .enclosedScale:
                preconditionFailure("enclosed scales have no dyadic value")
            }
        }
        return current
    }

    /// Whether some layer is an ``EnclosedScale`` (a factor of the file with no exact `Double`).
    public var hasEnclosedScale: Bool {
        layers.contains { if case .enclosedScale = $0 { return true } else { return false } }
    }

    /// The classification of `input` in exact real arithmetic (see
    /// ``CheckedClassification/init(enclosure:exact:)``).
    public func checkedClassification(_ input: [Double]) -> CheckedClassification {
        CheckedClassification(enclosure: enclosure(input), exact: { evaluateExactly(input) })
    }
}

extension CheckedClassification {
    /// Decided by the float pass when its sound error bound separates the top output from
    /// every other (``CheckEvidence/errorBound``), otherwise by the exact outputs `exact()`
    /// (called at most once); `.undecided` when `exact()` is nil (tanh/sigmoid networks).
    public init(enclosure: PointEnclosure, exact: () -> [ExactDyadic]?) {
        let float = Classification(scores: enclosure.values)
        if case .class(let c) = float,
           enclosure.values.indices.allSatisfy({ $0 == c || enclosure.differenceLowerBound(c, $0) > 0 }) {
            self = .decided(.class(c), .errorBound)
        } else if let outputs = exact() {
            self = .decided(Classification(scores: outputs), .exactArithmetic)
        } else {
            self = .undecided(float: float)
        }
    }
}
