// A parsed VNN-LIB property: the unsafe set in disjunctive normal form.

/// A VNN-LIB property: the UNSAFE set, as an OR of ANDs of linear atoms over the network's
/// inputs `X_0 … X_{inputCount-1}` and outputs `Y_0 … Y_{outputCount-1}`.
///
/// The network `f` violates the property iff some input `x` and its outputs `y = f(x)`
/// satisfy every atom of some disjunct. A verifier answers `sat` (violated, with `x`) or
/// `unsat` (no such `x`: the property holds).
///
/// `disjuncts == []` means the unsafe set is empty (the file asserted something false);
/// a disjunct `[]` means the whole space is unsafe.
public struct VNNLibProperty: Sendable, Equatable {
    /// The file name given to the parser, used in error messages.
    public var fileName: String
    /// The number of declared inputs `X_i`.
    public var inputCount: Int
    /// The number of declared outputs `Y_j`.
    public var outputCount: Int
    /// The unsafe set: it holds where all atoms of at least one disjunct hold.
    public var disjuncts: [[LinearAtom]]
    /// Where each input was declared (empty when the property was built in code).
    var inputDeclarations: [VNNLibLocation]

    public init(fileName: String = "<property>", inputCount: Int, outputCount: Int, disjuncts: [[LinearAtom]]) {
        self.init(
            fileName: fileName, inputCount: inputCount, outputCount: outputCount, disjuncts: disjuncts,
            inputDeclarations: [])
    }

    init(
        fileName: String, inputCount: Int, outputCount: Int, disjuncts: [[LinearAtom]],
        inputDeclarations: [VNNLibLocation]
    ) {
        self.fileName = fileName
        self.inputCount = inputCount
        self.outputCount = outputCount
        self.disjuncts = disjuncts
        self.inputDeclarations = inputDeclarations
    }

    /// Whether the point `(inputs, outputs)` lies in the unsafe set, evaluated in `Double`.
    public func isViolated(inputs: [Double], outputs: [Double]) -> Bool {
        disjuncts.contains { atoms in atoms.allSatisfy { $0.holds(inputs: inputs, outputs: outputs) } }
    }

    /// Each disjunct split into an input box and the constraints on the outputs.
    ///
    /// In each disjunct every atom that mentions inputs must be a bound on ONE input,
    /// `a·X_i + c <= 0`, which gives `X_i <= -c/a` for `a > 0` and `X_i >= -c/a` for
    /// `a < 0`; the tightest bounds are kept. When `a` is not `±1` the quotient is rounded,
    /// so it is widened by one ulp outward: the box always contains the exact set. The
    /// remaining atoms (outputs only) are the region's ``VNNLibInputRegion/outputConstraints``.
    ///
    /// Errors, naming the variable and the disjunct (numbered from 1):
    /// ``VNNLibError/unsupportedInputConstraint(file:location:detail:)`` for an atom over
    /// several inputs or over inputs and outputs;
    /// ``VNNLibError/unboundedInput(file:location:variable:side:disjunct:)`` when an input
    /// lacks a lower or upper bound;
    /// ``VNNLibError/lowerAboveUpper(file:location:variable:lower:upper:disjunct:)`` when
    /// the box is empty.
    public func inputRegions() throws(VNNLibError) -> [VNNLibInputRegion] {
        var regions: [VNNLibInputRegion] = []
        regions.reserveCapacity(disjuncts.count)
        for (k, atoms) in disjuncts.enumerated() {
            regions.append(try region(atoms, number: k + 1))
        }
        return regions
    }

    private func region(_ atoms: [LinearAtom], number: Int) throws(VNNLibError) -> VNNLibInputRegion {
        var lower = [Double](repeating: -.infinity, count: inputCount)
        var upper = [Double](repeating: .infinity, count: inputCount)
        var lowerSite = [VNNLibLocation?](repeating: nil, count: inputCount)
        var upperSite = [VNNLibLocation?](repeating: nil, count: inputCount)
        var outputConstraints: [LinearAtom] = []
        let unknown = VNNLibLocation(line: 0, column: 0)

        for atom in atoms {
            guard atom.involvesInputs else {
                outputConstraints.append(atom)
                continue
            }
            let at = atom.location ?? unknown
            let inputNames = atom.inputCoefficients.keys.sorted().map { "X_\($0)" }
            if atom.involvesOutputs {
                let outputNames = atom.outputCoefficients.keys.sorted().map { "Y_\($0)" }
                throw .unsupportedInputConstraint(
                    file: fileName, location: at,
                    detail: "the constraint \(atom) mixes inputs (\(inputNames.joined(separator: ", "))) "
                        + "with outputs (\(outputNames.joined(separator: ", ")))")
            }
            if atom.inputCoefficients.count > 1 {
                throw .unsupportedInputConstraint(
                    file: fileName, location: at,
                    detail: "the constraint \(atom) relates several inputs (\(inputNames.joined(separator: ", ")))")
            }
            let (index, a) = atom.inputCoefficients.first!
            guard index >= 0 && index < inputCount else {
                throw .indexOutOfRange(file: fileName, location: at, variable: "X_\(index)", declaredCount: inputCount)
            }
            var bound = -atom.constant / a
            if a > 0 {
                if abs(a) != 1 { bound = bound.nextUp }
                if bound < upper[index] {
                    upper[index] = bound
                    upperSite[index] = at
                }
            } else {
                if abs(a) != 1 { bound = bound.nextDown }
                if bound > lower[index] {
                    lower[index] = bound
                    lowerSite[index] = at
                }
            }
        }

        for index in 0..<inputCount {
            let declaration = index < inputDeclarations.count ? inputDeclarations[index] : unknown
            // A bound that overflowed to infinity bounds nothing.
            if lower[index] == -.infinity {
                throw .unboundedInput(
                    file: fileName, location: declaration, variable: "X_\(index)", side: "lower", disjunct: number)
            }
            if upper[index] == .infinity {
                throw .unboundedInput(
                    file: fileName, location: declaration, variable: "X_\(index)", side: "upper", disjunct: number)
            }
            if lower[index] > upper[index] {
                let site = max(lowerSite[index] ?? unknown, upperSite[index] ?? unknown)
                throw .lowerAboveUpper(
                    file: fileName, location: site, variable: "X_\(index)", lower: lower[index], upper: upper[index],
                    disjunct: number)
            }
            // -0.0 + 0.0 == +0.0: report zero bounds without a sign.
            lower[index] += 0
            upper[index] += 0
        }
        return VNNLibInputRegion(lower: lower, upper: upper, outputConstraints: outputConstraints)
    }
}

/// One disjunct of a property as an input box plus constraints on the outputs: the network
/// violates it iff some `x` with `lower <= x <= upper` has outputs satisfying every atom of
/// `outputConstraints`.
public struct VNNLibInputRegion: Sendable, Equatable {
    /// Lower bound of each input; finite.
    public var lower: [Double]
    /// Upper bound of each input; finite, and `lower[i] <= upper[i]`.
    public var upper: [Double]
    /// The atoms of the disjunct that mention outputs only (no input coefficient).
    public var outputConstraints: [LinearAtom]

    public init(lower: [Double], upper: [Double], outputConstraints: [LinearAtom]) {
        self.lower = lower
        self.upper = upper
        self.outputConstraints = outputConstraints
    }

    /// Whether `inputs` lies in the box.
    public func contains(_ inputs: [Double]) -> Bool {
        inputs.count == lower.count && zip(inputs, zip(lower, upper)).allSatisfy { x, bounds in
            bounds.0 <= x && x <= bounds.1
        }
    }
}
