/// SMT-LIB2 export, so that any SMT solver can re-check a query (design: "SMT-LIB2 files of
/// solved queries on request").
///
/// ```
/// (set-logic QF_LRA)                         ; QF_LIRA with PhaseEncoding.integer
/// (declare-const X_0 Real)                   ; real variables
/// (declare-const d1_0 Bool)                  ; phases (Int in [0, 1] with .integer)
/// (assert (<= (- (/ 1 2)) X_0))              ; bounds
/// (assert (<= (+ (* (/ 3 4) X_0) h1_0 ...) 0)) ; constraints: form REL 0
/// (assert (=> d1_0 (<= ... 0)))              ; .boolean: a constraint with one phase
/// (assert (or (and ...) ...))                ; disjunctions
/// (check-sat)
/// ```
/// Every number is the exact rational of its `Double`: `p`, `(/ p q)`, negated as `(- x)`;
/// never a decimal or exponent notation. With `.integer` phases the logic mixes `Int` and
/// `Real`, so real constants are written `p.0` / `(/ p.0 q.0)` and phases enter as
/// `(to_real d)`, which keeps the file well sorted for strict solvers.
extension PiecewiseLinearSystem {
    /// The system as an SMT-LIB2 script ending in `(check-sat)`.
    /// - Parameter comment: optional text written as leading `;` lines.
    public func smtlib2(phases: PhaseEncoding = .boolean, comment: String? = nil) -> String {
        var writer = SMTLIBWriter(system: self, phases: phases)
        return writer.write(comment: comment)
    }

    /// `name` when it is an SMT-LIB2 simple symbol, otherwise `|name|`.
    /// - Precondition: `name` contains neither `|` nor `\`.
    public static func smtlibSymbol(_ name: String) -> String {
        precondition(!name.contains("|") && !name.contains("\\"), "name \(name) cannot be quoted")
        let extra = Set("~!@$%^&*_-+=<>.?/")
        let simple = !name.isEmpty && !name.first!.isNumber
            && name.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || extra.contains($0) }
        return simple ? name : "|\(name)|"
    }
}

private struct SMTLIBWriter {
    typealias System = PiecewiseLinearSystem
    let system: System
    let phases: PhaseEncoding
    let symbols: [String]
    var numerals: [UInt64: String] = [:]

    init(system: System, phases: PhaseEncoding) {
        self.system = system
        self.phases = phases
        symbols = system.variables.map { System.smtlibSymbol($0.name) }
    }

    mutating func write(comment: String?) -> String {
        var out = ""
        if let comment {
            for line in comment.split(separator: "\n", omittingEmptySubsequences: false) { out += "; \(line)\n" }
        }
        out += "; exact: \(system.isExact ? "yes" : "no (\(system.approximations.joined(separator: "; ")))")\n"
        out += "(set-logic \(phases == .integer ? "QF_LIRA" : "QF_LRA"))\n"
        for (index, info) in system.variables.enumerated() {
            let sort = info.kind == .real ? "Real" : (phases == .integer ? "Int" : "Bool")
            out += "(declare-const \(symbols[index]) \(sort))\n"
        }
        for (index, info) in system.variables.enumerated() {
            let symbol = symbols[index]
            switch info.kind {
            case .phase:
                if phases == .integer { out += "(assert (and (<= 0 \(symbol)) (<= \(symbol) 1)))\n" }
            case .real:
                if info.lower == info.upper {
                    out += "(assert (= \(symbol) \(numeral(info.lower))))\n"
                    continue
                }
                if info.lower.isFinite { out += "(assert (<= \(numeral(info.lower)) \(symbol)))\n" }
                if info.upper.isFinite { out += "(assert (<= \(symbol) \(numeral(info.upper))))\n" }
            }
        }
        for constraint in system.constraints {
            out += "(assert \(topLevel(constraint)))\n"
        }
        for disjunction in system.disjunctions {
            let clauses = disjunction.clauses.map { clause -> String in
                let parts = clause.map { constraintTerm($0) }
                switch parts.count {
                case 0: return "true"
                case 1: return parts[0]
                default: return "(and \(parts.joined(separator: " ")))"
                }
            }
            switch clauses.count {
            case 0: out += "(assert false)\n"
            case 1: out += "(assert \(clauses[0]))\n"
            default: out += "(assert (or \(clauses.joined(separator: " "))))\n"
            }
        }
        out += "(check-sat)\n(exit)\n"
        return out
    }

    /// A top-level constraint; with Boolean phases, one phase becomes two implications.
    private mutating func topLevel(_ constraint: System.Constraint) -> String {
        guard phases == .boolean else { return constraintTerm(constraint) }
        let phaseVariables = Set(constraint.form.terms.map(\.variable).filter { system.variables[$0.index].kind == .phase })
        guard phaseVariables.count == 1, let phase = phaseVariables.first else { return constraintTerm(constraint) }
        let whenOne = constraintTerm(constraint, fixing: phase, to: 1)
        let whenZero = constraintTerm(constraint, fixing: phase, to: 0)
        return "(and (=> \(symbols[phase.index]) \(whenOne)) (=> (not \(symbols[phase.index])) \(whenZero)))"
    }

    private mutating func constraintTerm(_ constraint: System.Constraint, fixing phase: System.Variable? = nil, to value: Int = 0) -> String {
        var parts: [String] = []
        for term in constraint.form.terms {
            if term.variable == phase {
                if value == 1 { parts.append(numeral(term.coefficient)) }
                continue
            }
            parts.append(product(term))
        }
        for constant in constraint.form.constants where constant != 0 { parts.append(numeral(constant)) }
        let sum: String
        switch parts.count {
        case 0: sum = numeral(0)
        case 1: sum = parts[0]
        default: sum = "(+ \(parts.joined(separator: " ")))"
        }
        return "(\(constraint.relation.symbol) \(sum) \(numeral(0)))"
    }

    private mutating func product(_ term: System.Term) -> String {
        let info = system.variables[term.variable.index]
        var variable = symbols[term.variable.index]
        if info.kind == .phase {
            variable = phases == .integer ? "(to_real \(variable))" : "(ite \(variable) 1 0)"
        }
        if term.coefficient == 1 { return variable }
        return "(* \(numeral(term.coefficient)) \(variable))"
    }

    private mutating func numeral(_ value: Double) -> String {
        if let cached = numerals[value.bitPattern] { return cached }
        let text = ExactRational(value).smtlib2(realLiterals: phases == .integer)
        numerals[value.bitPattern] = text
        return text
    }
}
