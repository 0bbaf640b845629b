internal import CZ3
import Encoding

/// Translates one ``PiecewiseLinearSystem`` into Z3 ASTs (one query's worth; every AST is
/// retained in ``retained`` and released by the caller).
///
/// ```
/// real variable v        Real constant, bounds as  lo <= v,  v <= hi
/// phase δ (.integer)     Int constant with 0 <= δ <= 1, entering sums as (to_real δ)
/// phase δ (.boolean)     Bool constant p; constraint C(δ) with one phase:
///                        (p => C(1)) and (not p => C(0)); several phases: (ite p 1 0)
/// numbers                Z3_mk_numeral("p/q"), the exact rational of the Double
/// ```
final class Z3SystemBuilder {
    typealias System = PiecewiseLinearSystem
    let owner: Z3Context
    let system: System
    let phases: PhaseEncoding
    var retained: Z3Retained
    private var constants: [Z3_ast] = []
    private var phaseReals: [Int: Z3_ast] = [:]
    private var numerals: [UInt64: Z3_ast] = [:]
    private var realSort: Z3_sort?

    init(owner: Z3Context, system: System, phases: PhaseEncoding) {
        self.owner = owner
        self.system = system
        self.phases = phases
        retained = Z3Retained(context: owner.context)
    }

    private var context: Z3_context { owner.context }

    /// Declares the variables and returns every top-level assertion.
    func assertions() throws -> [Z3_ast] {
        let realSort = try keepSort(owner.call("Z3_mk_real_sort") { Z3_mk_real_sort(context) })
        self.realSort = realSort
        let intSort = try keepSort(owner.call("Z3_mk_int_sort") { Z3_mk_int_sort(context) })
        let boolSort = try keepSort(owner.call("Z3_mk_bool_sort") { Z3_mk_bool_sort(context) })
        var result: [Z3_ast] = []
        for info in system.variables {
            let symbol = try owner.call("Z3_mk_string_symbol") { Z3_mk_string_symbol(context, info.name) }
            let sort = info.kind == .real ? realSort : (phases == .integer ? intSort : boolSort)
            let constant = try keep("Z3_mk_const") { Z3_mk_const(context, symbol, sort) }
            constants.append(constant)
            switch info.kind {
            case .real:
                if info.lower == info.upper {
                    result.append(try keep("Z3_mk_eq") { Z3_mk_eq(context, constant, try numeral(info.lower)) })
                    continue
                }
                if info.lower.isFinite {
                    let lower = try numeral(info.lower)
                    result.append(try keep("Z3_mk_le") { Z3_mk_le(context, lower, constant) })
                }
                if info.upper.isFinite {
                    let upper = try numeral(info.upper)
                    result.append(try keep("Z3_mk_le") { Z3_mk_le(context, constant, upper) })
                }
            case .phase:
                if phases == .integer {
                    let zero = try keep("Z3_mk_int") { Z3_mk_int(context, 0, intSort) }
                    let one = try keep("Z3_mk_int") { Z3_mk_int(context, 1, intSort) }
                    result.append(try keep("Z3_mk_le") { Z3_mk_le(context, zero, constant) })
                    result.append(try keep("Z3_mk_le") { Z3_mk_le(context, constant, one) })
                }
            }
        }
        for constraint in system.constraints { result.append(try topLevel(constraint)) }
        for disjunction in system.disjunctions {
            var clauses: [Z3_ast?] = []
            for clause in disjunction.clauses {
                var parts: [Z3_ast?] = []
                for constraint in clause { parts.append(try constraintAST(constraint)) }
                clauses.append(try conjunction(parts))
            }
            result.append(try disjunctionAST(clauses))
        }
        return result
    }

    /// Model values of inputs, outputs and every variable.
    func model(from model: Z3_model) throws -> Z3Model {
        var values: [String: Z3Value] = [:]
        var byIndex: [Int: Z3Value] = [:]
        for (index, info) in system.variables.enumerated() {
            var evaluated: Z3_ast?
            let ok = try owner.call("Z3_model_eval") { Z3_model_eval(context, model, constants[index], true, &evaluated) }
            guard ok, let evaluated else {
                throw Z3Error.unexpectedValue(function: "Z3_model_eval", problem: "no value for \(info.name)")
            }
            Z3_inc_ref(context, evaluated)
            defer { Z3_dec_ref(context, evaluated) }
            let value = try owner.value(ofNumeral: evaluated)
            values[info.name] = value
            byIndex[index] = value
        }
        return Z3Model(inputs: system.inputs.map { byIndex[$0.index]! },
                       outputs: system.outputs.map { byIndex[$0.index]! },
                       values: values)
    }

    // MARK: - Constraints

