// Linear terms while they are being read: sparse exact coefficients and an exact constant.

/// `Σ inputs[i]·X_i + Σ outputs[j]·Y_j + constant`, with no zero coefficient stored.
///
/// Arithmetic is exact (``ExactRational``): `(+ X_0 0.1 0.1 0.1)` has the constant `3/10`,
/// not the `Double` sum `0.30000000000000004`. Numbers only grow through products of
/// numerals, so ``isWithinLimits`` (at most ``maxBits`` bits in every numerator and
/// denominator) bounds time and memory; the reader turns a violation into
/// ``VNNLibError/arithmeticOverflow(file:location:)``.
struct _VNNLibLinearExpression: Sendable {
    var inputs: [Int: ExactRational] = [:]
    var outputs: [Int: ExactRational] = [:]
    var constant: ExactRational = .zero

    /// Bound on the bits of every numerator and denominator (a `Double` needs at most 1,075;
    /// a numeral at most about 4,000).
    static let maxBits = 16_384

    init(constant: ExactRational) { self.constant = constant }

    init(input index: Int) { inputs[index] = .one }

    init(output index: Int) { outputs[index] = .one }

    /// Whether no variable appears.
    var isConstant: Bool { inputs.isEmpty && outputs.isEmpty }

    /// Whether every number stays within ``maxBits``.
    var isWithinLimits: Bool {
        constant.bitWidth <= Self.maxBits && inputs.values.allSatisfy { $0.bitWidth <= Self.maxBits }
            && outputs.values.allSatisfy { $0.bitWidth <= Self.maxBits }
    }

    /// Whether every coefficient and the constant lie within the finite range of `Double`
    /// (their nearest `Double`s are finite), so that rounding them outward bounds something.
    var isInDoubleRange: Bool {
        constant.nearestDouble.isFinite && inputs.values.allSatisfy { $0.nearestDouble.isFinite }
            && outputs.values.allSatisfy { $0.nearestDouble.isFinite }
    }

    /// The first variable, in `X` then `Y` order, for error messages.
    var someVariableName: String? {
        if let i = inputs.keys.min() { return "X_\(i)" }
        if let j = outputs.keys.min() { return "Y_\(j)" }
        return nil
    }

    /// `self + factor · other`, exactly.
    mutating func add(_ other: _VNNLibLinearExpression, times factor: ExactRational = .one) {
        for (i, a) in other.inputs { Self.accumulate(&inputs, i, factor * a) }
        for (j, b) in other.outputs { Self.accumulate(&outputs, j, factor * b) }
        constant = constant + factor * other.constant
    }

    /// `factor · self`, exactly.
    func scaled(by factor: ExactRational) -> _VNNLibLinearExpression {
        var result = _VNNLibLinearExpression(constant: .zero)
        result.add(self, times: factor)
        return result
    }

    private static func accumulate(_ terms: inout [Int: ExactRational], _ index: Int, _ delta: ExactRational) {
        let sum = (terms[index] ?? .zero) + delta
        terms[index] = sum.isZero ? nil : sum
    }
}
