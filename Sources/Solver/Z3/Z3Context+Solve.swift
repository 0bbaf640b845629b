internal import CZ3
import Encoding

extension Z3Context {
    /// Decides a ``PiecewiseLinearSystem`` on a fresh solver.
    ///
    /// The query reaches Z3 as the system's SMT-LIB2 text
    /// (``PiecewiseLinearSystem/smtlib2(phases:comment:)``, exact rational numerals), read by
    /// ``solve(smtlib2:options:)``: the one form every query takes, in this process and in the
    /// leaf worker (`verify-leaf`) alike, so both run Z3 on the same text.
    ///
    /// - `sat`: the model gives every input and output (and every named variable) as an
    ///   exact rational. It is Z3's claim about the *exact* system; the caller re-evaluates
    ///   the inputs in floating point before reporting a counterexample (design rule 4).
    /// - `unsat`: a proof when the system is exact and its big-M constants are sound.
    /// - `unknown`: resource limit, timeout, interrupt, or Z3's own reason.
    /// - Throws: ``Z3Error`` when a Z3 call fails (never for a merely hard query).
    public func solve(_ system: PiecewiseLinearSystem, options: Z3QueryOptions = Z3QueryOptions()) throws -> Z3Result {
        try solve(parsing: system.smtlib2(phases: options.phases), options: options) { model in
            try systemModel(model, of: system, phases: options.phases)
        }
    }

    /// Decides SMT-LIB2 text (for example a file written by
    /// ``PiecewiseLinearSystem/smtlib2(phases:comment:)``); `(check-sat)` and other
    /// commands in the text are ignored, only declarations and assertions count.
    /// - Throws: ``Z3Error/parse(message:)`` when the text does not parse, or when it
    ///   mentions `assert` but yields no assertion (Z3 then leaves the solver empty and
    ///   would answer `sat`).
    public func solve(smtlib2 text: String, options: Z3QueryOptions = Z3QueryOptions()) throws -> Z3Result {
        try solve(parsing: text, options: options) { model in
            Z3Model(inputs: [], outputs: [], values: try constantValues(model))
        }
    }

    /// Reads `text` into a fresh solver, checks it and reads a model with `readModel`.
    fileprivate func solve(parsing text: String, options: Z3QueryOptions,
                           readModel: (Z3_model) throws -> Z3Model) throws -> Z3Result {
        try withSolver(options: options) { solver in
            do {
                try call("Z3_solver_from_string") { Z3_solver_from_string(context, solver, text) }
            } catch Z3Error.call(_, _, let message) {
                throw Z3Error.parse(message: message)
            }
            let assertions = try call("Z3_solver_get_assertions") { Z3_solver_get_assertions(context, solver) }
            guard let assertions else { throw Z3Error.parse(message: "no assertion vector") }
            Z3_ast_vector_inc_ref(context, assertions)
            let count = try call("Z3_ast_vector_size") { Z3_ast_vector_size(context, assertions) }
            Z3_ast_vector_dec_ref(context, assertions)
            if count == 0 && text.contains("assert") {
                throw Z3Error.parse(message: "the text mentions assert but Z3 read no assertion")
            }
            return try runCheck(solver, options: options, readModel: readModel)
        }
    }

    /// The model of `system`'s variables by name, with its inputs and outputs in order. A
    /// variable the model leaves out (one no assertion constrains) gets Z3's completion value.
    fileprivate func systemModel(_ model: Z3_model, of system: PiecewiseLinearSystem, phases: PhaseEncoding) throws -> Z3Model {
        var values = try constantValues(model)
        for info in system.variables where values[info.name] == nil {
            values[info.name] = try completedValue(model, name: info.name, kind: info.kind, phases: phases)
        }
        let names = system.variables.map(\.name)
        return Z3Model(inputs: system.inputs.map { values[names[$0.index]]! },
                       outputs: system.outputs.map { values[names[$0.index]]! }, values: values)
    }

