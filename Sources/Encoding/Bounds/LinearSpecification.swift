/// Linear functions of the network OUTPUT whose lower bounds a bound computation returns:
/// row `r` is `s_r · y + t_r` with `s_r = coefficients[r]` (one entry per output) and
/// `t_r = constants[r]`.
///
/// A property "every row is > 0 on the box" is proved when every row's sound lower bound is
/// positive. Robustness of class `c` is the conjunction of the rows `y_c - y_j` (`j != c`).
public struct LinearSpecification: Sendable, Equatable {
    /// One row per function, each with one entry per network output.
    public var coefficients: [[Double]]
    /// One constant per row.
    public var constants: [Double]

    /// Creates a specification; the caller guarantees one constant per row and rows of equal
    /// length (checked with `precondition`), every entry finite.
    public init(coefficients: [[Double]], constants: [Double]) {
        precondition(coefficients.count == constants.count, "one constant per specification row")
        precondition(coefficients.allSatisfy { $0.count == coefficients.first?.count },
                     "specification rows must have equal length")
        precondition(coefficients.allSatisfy { $0.allSatisfy(\.isFinite) } && constants.allSatisfy(\.isFinite),
                     "specification entries must be finite")
        self.coefficients = coefficients
        self.constants = constants
    }

    /// Number of rows.
    public var count: Int { constants.count }

    /// No rows: a bound computation then only produces layer bounds.
    public static let none = LinearSpecification(coefficients: [], constants: [])

    /// The rows `y_c - y_j` for every `j != c`, in increasing `j` (row `r` is class
    /// `j = r < c ? r : r + 1`). All lower bounds positive proves that `c` is the unique
    /// argmax everywhere on the box.
    /// - Precondition: `0 <= trueClass < outputs`.
    public static func robustnessMargins(outputs: Int, trueClass: Int) -> LinearSpecification {
        precondition(outputs > 0 && (0..<outputs).contains(trueClass), "class \(trueClass) outside 0..<\(outputs)")
        var rows: [[Double]] = []
        rows.reserveCapacity(outputs - 1)
        for other in 0..<outputs where other != trueClass {
            var row = [Double](repeating: 0, count: outputs)
            row[trueClass] = 1
            row[other] = -1
            rows.append(row)
        }
        return LinearSpecification(coefficients: rows, constants: [Double](repeating: 0, count: rows.count))
    }

    /// Evaluates every row at an output vector in floating point (round to nearest; for
    /// reports and tests, not for proofs).
    public func evaluate(_ output: [Double]) -> [Double] {
        zip(coefficients, constants).map { row, constant in
            var sum = 0.0
            for (s, y) in zip(row, output) { sum += s * y }
            return sum + constant
        }
    }
}
