// Constraints and linear terms of VNN-LIB assertions.

extension _VNNLibInterpreter {
    static let comparisons: Set<String> = ["<=", ">=", "<", ">", "="]
    static let connectives: Set<String> = ["and", "or"]
    static let arithmetic: Set<String> = ["+", "-", "*"]

    /// The disjunctive normal form of a constraint.
    func formula(_ expression: _VNNLibSExpression) throws(VNNLibError) -> _VNNLibNormalForm {
        switch expression {
        case .atom("true", _):
            return .alwaysTrue
        case .atom("false", _):
            return .alwaysFalse
        case .atom(let text, let at):
            throw .malformed(
                file: file, location: at,
                detail: "expected a constraint such as (<= X_0 1), found '\(VNNLibError.shown(text))'")
        case .list(let items, let at):
            let (head, arguments) = try application(items, at: at)
            switch head {
            case "and":
                var result = _VNNLibNormalForm.alwaysTrue
                for argument in arguments { try limits.and(&result, try formula(argument), at: at) }
                return result
            case "or":
                var result = _VNNLibNormalForm.alwaysFalse
                for argument in arguments { result = try limits.or(result, try formula(argument), at: at) }
                return result
            case _ where Self.comparisons.contains(head):
                return try comparison(head, arguments, at: at)
            case _ where Self.arithmetic.contains(head):
                throw .malformed(
                    file: file, location: at,
                    detail: "expected a constraint such as (<= X_0 1), found the term (\(VNNLibError.shown(head)) …); "
                        + "compare it with <= or >=")
            default:
                throw .unknownFunction(file: file, location: items[0].location, name: head)
            }
        }
    }

    /// `(op t_1 t_2 … t_n)`: the conjunction of `t_k op t_{k+1}`, each as `… <= 0`.
    private func comparison(
        _ op: String, _ arguments: ArraySlice<_VNNLibSExpression>, at: VNNLibLocation
    ) throws(VNNLibError) -> _VNNLibNormalForm {
        guard arguments.count >= 2 else {
            throw .malformed(
                file: file, location: at, detail: "'\(op)' compares at least two terms, as in (\(op) X_0 1)")
        }
        var terms: [_VNNLibLinearExpression] = []
        for argument in arguments { terms.append(try term(argument)) }
        var atoms: [LinearAtom] = []
        for k in 0..<(terms.count - 1) {
            let (a, b) = (terms[k], terms[k + 1])
            let isFalse: Bool
            switch op {
            case "<=", "<":
                isFalse = try appendAtom(a, minus: b, at: at, to: &atoms)
            case ">=", ">":
                isFalse = try appendAtom(b, minus: a, at: at, to: &atoms)
            default:  // "="
                let forward = try appendAtom(a, minus: b, at: at, to: &atoms)
                let backward = try appendAtom(b, minus: a, at: at, to: &atoms)
                isFalse = forward || backward
            }
            if isFalse { return .alwaysFalse }
        }
        return _VNNLibNormalForm(conjunction: atoms)
    }

    /// Appends the atom `lhs - rhs <= 0`, with exact coefficients. Returns `true` when it is
    /// a false constant comparison (so the whole conjunction is false); a true one is not
    /// appended. Constant comparisons are decided in exact arithmetic. An atom whose
    /// coefficients or constant lie beyond the range of `Double` is an
    /// ``VNNLibError/arithmeticOverflow(file:location:)``.
    private func appendAtom(
        _ lhs: _VNNLibLinearExpression, minus rhs: _VNNLibLinearExpression, at: VNNLibLocation,
        to atoms: inout [LinearAtom]
    ) throws(VNNLibError) -> Bool {
        var difference = lhs
        difference.add(rhs, times: -.one)
        guard difference.isWithinLimits else { throw .arithmeticOverflow(file: file, location: at) }
        // Decided exactly: (<= (+ 0.1 0.2) 0.3) is true.
        if difference.isConstant { return difference.constant.signum > 0 }
        guard difference.isInDoubleRange else { throw .arithmeticOverflow(file: file, location: at) }
        atoms.append(
            LinearAtom(
                exactInputCoefficients: difference.inputs, exactOutputCoefficients: difference.outputs,
                exactConstant: difference.constant, location: at))
        return false
    }

