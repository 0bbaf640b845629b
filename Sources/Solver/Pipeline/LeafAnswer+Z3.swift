import Encoding

extension LeafAnswer {
    /// Decides one SMT-LIB2 leaf with Z3 in this process: what the leaf worker (`verify-leaf`,
    /// ``LeafWorker``) runs. The text is what ``PiecewiseLinearSystem/smtlib2(phases:comment:)`` writes; its
    /// input variables are the declared `X_0 ... X_{n-1}` (`(declare-const X_i Real)`).
    ///
    /// Guards against the parse trap of Z3 4.8.12 (a rejected text leaves the solver empty
    /// and `check` then answers `sat`): the Z3 error code is checked
    /// (``Z3Context/solve(smtlib2:options:)``), the text must declare its inputs and contain
    /// `(check-sat)` (the writer's last command, so a file cut short is refused), and a
    /// `sat` model must give every input a rational value.
    ///
    /// An in-process leaf runs this same function on the same text
    /// (``solving(_:context:options:)``), on the solver's long-lived `context` instead of a
    /// fresh one.
    /// - Returns: the answer and the Z3 resource units the query consumed.
    /// - Throws: ``Z3Error`` for text that is not a leaf query or a Z3 failure.
    public static func solving(smtlib2 text: String, options: Z3QueryOptions) throws -> (LeafAnswer, Double) {
        try solving(smtlib2: text, options: options, context: try Z3Context())
    }

    /// ``solving(smtlib2:options:)`` on `context`.
    static func solving(smtlib2 text: String, options: Z3QueryOptions, context: Z3Context) throws -> (LeafAnswer, Double) {
        let inputCount = try inputCount(in: text)
        guard text.contains("(check-sat)") else {
            throw Z3Error.parse(message: "no (check-sat) command: the file is incomplete")
        }
        let result = try context.solve(smtlib2: text, options: options)
        let resources = result.statistics.resourceCount ?? 0
        switch result.outcome {
        case .unsat:
            return (.unsat, resources)
        case .unknown(let reason):
            return (.unknown(reason.description), resources)
        case .sat(let model):
            let values = try (0..<inputCount).map { index -> ExactRational in
                guard let value = model.values["X_\(index)"] else {
                    throw Z3Error.unexpectedValue(function: "Z3_model_get_const_interp", problem: "the model has no value for X_\(index)")
                }
                return value.exact
            }
            return (.sat(values), resources)
        }
    }

    /// Decides a leaf's encoding with Z3 in this process, on `context`: exactly what the leaf
    /// worker does with the text it receives (``LeafQuery/text``), so both places give the
    /// same answer for the same Z3 history.
    /// - Returns: the answer and the Z3 resource units the query consumed.
    static func solving(_ query: LeafQuery, context: Z3Context) throws -> (LeafAnswer, Double) {
        try solving(smtlib2: query.text, options: query.options, context: context)
    }

    /// The number of input variables: the text must declare `X_0 ... X_{n-1}` as `Real`, n >= 1.
    static func inputCount(in text: String) throws -> Int {
        var indices = Set<Int>()
        let prefix = "(declare-const X_"
        for line in text.split(whereSeparator: \.isNewline) {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            guard trimmed.hasPrefix(prefix) else { continue }
            let rest = trimmed.dropFirst(prefix.count)
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard let index = Int(digits), rest.dropFirst(digits.count).hasPrefix(" Real)") else { continue }
            indices.insert(index)
        }
        guard !indices.isEmpty else {
            throw Z3Error.parse(message: "no input variable declared (expected '(declare-const X_0 Real)' ...)")
        }
        guard indices == Set(0..<indices.count) else {
            let missing = (0..<(indices.max()! + 1)).first { !indices.contains($0) }!
            throw Z3Error.parse(message: "input variables are not X_0 ... X_\(indices.count - 1): X_\(missing) is missing")
        }
        return indices.count
    }
}