    /// Z3's value of the constant `name` under `model` with model completion.
    fileprivate func completedValue(_ model: Z3_model, name: String, kind: PiecewiseLinearSystem.VariableKind,
                                    phases: PhaseEncoding) throws -> Z3Value {
        let symbol = try call("Z3_mk_string_symbol") { Z3_mk_string_symbol(context, name) }
        let sort: Z3_sort?
        switch (kind, phases) {
        case (.real, _): sort = try call("Z3_mk_real_sort") { Z3_mk_real_sort(context) }
        case (.phase, .integer): sort = try call("Z3_mk_int_sort") { Z3_mk_int_sort(context) }
        case (.phase, .boolean): sort = try call("Z3_mk_bool_sort") { Z3_mk_bool_sort(context) }
        }
        guard let constant = try call("Z3_mk_const", { Z3_mk_const(context, symbol, sort) }) else {
            throw Z3Error.unexpectedValue(function: "Z3_mk_const", problem: "no constant for \(name)")
        }
        Z3_inc_ref(context, constant)
        defer { Z3_dec_ref(context, constant) }
        var evaluated: Z3_ast?
        let ok = try call("Z3_model_eval") { Z3_model_eval(context, model, constant, true, &evaluated) }
        guard ok, let evaluated else {
            throw Z3Error.unexpectedValue(function: "Z3_model_eval", problem: "no value for \(name)")
        }
        Z3_inc_ref(context, evaluated)
        defer { Z3_dec_ref(context, evaluated) }
        return try value(ofNumeral: evaluated)
    }

    // MARK: - Query plumbing

    /// Creates a fresh solver with the query's parameters, runs `body`, releases the solver.
    fileprivate func withSolver<T>(options: Z3QueryOptions, _ body: (Z3_solver) throws -> T) throws -> T {
        let made: Z3_solver?
        switch options.solver {
        case .smtCore: made = try call("Z3_mk_simple_solver") { Z3_mk_simple_solver(context) }
        case .automatic: made = try call("Z3_mk_solver") { Z3_mk_solver(context) }
        }
        guard let solver = made else {
            throw Z3Error.unexpectedValue(function: "Z3_mk_solver", problem: "no solver")
        }
        Z3_solver_inc_ref(context, solver)
        defer { Z3_solver_dec_ref(context, solver) }
        guard let params = try call("Z3_mk_params", { Z3_mk_params(context) }) else {
            throw Z3Error.unexpectedValue(function: "Z3_mk_params", problem: "no parameter set")
        }
        Z3_params_inc_ref(context, params)
        defer { Z3_params_dec_ref(context, params) }
        func set(_ name: String, _ value: UInt32) throws {
            let symbol = try call("Z3_mk_string_symbol") { Z3_mk_string_symbol(context, name) }
            try call("Z3_params_set_uint") { Z3_params_set_uint(context, params, symbol, value) }
        }
        if let limit = options.resourceLimit { try set("rlimit", limit) }
        if let timeout = options.timeoutMilliseconds { try set("timeout", timeout) }
        try set("random_seed", options.randomSeed)
        try call("Z3_solver_set_params") { Z3_solver_set_params(context, solver, params) }
        return try body(solver)
    }

    /// `Z3_solver_check`, then the model, reason and statistics.
    fileprivate func runCheck(_ solver: Z3_solver, options: Z3QueryOptions, readModel: (Z3_model) throws -> Z3Model) throws -> Z3Result {
        storage.interruptRequested.store(false, ordering: .sequentiallyConsistent)
        let answer = try call("Z3_solver_check") { Z3_solver_check(context, solver) }
        var statistics = try self.statistics(solver)
        if let count = statistics.values["rlimit count"] {
            // Z3 counts resources per context; the query used the increase since the last one.
            statistics.resourceUsed = count - resourceCountSoFar
            resourceCountSoFar = count
        }
        switch answer {
        case Z3_L_TRUE:
            guard let model = try call("Z3_solver_get_model", { Z3_solver_get_model(context, solver) }) else {
                throw Z3Error.unexpectedValue(function: "Z3_solver_get_model", problem: "sat without a model")
            }
            Z3_model_inc_ref(context, model)
            defer { Z3_model_dec_ref(context, model) }
            return Z3Result(outcome: .sat(try readModel(model)), statistics: statistics)
        case Z3_L_FALSE:
            return Z3Result(outcome: .unsat, statistics: statistics)
        default:
            let text = string(try call("Z3_solver_get_reason_unknown") { Z3_solver_get_reason_unknown(context, solver) })
            return Z3Result(outcome: .unknown(classify(text, options: options, resourceUsed: statistics.resourceUsed)), statistics: statistics)
        }
    }

