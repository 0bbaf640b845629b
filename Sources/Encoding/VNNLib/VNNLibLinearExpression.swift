// Linear terms while they are being read: sparse coefficients and a constant.

/// `Σ inputs[i]·X_i + Σ outputs[j]·Y_j + constant`, with no zero coefficient stored.
/// Arithmetic is in `Double`, rounded to nearest; overflow shows up as a non-finite value,
/// which the reader turns into an error when the atom is built.
struct _VNNLibLinearExpression: Sendable {
    var inputs: [Int: Double] = [:]
    var outputs: [Int: Double] = [:]
    var constant: Double = 0

    init(constant: Double) { self.constant = constant }

    init(input index: Int) { inputs[index] = 1 }

    init(output index: Int) { outputs[index] = 1 }

    /// Whether no variable appears.
    var isConstant: Bool { inputs.isEmpty && outputs.isEmpty }

    /// Whether every coefficient and the constant are finite.
    var isFinite: Bool {
        constant.isFinite && inputs.values.allSatisfy(\.isFinite) && outputs.values.allSatisfy(\.isFinite)
    }

    /// The first variable, in `X` then `Y` order, for error messages.
    var someVariableName: String? {
        if let i = inputs.keys.min() { return "X_\(i)" }
        if let j = outputs.keys.min() { return "Y_\(j)" }
        return nil
    }

    /// `self + factor · other`.
    mutating func add(_ other: _VNNLibLinearExpression, times factor: Double = 1) {
        for (i, a) in other.inputs { Self.accumulate(&inputs, i, factor * a) }
        for (j, b) in other.outputs { Self.accumulate(&outputs, j, factor * b) }
        constant += factor * other.constant
    }

    /// `factor · self`.
    func scaled(by factor: Double) -> _VNNLibLinearExpression {
        var result = _VNNLibLinearExpression(constant: 0)
        result.add(self, times: factor)
        return result
    }

    private static func accumulate(_ terms: inout [Int: Double], _ index: Int, _ delta: Double) {
        let sum = (terms[index] ?? 0) + delta
        terms[index] = sum == 0 ? nil : sum
    }
}
