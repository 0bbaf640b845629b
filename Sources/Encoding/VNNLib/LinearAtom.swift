// One linear inequality of a VNN-LIB property, in the normal form `... <= 0`.

/// A linear inequality over a network's inputs `X` and outputs `Y`:
///
/// ```
/// Σ_i inputCoefficients[i] · X_i  +  Σ_j outputCoefficients[j] · Y_j  +  constant  <=  0
/// ```
///
/// Coefficients are stored sparsely: a missing index has coefficient zero, and no stored
/// coefficient is zero. In atoms from ``VNNLibParser`` every coefficient and the constant
/// lie within the range of the finite `Double`s (their nearest `Double`s are finite).
///
/// The parser normalises every comparison into this form: `(<= a b)` and `(< a b)` become
/// `a - b <= 0`; `(>= a b)` and `(> a b)` become `b - a <= 0`. Strict comparisons are read
/// as their closure (VNN-COMP's convention: the unsafe set is taken closed, and a verifier
/// that proves the closed set empty has proved the strict one empty).
///
/// Every coefficient and the constant is the EXACT rational the file denotes: numerals are
/// read exactly (`0.1` is `1/10`) and constant arithmetic inside a term (`(* 0.5 (+ 1 X_0))`,
/// `(+ X_0 0.1 0.1 0.1)`, collecting like terms, moving the right-hand side over) is exact.
/// Rounding to `Double` happens only where the property meets the floating-point solver,
/// and then outward (``VNNLibProperty/inputRegions()`` and
/// ``VNNLibProperty/enlargedOutputAtom(_:)``).
///
/// Two atoms are equal when they state the same inequality; ``location`` is not compared.
public struct LinearAtom: Sendable, Hashable, CustomStringConvertible {
    /// Nonzero coefficients of the inputs `X_i`, by index.
    public var inputCoefficients: [Int: ExactRational]
    /// Nonzero coefficients of the outputs `Y_j`, by index.
    public var outputCoefficients: [Int: ExactRational]
    /// The constant term.
    public var constant: ExactRational
    /// Where the comparison that produced this atom starts in the file, if it came from one.
    public var location: VNNLibLocation?

    /// An atom with exact coefficients; zero coefficients are dropped.
    public init(
        exactInputCoefficients: [Int: ExactRational] = [:], exactOutputCoefficients: [Int: ExactRational] = [:],
        exactConstant: ExactRational, location: VNNLibLocation? = nil
    ) {
        self.inputCoefficients = exactInputCoefficients.filter { !$0.value.isZero }
        self.outputCoefficients = exactOutputCoefficients.filter { !$0.value.isZero }
        self.constant = exactConstant
        self.location = location
    }

    /// An atom whose coefficients and constant are the exact values of the given finite
    /// `Double`s; zero coefficients are dropped. - Precondition: every number is finite.
    public init(
        inputCoefficients: [Int: Double] = [:], outputCoefficients: [Int: Double] = [:],
        constant: Double, location: VNNLibLocation? = nil
    ) {
        self.init(
            exactInputCoefficients: inputCoefficients.mapValues { ExactRational($0) },
            exactOutputCoefficients: outputCoefficients.mapValues { ExactRational($0) },
            exactConstant: ExactRational(constant), location: location)
    }

    /// The coefficient of `X_index` (zero when absent).
    public func inputCoefficient(_ index: Int) -> ExactRational { inputCoefficients[index] ?? .zero }

    /// The coefficient of `Y_index` (zero when absent).
    public func outputCoefficient(_ index: Int) -> ExactRational { outputCoefficients[index] ?? .zero }

    /// Whether the atom mentions some input.
    public var involvesInputs: Bool { !inputCoefficients.isEmpty }

    /// Whether the atom mentions some output.
    public var involvesOutputs: Bool { !outputCoefficients.isEmpty }

    /// The left-hand side at the given point, evaluated exactly (the `Double`s are taken as
    /// the rationals they denote). Indices beyond the arrays count as zero.
    /// - Precondition: the values the atom mentions are finite.
    public func value(inputs: [Double], outputs: [Double]) -> ExactRational {
        var sum = constant
        for (index, a) in inputCoefficients where index < inputs.count { sum = sum + a * ExactRational(inputs[index]) }
        for (index, b) in outputCoefficients where index < outputs.count { sum = sum + b * ExactRational(outputs[index]) }
        return sum
    }

    /// Whether `value(inputs:outputs:) <= 0` in exact arithmetic (VNN-LIB's `<=` and `>=`
    /// are non-strict: equality satisfies the atom). `false` when a value the atom mentions
    /// is not finite (an overflowed or NaN output proves no violation).
    public func holds(inputs: [Double], outputs: [Double]) -> Bool {
        for index in inputCoefficients.keys where index < inputs.count && !inputs[index].isFinite { return false }
        for index in outputCoefficients.keys where index < outputs.count && !outputs[index].isFinite { return false }
        return value(inputs: inputs, outputs: outputs).signum <= 0
    }

    /// `1.0*X_0 + -1.0*Y_2 + 0.5 <= 0`, terms in index order, inputs first; a number that is
    /// a `Double` is written as one, any other rational as `p/q`.
    public var description: String {
        func shown(_ value: ExactRational) -> String { value.exactDouble.map { "\($0)" } ?? value.fractionString }
        var terms: [String] = []
        for index in inputCoefficients.keys.sorted() { terms.append("\(shown(inputCoefficients[index]!))*X_\(index)") }
        for index in outputCoefficients.keys.sorted() { terms.append("\(shown(outputCoefficients[index]!))*Y_\(index)") }
        terms.append(shown(constant))
        return terms.joined(separator: " + ") + " <= 0"
    }

    public static func == (a: LinearAtom, b: LinearAtom) -> Bool {
        a.inputCoefficients == b.inputCoefficients && a.outputCoefficients == b.outputCoefficients
            && a.constant == b.constant
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(inputCoefficients)
        hasher.combine(outputCoefficients)
        hasher.combine(constant)
    }
}