    /// A linear term.
    func term(_ expression: _VNNLibSExpression) throws(VNNLibError) -> _VNNLibLinearExpression {
        switch expression {
        case .atom(let text, let at):
            if _VNNLibNumeral.looksNumeric(text[...].utf8) {
                guard let value = _VNNLibNumeral.value(text) else {
                    throw .badNumeral(file: file, location: at, text: text)
                }
                return _VNNLibLinearExpression(constant: value)
            }
            return try variable(text, at: at)
        case .list(let items, let at):
            let (head, arguments) = try application(items, at: at)
            switch head {
            case "+":
                guard !arguments.isEmpty else {
                    throw .malformed(file: file, location: at, detail: "'+' needs at least one term, as in (+ X_0 1)")
                }
                var sum = _VNNLibLinearExpression(constant: .zero)
                for argument in arguments { sum.add(try term(argument)) }
                return try checked(sum, at: at)
            case "-":
                guard let first = arguments.first else {
                    throw .malformed(file: file, location: at, detail: "'-' needs at least one term, as in (- X_0 1)")
                }
                var result = try term(first)
                if arguments.count == 1 { return result.scaled(by: -.one) }
                for argument in arguments.dropFirst() { result.add(try term(argument), times: -.one) }
                return try checked(result, at: at)
            case "*":
                guard !arguments.isEmpty else {
                    throw .malformed(file: file, location: at, detail: "'*' needs at least one factor, as in (* 2 X_0)")
                }
                var factor = ExactRational.one
                var variablePart: (term: _VNNLibLinearExpression, source: _VNNLibSExpression)?
                for argument in arguments {
                    let value = try term(argument)
                    if value.isConstant {
                        factor = factor * value.constant
                        if factor.bitWidth > _VNNLibLinearExpression.maxBits {
                            throw .arithmeticOverflow(file: file, location: at)
                        }
                    } else if let previous = variablePart {
                        throw .nonLinearTerm(
                            file: file, location: at,
                            detail: "(* …) multiplies \(previous.source.summary) by \(argument.summary)")
                    } else {
                        variablePart = (value, argument)
                    }
                }
                guard let variablePart else { return _VNNLibLinearExpression(constant: factor) }
                return try checked(variablePart.term.scaled(by: factor), at: at)
            case _ where Self.comparisons.contains(head) || Self.connectives.contains(head):
                throw .malformed(
                    file: file, location: at,
                    detail: "expected a linear term, found the constraint (\(VNNLibError.shown(head)) …); "
                        + "constraints cannot be nested in terms")
            default:
                throw .unknownFunction(file: file, location: items[0].location, name: head)
            }
        }
    }

    /// `expression`, or ``VNNLibError/arithmeticOverflow(file:location:)`` when its numbers
    /// outgrow ``_VNNLibLinearExpression/maxBits``.
    private func checked(
        _ expression: _VNNLibLinearExpression, at: VNNLibLocation
    ) throws(VNNLibError) -> _VNNLibLinearExpression {
        guard expression.isWithinLimits else { throw .arithmeticOverflow(file: file, location: at) }
        return expression
    }

    /// `X_i` or `Y_j`, declared earlier in the file.
    private func variable(_ name: String, at: VNNLibLocation) throws(VNNLibError) -> _VNNLibLinearExpression {
        if let variable = Self.variable(name) {
            let declarations = variable.isInput ? inputs : outputs
            if declarations.declared[variable.index] != nil {
                return variable.isInput
                    ? _VNNLibLinearExpression(input: variable.index) : _VNNLibLinearExpression(output: variable.index)
            }
            if variable.index >= declarations.bound {
                throw .indexOutOfRange(file: file, location: at, variable: name, declaredCount: declarations.bound)
            }
        }
        if name == "true" || name == "false" {
            throw .malformed(file: file, location: at, detail: "expected a linear term, found '\(name)'")
        }
        throw .unknownSymbol(file: file, location: at, symbol: name)
    }

    /// The head symbol and arguments of a non-empty list.
    private func application(
        _ items: [_VNNLibSExpression], at: VNNLibLocation
    ) throws(VNNLibError) -> (String, ArraySlice<_VNNLibSExpression>) {
        guard let first = items.first else {
            throw .malformed(file: file, location: at, detail: "empty list (); remove it")
        }
        guard case .atom(let head, _) = first else {
            throw .malformed(
                file: file, location: first.location, detail: "expected a function name after '(', found a list")
        }
        return (head, items.dropFirst())
    }
}