    private func topLevel(_ constraint: System.Constraint) throws -> Z3_ast {
        guard phases == .boolean else { return try constraintAST(constraint) }
        let phaseIndices = Set(constraint.form.terms.map(\.variable.index).filter { system.variables[$0].kind == .phase })
        guard phaseIndices.count == 1, let phase = phaseIndices.first else { return try constraintAST(constraint) }
        let whenOne = try constraintAST(constraint, fixing: phase, to: 1)
        let whenZero = try constraintAST(constraint, fixing: phase, to: 0)
        let p = constants[phase]
        let notP = try keep("Z3_mk_not") { Z3_mk_not(context, p) }
        let first = try keep("Z3_mk_implies") { Z3_mk_implies(context, p, whenOne) }
        let second = try keep("Z3_mk_implies") { Z3_mk_implies(context, notP, whenZero) }
        return try conjunction([first, second])
    }

    /// `Σ terms + Σ constants REL 0`, with `fixing` phase replaced by `value`.
    private func constraintAST(_ constraint: System.Constraint, fixing phase: Int? = nil, to value: Int = 0) throws -> Z3_ast {
        var parts: [Z3_ast?] = []
        for term in constraint.form.terms {
            if term.variable.index == phase {
                if value == 1 { parts.append(try numeral(term.coefficient)) }
                continue
            }
            let variable = try realTerm(term.variable.index)
            if term.coefficient == 1 {
                parts.append(variable)
            } else {
                var factors: [Z3_ast?] = [try numeral(term.coefficient), variable]
                parts.append(try keep("Z3_mk_mul") { Z3_mk_mul(context, 2, &factors) })
            }
        }
        for constant in constraint.form.constants where constant != 0 { parts.append(try numeral(constant)) }
        let zero = try numeral(0)
        let sum: Z3_ast
        switch parts.count {
        case 0: sum = zero
        case 1: sum = parts[0]!
        default: sum = try keep("Z3_mk_add") { Z3_mk_add(context, UInt32(parts.count), &parts) }
        }
        switch constraint.relation {
        case .lessOrEqual: return try keep("Z3_mk_le") { Z3_mk_le(context, sum, zero) }
        case .greaterOrEqual: return try keep("Z3_mk_ge") { Z3_mk_ge(context, sum, zero) }
        case .equal: return try keep("Z3_mk_eq") { Z3_mk_eq(context, sum, zero) }
        }
    }

    /// The variable as a Real term: itself, `(to_real δ)`, or `(ite p 1 0)`.
    private func realTerm(_ index: Int) throws -> Z3_ast {
        guard system.variables[index].kind == .phase else { return constants[index] }
        if let cached = phaseReals[index] { return cached }
        let constant = constants[index]
        let term: Z3_ast
        if phases == .integer {
            term = try keep("Z3_mk_int2real") { Z3_mk_int2real(context, constant) }
        } else {
            let one = try numeral(1), zero = try numeral(0)
            term = try keep("Z3_mk_ite") { Z3_mk_ite(context, constant, one, zero) }
        }
        phaseReals[index] = term
        return term
    }

    private func conjunction(_ parts: [Z3_ast?]) throws -> Z3_ast {
        var parts = parts
        if parts.count == 1 { return parts[0]! }
        if parts.isEmpty { return try keep("Z3_mk_true") { Z3_mk_true(context) } }
        return try keep("Z3_mk_and") { Z3_mk_and(context, UInt32(parts.count), &parts) }
    }

    private func disjunctionAST(_ parts: [Z3_ast?]) throws -> Z3_ast {
        var parts = parts
        if parts.count == 1 { return parts[0]! }
        if parts.isEmpty { return try keep("Z3_mk_false") { Z3_mk_false(context) } }
        return try keep("Z3_mk_or") { Z3_mk_or(context, UInt32(parts.count), &parts) }
    }

    /// The exact rational of `value` as a Real numeral, from the integer string `p/q`.
    private func numeral(_ value: Double) throws -> Z3_ast {
        if let cached = numerals[value.bitPattern] { return cached }
        let text = ExactRational(value).fractionString
        let sort = realSort!
        let ast = try keep("Z3_mk_numeral") { Z3_mk_numeral(context, text, sort) }
        numerals[value.bitPattern] = ast
        return ast
    }

    // MARK: - Reference counting

    private func keep(_ function: StaticString, _ body: () throws -> Z3_ast?) throws -> Z3_ast {
        guard let ast = try owner.call(function, { try body() }) else {
            throw Z3Error.unexpectedValue(function: "\(function)", problem: "null AST")
        }
        return retained.keep(ast)
    }

    private func keepSort(_ sort: Z3_sort?) throws -> Z3_sort {
        guard let sort, let ast = Z3_sort_to_ast(context, sort) else {
            throw Z3Error.unexpectedValue(function: "Z3_mk_sort", problem: "null sort")
        }
        _ = retained.keep(ast)
        return sort
    }
}
