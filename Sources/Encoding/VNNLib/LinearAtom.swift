// One linear inequality of a VNN-LIB property, in the normal form `... <= 0`.

/// A linear inequality over a network's inputs `X` and outputs `Y`:
///
/// ```
/// Σ_i inputCoefficients[i] · X_i  +  Σ_j outputCoefficients[j] · Y_j  +  constant  <=  0
/// ```
///
/// Coefficients are stored sparsely: a missing index has coefficient zero, and no stored
/// coefficient is zero. In atoms from ``VNNLibParser`` every coefficient and the constant
/// are finite.
///
/// The parser normalises every comparison into this form: `(<= a b)` and `(< a b)` become
/// `a - b <= 0`; `(>= a b)` and `(> a b)` become `b - a <= 0`. Strict comparisons are read
/// as their closure (VNN-COMP's convention: the unsafe set is taken closed, and a verifier
/// that proves the closed set empty has proved the strict one empty).
///
/// Numbers are rounded to the nearest `Double` when the file is parsed (exactly as
/// `Double(String)` does), and constant arithmetic inside a term (`(* 0.5 (+ 1 X_0))`,
/// collecting like terms, moving the right-hand side over) is done in `Double`, rounded to
/// nearest. Downstream, the verifier treats the resulting `Double`s as the exact rationals
/// they denote. For the usual VNN-LIB shapes (`(<= X_0 c)`, `(>= Y_0 Y_1)`,
/// `(>= Y_0 c)`) no rounding beyond reading the numeral happens.
///
/// Two atoms are equal when they state the same inequality; ``location`` is not compared.
public struct LinearAtom: Sendable, Hashable, CustomStringConvertible {
    /// Nonzero coefficients of the inputs `X_i`, by index.
    public var inputCoefficients: [Int: Double]
    /// Nonzero coefficients of the outputs `Y_j`, by index.
    public var outputCoefficients: [Int: Double]
    /// The constant term.
    public var constant: Double
    /// Where the comparison that produced this atom starts in the file, if it came from one.
    public var location: VNNLibLocation?

    /// Zero coefficients are dropped.
    public init(
        inputCoefficients: [Int: Double] = [:], outputCoefficients: [Int: Double] = [:],
        constant: Double, location: VNNLibLocation? = nil
    ) {
        self.inputCoefficients = inputCoefficients.filter { $0.value != 0 }
        self.outputCoefficients = outputCoefficients.filter { $0.value != 0 }
        self.constant = constant
        self.location = location
    }

    /// The coefficient of `X_index` (zero when absent).
    public func inputCoefficient(_ index: Int) -> Double { inputCoefficients[index] ?? 0 }

    /// The coefficient of `Y_index` (zero when absent).
    public func outputCoefficient(_ index: Int) -> Double { outputCoefficients[index] ?? 0 }

    /// The input coefficients as a dense array of length `count`.
    public func denseInputCoefficients(count: Int) -> [Double] {
        var dense = [Double](repeating: 0, count: count)
        for (index, a) in inputCoefficients where index < count { dense[index] = a }
        return dense
    }

    /// The output coefficients as a dense array of length `count`.
    public func denseOutputCoefficients(count: Int) -> [Double] {
        var dense = [Double](repeating: 0, count: count)
        for (index, b) in outputCoefficients where index < count { dense[index] = b }
        return dense
    }

    /// Whether the atom mentions some input.
    public var involvesInputs: Bool { !inputCoefficients.isEmpty }

    /// Whether the atom mentions some output.
    public var involvesOutputs: Bool { !outputCoefficients.isEmpty }

    /// The left-hand side at the given point, evaluated in `Double` (indices in increasing
    /// order, then the constant). Indices beyond the arrays count as zero.
    public func value(inputs: [Double], outputs: [Double]) -> Double {
        var sum = 0.0
        for index in inputCoefficients.keys.sorted() where index < inputs.count {
            sum += inputCoefficients[index]! * inputs[index]
        }
        for index in outputCoefficients.keys.sorted() where index < outputs.count {
            sum += outputCoefficients[index]! * outputs[index]
        }
        return sum + constant
    }

    /// Whether `value(inputs:outputs:) <= 0` in floating point.
    public func holds(inputs: [Double], outputs: [Double]) -> Bool {
        value(inputs: inputs, outputs: outputs) <= 0
    }

    /// `1.0*X_0 + -1.0*Y_2 + 0.5 <= 0`, terms in index order, inputs first.
    public var description: String {
        var terms: [String] = []
        for index in inputCoefficients.keys.sorted() { terms.append("\(inputCoefficients[index]!)*X_\(index)") }
        for index in outputCoefficients.keys.sorted() { terms.append("\(outputCoefficients[index]!)*Y_\(index)") }
        terms.append("\(constant)")
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
