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

    /// Whether the point `(inputs, outputs)` lies in the unsafe set, evaluated EXACTLY: the
    /// `Double`s are taken as the rationals they denote and every atom is checked in
    /// rational arithmetic (a point on the boundary satisfies `<=`/`>=`).
    public func isViolated(inputs: [Double], outputs: [Double]) -> Bool {
        disjuncts.contains { atoms in atoms.allSatisfy { $0.holds(inputs: inputs, outputs: outputs) } }
    }

    /// Each disjunct split into an input box and the constraints on the outputs.
    ///
    /// In each disjunct every atom that mentions inputs must be a bound on ONE input,
    /// `a·X_i + c <= 0`, which gives `X_i <= -c/a` for `a > 0` and `X_i >= -c/a` for
    /// `a < 0`; the tightest bounds are kept, compared exactly. Only then is each bound
    /// rounded to `Double`, OUTWARD: a lower bound down, an upper bound up. So the box always
    /// contains the exact input set (and is the smallest `Double` box that does). The
    /// remaining atoms (outputs only) are the region's
    /// ``VNNLibInputRegion/outputConstraints``, still exact; ``enlargedOutputAtom(_:)``
    /// turns them into `Double` atoms.
    ///
    /// Why enlarging is sound: the property is violated iff some `x` in the exact input set
    /// has `f(x)` in the exact unsafe output set. Both sets only grow (the box by outward
    /// rounding, the output atoms by ``enlargedOutputAtom(_:)``), so a proof that no `x` of
    /// the larger box reaches the larger unsafe set (`unsat`) covers the exact property. A
    /// point found in the larger sets proves nothing about the exact property; it must be
    /// confirmed against the exact atoms (``confirmedViolation(network:candidate:)``) before
    /// anyone answers `sat`.
    ///
    /// Errors, naming the variable and the disjunct (numbered from 1):
    /// ``VNNLibError/unsupportedInputConstraint(file:location:detail:)`` for an atom over
    /// several inputs or over inputs and outputs;
    /// ``VNNLibError/unboundedInput(file:location:variable:side:disjunct:)`` when an input
    /// lacks a lower or upper bound (or its bound lies beyond the finite `Double`s);
    /// ``VNNLibError/lowerAboveUpper(file:location:variable:lower:upper:disjunct:)`` when
    /// the exact box is empty; ``VNNLibError/inexactOutputCoefficients(file:location:atom:)``
    /// when an output atom has no exact `Double` form (see ``enlargedOutputAtom(_:)``).
    public func inputRegions() throws(VNNLibError) -> [VNNLibInputRegion] {
        var regions: [VNNLibInputRegion] = []
        regions.reserveCapacity(disjuncts.count)
        for (k, atoms) in disjuncts.enumerated() {
            let bounds = try exactBounds(atoms, number: k + 1)
            for atom in bounds.outputConstraints { _ = try enlargedOutputAtom(atom) }
            regions.append(
                VNNLibInputRegion(
                    lower: bounds.lower.map { $0.roundedDown + 0 }, upper: bounds.upper.map { $0.roundedUp + 0 },
                    outputConstraints: bounds.outputConstraints))
        }
        return regions
    }

    /// The exact bounds of each input in one disjunct, and its output atoms.
    func exactBounds(
        _ atoms: [LinearAtom], number: Int
    ) throws(VNNLibError) -> (lower: [ExactRational], upper: [ExactRational], outputConstraints: [LinearAtom]) {
        var lower = [ExactRational?](repeating: nil, count: inputCount)
        var upper = [ExactRational?](repeating: nil, count: inputCount)
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
            let bound = -atom.constant / a
            if a.signum > 0 {
                if upper[index].map({ bound < $0 }) ?? true {
                    upper[index] = bound
                    upperSite[index] = at
                }
            } else {
                if lower[index].map({ $0 < bound }) ?? true {
                    lower[index] = bound
                    lowerSite[index] = at
                }
            }
        }

        var exactLower: [ExactRational] = []
        var exactUpper: [ExactRational] = []
        for index in 0..<inputCount {
            let declaration = index < inputDeclarations.count ? inputDeclarations[index] : unknown
            // A bound beyond the finite Doubles bounds nothing the solver can represent.
            guard let low = lower[index], low.roundedDown.isFinite else {
                throw .unboundedInput(
                    file: fileName, location: declaration, variable: "X_\(index)", side: "lower", disjunct: number)
            }
            guard let high = upper[index], high.roundedUp.isFinite else {
                throw .unboundedInput(
                    file: fileName, location: declaration, variable: "X_\(index)", side: "upper", disjunct: number)
            }
            if high < low {
                let site = max(lowerSite[index] ?? unknown, upperSite[index] ?? unknown)
                throw .lowerAboveUpper(
                    file: fileName, location: site, variable: "X_\(index)", lower: low.nearestDouble,
                    upper: high.nearestDouble, disjunct: number)
            }
            exactLower.append(low)
            exactUpper.append(high)
        }
        return (exactLower, exactUpper, outputConstraints)
    }
}

/// One disjunct of a property as an input box plus constraints on the outputs: the network
/// violates it iff some `x` with `lower <= x <= upper` has outputs satisfying every atom of
/// `outputConstraints`.
public struct VNNLibInputRegion: Sendable, Equatable {
    /// Lower bound of each input; finite. From a file: the exact bound rounded down.
    public var lower: [Double]
    /// Upper bound of each input; finite, and `lower[i] <= upper[i]`. From a file: the
    /// exact bound rounded up.
    public var upper: [Double]
    /// The atoms of the disjunct that mention outputs only (no input coefficient), exact.
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
