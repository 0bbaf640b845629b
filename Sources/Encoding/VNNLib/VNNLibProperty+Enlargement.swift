// Exact output atoms turned into Double atoms whose unsafe set contains the exact one.

extension VNNLibProperty {
    /// The `Double` atom `b'·y + c' <= 0` for an exact output atom `b·y + c <= 0`, such that
    /// every `y` satisfying the exact atom satisfies the `Double` one (the unsafe set is
    /// ENLARGED, never shrunk):
    ///
    /// ```
    /// s  = 1                       when every b_j is a Double, else
    /// s  = lcm_j(den b_j) / gcd_j(num b_j)    (s > 0: s·b_j are coprime integers)
    /// b'_j = s·b_j                 exactly, required to be a Double
    /// c'   = roundDown(s·c)        the largest Double <= s·c
    ///
    /// b·y + c <= 0  <=>  s·b·y + s·c <= 0  =>  b'·y + c' <= 0      (s > 0, c' <= s·c)
    /// ```
    ///
    /// Only the constant is rounded, and it is rounded down, which weakens the atom. The
    /// coefficients must be exact: rounding a coefficient would move the atom by
    /// `|δ_j|·|y_j|`, which no bound known here controls. Atoms with one output (`Y_0 >= c`)
    /// and the usual `Y_i - Y_j` comparisons are always exact; `(* 0.1 Y_0)` against
    /// `(* 0.3 Y_1)` scales to `Y_0 - 3·Y_1`.
    ///
    /// - Throws: ``VNNLibError/inexactOutputCoefficients(file:location:atom:)`` when some
    ///   `s·b_j` is not a `Double` (more than 53 significant bits, or beyond the range);
    ///   ``VNNLibError/unsupportedInputConstraint(file:location:detail:)`` for an atom that
    ///   mentions inputs; ``VNNLibError/indexOutOfRange(file:location:variable:declaredCount:)``
    ///   for an output index beyond ``outputCount``.
    public func enlargedOutputAtom(_ atom: LinearAtom) throws(VNNLibError) -> OutputAtom {
        let at = atom.location ?? VNNLibLocation(line: 0, column: 0)
        guard !atom.involvesInputs else {
            throw .unsupportedInputConstraint(
                file: fileName, location: at, detail: "the constraint \(atom) mentions inputs where only outputs are expected")
        }
        for index in atom.outputCoefficients.keys where index < 0 || index >= outputCount {
            throw .indexOutOfRange(file: fileName, location: at, variable: "Y_\(index)", declaredCount: outputCount)
        }
        let scale = Self.scaleMakingDoubles(Array(atom.outputCoefficients.values))
        var coefficients = [Double](repeating: 0, count: outputCount)
        for (index, b) in atom.outputCoefficients {
            guard let exact = (b * scale).exactDouble else {
                throw .inexactOutputCoefficients(file: fileName, location: at, atom: atom.description)
            }
            coefficients[index] = exact
        }
        let constant = (atom.constant * scale).roundedDown
        guard constant.isFinite else {
            // -infinity: the atom holds for every finite y; a Double atom cannot say so.
            throw .arithmeticOverflow(file: fileName, location: at)
        }
        return OutputAtom(coefficients: coefficients, constant: constant + 0)
    }

    /// `1` when every coefficient is already a `Double`; otherwise the positive scale
    /// `lcm(denominators) / gcd(numerators)` that turns them into coprime integers.
    static func scaleMakingDoubles(_ coefficients: [ExactRational]) -> ExactRational {
        if coefficients.allSatisfy({ $0.exactDouble != nil }) { return .one }
        var lcm = BigNatural(1)
        var gcd = BigNatural(0)
        for b in coefficients {
            lcm = lcm.dividedExactly(by: BigNatural.gcd(lcm, b.denominator)) * b.denominator
            gcd = BigNatural.gcd(gcd, b.numerator)
        }
        guard !gcd.isZero else { return .one }
        return .reduced(isNegative: false, numerator: lcm, denominator: gcd)
    }
}
