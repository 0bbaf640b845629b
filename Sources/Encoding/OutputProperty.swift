/// A linear condition `coefficients · y + constant <= 0` on a network's outputs `y`.
public struct OutputAtom: Sendable, Equatable, Hashable {
    public var coefficients: [Double]
    public var constant: Double

    public init(coefficients: [Double], constant: Double) {
        self.coefficients = coefficients
        self.constant = constant
    }

    /// `coefficients · y + constant`, evaluated left to right in `Double`.
    public func value(_ outputs: [Double]) -> Double {
        precondition(outputs.count == coefficients.count)
        var sum = 0.0
        for (a, y) in zip(coefficients, outputs) { sum += a * y }
        return sum + constant
    }

    /// Whether the condition holds at `outputs` in floating point (`value <= 0`; a tie
    /// counts as satisfied, as VNN-LIB's `<=`/`>=` are non-strict).
    public func holds(_ outputs: [Double]) -> Bool { value(outputs) <= 0 }
}

/// The UNSAFE set of a property over the outputs, in disjunctive normal form: the property
/// is violated at `x` iff some disjunct has all its atoms satisfied by `y = f(x)`.
///
/// This is VNN-LIB's convention (the file describes what must not happen). Local robustness
/// of class `c` is the unsafe set `OR_{j != c} (y_c - y_j <= 0)`: a tie between the true class
/// and another class counts as a misclassification, which is the conservative choice for a
/// ROBUST claim (a robust verdict then means `y_c > y_j` strictly for every `j`).
public struct OutputProperty: Sendable, Equatable {
    public var outputCount: Int
    public var disjuncts: [[OutputAtom]]

    public init(outputCount: Int, disjuncts: [[OutputAtom]]) {
        precondition(disjuncts.allSatisfy { $0.allSatisfy { $0.coefficients.count == outputCount } })
        self.outputCount = outputCount
        self.disjuncts = disjuncts
    }

    /// The unsafe set of local robustness for `trueClass`: some other class scores at least
    /// as high, `y_c - y_j <= 0` for some `j != c`.
    public static func misclassification(outputCount: Int, trueClass: Int) -> OutputProperty {
        precondition(trueClass >= 0 && trueClass < outputCount)
        let disjuncts = (0..<outputCount).filter { $0 != trueClass }.map { other -> [OutputAtom] in
            var coefficients = [Double](repeating: 0, count: outputCount)
            coefficients[trueClass] = 1
            coefficients[other] = -1
            return [OutputAtom(coefficients: coefficients, constant: 0)]
        }
        return OutputProperty(outputCount: outputCount, disjuncts: disjuncts)
    }

    /// Index of the first disjunct fully satisfied by `outputs`, if any.
    public func violatedDisjunct(_ outputs: [Double]) -> Int? {
        disjuncts.firstIndex { atoms in atoms.allSatisfy { $0.holds(outputs) } }
    }

    /// How far `outputs` are from the unsafe set: `min over disjuncts of max over atoms of
    /// value`. Non-positive exactly when some disjunct holds; an attack minimises it.
    public func violationScore(_ outputs: [Double]) -> Double {
        disjuncts.map { atoms in atoms.map { $0.value(outputs) }.max() ?? -.infinity }.min() ?? .infinity
    }
}
