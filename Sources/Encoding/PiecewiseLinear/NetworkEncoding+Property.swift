/// Properties as disjunctions of the encoded system. Both converters are exact: a
/// coefficient `a` becomes the term `a · Y_j` and the constant stays a separate constant.
extension NetworkEncoding {
    /// Adds the unsafe set of `property` (`OR_k AND_i atom_ki <= 0`, see ``OutputProperty``):
    /// the system becomes satisfiable iff some input in the box reaches it, so `unsat`
    /// proves the property.
    /// - Throws: ``PiecewiseLinearError/invalidProperty(problem:)`` when the property's output
    ///   count differs from the network's or a number is not finite.
    public mutating func addViolation(_ property: OutputProperty) throws {
        guard property.outputCount == system.outputs.count else {
            throw PiecewiseLinearError.invalidProperty(
                problem: "the property has \(property.outputCount) outputs, the network \(system.outputs.count)")
        }
        let outputs = system.outputs
        let clauses = try property.disjuncts.map { atoms in
            try atoms.map { atom -> PiecewiseLinearSystem.Constraint in
                var form = PiecewiseLinearSystem.LinearForm(constants: [atom.constant])
                for (j, a) in atom.coefficients.enumerated() where a != 0 {
                    form.terms.append(.init(a, outputs[j]))
                }
                guard form.isFinite else {
                    throw PiecewiseLinearError.invalidProperty(problem: "an atom has a non-finite coefficient or constant")
                }
                return .init(form, .lessOrEqual)
            }
        }
        system.add(PiecewiseLinearSystem.Disjunction(clauses: clauses))
    }

    /// Adds `OR_k AND_i atom_ki <= 0` for VNN-LIB atoms over inputs `X_i` and outputs `Y_j`
    /// (an empty list of clauses is `false`). The atoms' exact numbers must be `Double`s.
    /// - Throws: ``PiecewiseLinearError/invalidProperty(problem:)`` for an index outside the
    ///   network or a number that is not a finite `Double`.
    public mutating func addDisjunction(of clauses: [[LinearAtom]]) throws {
        let inputs = system.inputs, outputs = system.outputs
        let converted = try clauses.map { atoms in
            try atoms.map { atom -> PiecewiseLinearSystem.Constraint in
                func exact(_ value: ExactRational) throws -> Double {
                    guard let double = value.exactDouble else {
                        throw PiecewiseLinearError.invalidProperty(
                            problem: "the atom \(atom) has a number that is not a Double (\(value)); the encoding takes Doubles exactly")
                    }
                    return double
                }
                var form = PiecewiseLinearSystem.LinearForm(constants: [try exact(atom.constant)])
                for (i, exactA) in atom.inputCoefficients.sorted(by: { $0.key < $1.key }) {
                    let a = try exact(exactA)
                    guard inputs.indices.contains(i) else {
                        throw PiecewiseLinearError.invalidProperty(problem: "X_\(i) does not exist (the network has \(inputs.count) inputs)")
                    }
                    form.terms.append(.init(a, inputs[i]))
                }
                for (j, exactB) in atom.outputCoefficients.sorted(by: { $0.key < $1.key }) {
                    let b = try exact(exactB)
                    guard outputs.indices.contains(j) else {
                        throw PiecewiseLinearError.invalidProperty(problem: "Y_\(j) does not exist (the network has \(outputs.count) outputs)")
                    }
                    form.terms.append(.init(b, outputs[j]))
                }
                guard form.isFinite else {
                    throw PiecewiseLinearError.invalidProperty(problem: "an atom has a non-finite coefficient or constant")
                }
                return .init(form, .lessOrEqual)
            }
        }
        system.add(PiecewiseLinearSystem.Disjunction(clauses: converted))
    }
}