    /// Maps Z3's reason to a ``Z3UnknownReason``. Z3 4.8.12 says "canceled" for an
    /// interrupt, a timeout and an exhausted `rlimit` alike, so the wrapper decides from
    /// its own evidence: its interrupt flag, then the resources the query consumed, then
    /// whether a timeout was set.
    fileprivate func classify(_ text: String, options: Z3QueryOptions, resourceUsed: Double?) -> Z3UnknownReason {
        if storage.interruptRequested.load(ordering: .sequentiallyConsistent) { return .interrupted }
        if let limit = options.resourceLimit, let used = resourceUsed, used >= Double(limit) { return .resourceLimit }
        if text.contains("resource limit") { return .resourceLimit }
        if options.timeoutMilliseconds != nil && (text.contains("cancel") || text.contains("timeout")) { return .timeout }
        return .other(text)
    }

    fileprivate func statistics(_ solver: Z3_solver) throws -> Z3Statistics {
        guard let stats = try call("Z3_solver_get_statistics", { Z3_solver_get_statistics(context, solver) }) else {
            return Z3Statistics()
        }
        Z3_stats_inc_ref(context, stats)
        defer { Z3_stats_dec_ref(context, stats) }
        var values: [String: Double] = [:]
        let count = try call("Z3_stats_size") { Z3_stats_size(context, stats) }
        for index in 0..<count {
            let key = string(try call("Z3_stats_get_key") { Z3_stats_get_key(context, stats, index) })
            if try call("Z3_stats_is_uint", { Z3_stats_is_uint(context, stats, index) }) {
                values[key] = Double(try call("Z3_stats_get_uint_value") { Z3_stats_get_uint_value(context, stats, index) })
            } else {
                values[key] = try call("Z3_stats_get_double_value") { Z3_stats_get_double_value(context, stats, index) }
            }
        }
        return Z3Statistics(values: values)
    }

    // MARK: - Model values

    /// The exact value of a numeral AST (`p`, `p/q`, negative allowed) or a Boolean.
    func value(ofNumeral ast: Z3_ast) throws -> Z3Value {
        let kind = try call("Z3_get_bool_value") { Z3_get_bool_value(context, ast) }
        if kind == Z3_L_TRUE || kind == Z3_L_FALSE {
            let bit = kind == Z3_L_TRUE ? 1.0 : 0.0
            return Z3Value(exact: ExactRational(bit), decimal: bit == 1 ? "1" : "0", double: bit)
        }
        guard try call("Z3_is_numeral_ast", { Z3_is_numeral_ast(context, ast) }) else {
            let text = string(try call("Z3_ast_to_string") { Z3_ast_to_string(context, ast) })
            throw Z3Error.unexpectedValue(function: "Z3_model_eval", problem: "\(text) is not a rational numeral")
        }
        let fraction = string(try call("Z3_get_numeral_string") { Z3_get_numeral_string(context, ast) })
        guard let exact = ExactRational(fraction: fraction) else {
            throw Z3Error.unexpectedValue(function: "Z3_get_numeral_string", problem: "cannot parse '\(fraction)'")
        }
        let decimal = string(try call("Z3_get_numeral_decimal_string") {
            Z3_get_numeral_decimal_string(context, ast, Z3Value.decimalDigits)
        })
        return Z3Value(exact: exact, decimal: decimal, double: exact.nearestDouble)
    }

    /// Values of every 0-ary constant of `model`, by name (non-numeric ones are skipped).
    fileprivate func constantValues(_ model: Z3_model) throws -> [String: Z3Value] {
        var values: [String: Z3Value] = [:]
        let count = try call("Z3_model_get_num_consts") { Z3_model_get_num_consts(context, model) }
        for index in 0..<count {
            guard let decl = try call("Z3_model_get_const_decl", { Z3_model_get_const_decl(context, model, index) }),
                  let interpretation = try call("Z3_model_get_const_interp", { Z3_model_get_const_interp(context, model, decl) })
            else { continue }
            Z3_inc_ref(context, interpretation)
            defer { Z3_dec_ref(context, interpretation) }
            let symbol = try call("Z3_get_decl_name") { Z3_get_decl_name(context, decl) }
            let name = string(try call("Z3_get_symbol_string") { Z3_get_symbol_string(context, symbol) })
            if let value = try? value(ofNumeral: interpretation) { values[name] = value }
        }
        return values
    }
}
