// Errors of the VNN-LIB parser: one enum, one sentence per case.

/// A position in a VNN-LIB file: 1-based line, and 1-based column counted in UTF-8 bytes
/// (the same as characters for the ASCII that VNN-LIB files are written in). Line 0 stands
/// for "unknown": an atom or property built in code rather than read from a file.
public struct VNNLibLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// `line:column`.
    public var description: String { "\(line):\(column)" }

    public static func < (a: VNNLibLocation, b: VNNLibLocation) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }
}

/// Everything that can go wrong when reading a VNN-LIB property.
///
/// `description` is one line, `file:line:column: what is wrong; what to do`, ready to be
/// printed by a command-line tool. Each case carries the file name given to the parser and
/// the location of the culprit.
public enum VNNLibError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be read from disk.
    case cannotRead(file: String, reason: String)
    /// A `(` that is never closed, or a `)` without a matching `(`.
    case unbalancedParentheses(file: String, location: VNNLibLocation, detail: String)
    /// A symbol that is neither a declared variable nor a keyword (e.g. an undeclared `Z_0`).
    case unknownSymbol(file: String, location: VNNLibLocation, symbol: String)
    /// A function application whose head is not one of the supported functions.
    case unknownFunction(file: String, location: VNNLibLocation, name: String)
    /// `X_i`/`Y_i` with `i` not below the number of declared inputs/outputs.
    case indexOutOfRange(file: String, location: VNNLibLocation, variable: String, declaredCount: Int)
    /// The file declares a different number of inputs/outputs than the network has.
    /// `what` is `"inputs"` or `"outputs"`.
    case sizeMismatch(file: String, location: VNNLibLocation, what: String, declared: Int, expected: Int)
    /// In one disjunct, an input's lower bound lies above its upper bound.
    case lowerAboveUpper(
        file: String, location: VNNLibLocation, variable: String, lower: Double, upper: Double, disjunct: Int)
    /// In one disjunct, an input lacks a lower or an upper bound. `side` is `"lower"` or
    /// `"upper"`; the location is the variable's declaration.
    case unboundedInput(file: String, location: VNNLibLocation, variable: String, side: String, disjunct: Int)
    /// An input constraint that is not a bound on a single input (several inputs, or inputs
    /// mixed with outputs) where an input box is required.
    case unsupportedInputConstraint(file: String, location: VNNLibLocation, detail: String)
    /// A product of two variable terms, such as `(* X_0 X_1)`.
    case nonLinearTerm(file: String, location: VNNLibLocation, detail: String)
    /// A top-level command other than `declare-const`, `declare-fun` (nullary), `assert` and
    /// the ignored `set-logic`, `set-info`, `set-option`, `check-sat`, `get-model`, `exit`.
    case unsupportedCommand(file: String, location: VNNLibLocation, command: String)
    /// A declaration of a sort other than `Real`.
    case unsupportedSort(file: String, location: VNNLibLocation, variable: String, sort: String)
    /// A bad declaration: a name other than `X_i`/`Y_i`, a duplicate, or a gap in the indices.
    case invalidDeclaration(file: String, location: VNNLibLocation, detail: String)
    /// A token that looks like a number but is not a decimal numeral, whose magnitude lies
    /// beyond the finite `Double`s, or whose exact value needs more than 1,200 decimal digits
    /// (such as `1e-2000`).
    case badNumeral(file: String, location: VNNLibLocation, text: String)
    /// A coefficient or constant of a comparison lies beyond the finite `Double`s (e.g.
    /// `(* 1e200 1e200 X_0)`), or constant arithmetic outgrew the exact-arithmetic size bound.
    case arithmeticOverflow(file: String, location: VNNLibLocation)
    /// An output constraint whose coefficients no positive scaling turns into `Double`s all at
    /// once (as `0.1·Y_0 - 0.3·Y_1` becomes `Y_0 - 3·Y_1`), so the floating-point solver
    /// cannot take it exactly and no outward rounding of the constant alone enlarges it.
    case inexactOutputCoefficients(file: String, location: VNNLibLocation, atom: String)
    /// A well-parenthesised expression in the wrong shape (wrong arity, a term where a
    /// constraint is expected, an empty list, ...).
    case malformed(file: String, location: VNNLibLocation, detail: String)
    /// Distributing `and` over `or` would produce more than `limit` disjuncts.
    case tooManyDisjuncts(file: String, location: VNNLibLocation, limit: Int)
    /// Distributing `and` over `or` would produce more than `limit` atoms in total.
    case tooManyAtoms(file: String, location: VNNLibLocation, limit: Int)
    /// Parentheses nested deeper than `limit`.
    case nestingTooDeep(file: String, location: VNNLibLocation, limit: Int)

    /// The file name the error refers to.
    public var file: String {
        switch self {
        case .cannotRead(let file, _),
            .unbalancedParentheses(let file, _, _),
            .unknownSymbol(let file, _, _),
            .unknownFunction(let file, _, _),
            .indexOutOfRange(let file, _, _, _),
            .sizeMismatch(let file, _, _, _, _),
            .lowerAboveUpper(let file, _, _, _, _, _),
            .unboundedInput(let file, _, _, _, _),
            .unsupportedInputConstraint(let file, _, _),
            .nonLinearTerm(let file, _, _),
            .unsupportedCommand(let file, _, _),
            .unsupportedSort(let file, _, _, _),
            .invalidDeclaration(let file, _, _),
            .badNumeral(let file, _, _),
            .arithmeticOverflow(let file, _),
            .inexactOutputCoefficients(let file, _, _),
            .malformed(let file, _, _),
            .tooManyDisjuncts(let file, _, _),
            .tooManyAtoms(let file, _, _),
            .nestingTooDeep(let file, _, _):
            return file
        }
    }

    /// Where in the file the culprit is; `nil` only for `cannotRead`.
    public var location: VNNLibLocation? {
        switch self {
        case .cannotRead:
            return nil
        case .unbalancedParentheses(_, let at, _),
            .unknownSymbol(_, let at, _),
            .unknownFunction(_, let at, _),
            .indexOutOfRange(_, let at, _, _),
            .sizeMismatch(_, let at, _, _, _),
            .lowerAboveUpper(_, let at, _, _, _, _),
            .unboundedInput(_, let at, _, _, _),
            .unsupportedInputConstraint(_, let at, _),
            .nonLinearTerm(_, let at, _),
            .unsupportedCommand(_, let at, _),
            .unsupportedSort(_, let at, _, _),
            .invalidDeclaration(_, let at, _),
            .badNumeral(_, let at, _),
            .arithmeticOverflow(_, let at),
            .inexactOutputCoefficients(_, let at, _),
            .malformed(_, let at, _),
            .tooManyDisjuncts(_, let at, _),
            .tooManyAtoms(_, let at, _),
            .nestingTooDeep(_, let at, _):
            return at
        }
    }

    /// `file:line:column: message`, on one line.
    public var description: String {
        guard let location else { return "\(file): \(message)" }
        return "\(file):\(location): \(message)"
    }

    /// What is wrong and what to do, without the file and location.
    public var message: String {
        switch self {
        case .cannotRead(_, let reason):
            return "cannot read the VNN-LIB file (\(reason)); check the path and its permissions"
        case .unbalancedParentheses(_, _, let detail):
            return "unbalanced parentheses: \(Self.shown(detail, limit: 500)); make every '(' match a ')'"
        case .unknownSymbol(_, _, let symbol):
            return "unknown symbol '\(Self.shown(symbol))'; declare variables with (declare-const X_i Real) "
                + "or (declare-const Y_i Real) before using them"
        case .unknownFunction(_, _, let name):
            return "unknown function '\(Self.shown(name))'; supported are and, or, <=, >=, <, >, =, +, -, *"
        case .indexOutOfRange(_, _, let variable, let count):
            let prefix = variable.hasPrefix("X") ? "X" : "Y"
            let declared = count == 0 ? "none are declared" : "only \(prefix)_0 … \(prefix)_\(count - 1) are declared"
            return "\(variable) is out of range: \(declared); declare it or fix the index"
        case .sizeMismatch(_, _, let what, let declared, let expected):
            let prefix = what == "inputs" ? "X" : "Y"
            return "the property declares \(declared) \(what) (\(prefix)_0 …) but the network has \(expected); "
                + "use the property written for this network"
        case .lowerAboveUpper(_, _, let variable, let lower, let upper, let disjunct):
            return "input \(variable) has lower bound \(lower) above its upper bound \(upper) in disjunct \(disjunct); "
                + "the input set is empty: fix the bounds"
        case .unboundedInput(_, _, let variable, let side, let disjunct):
            let fix = side == "lower" ? "(assert (>= \(variable) LOWER))" : "(assert (<= \(variable) UPPER))"
            return "input \(variable) has no \(side) bound in disjunct \(disjunct); every input must be bounded "
                + "on both sides: add \(fix)"
        case .unsupportedInputConstraint(_, _, let detail):
            return "unsupported input constraint: \(Self.shown(detail, limit: 500)); only bounds on single inputs, "
                + "like (<= X_0 1), define an input box"
        case .nonLinearTerm(_, _, let detail):
            return "non-linear term: \(Self.shown(detail, limit: 500)); only constant multiples of variables are supported"
        case .unsupportedCommand(_, _, let command):
            return "unsupported command '\(Self.shown(command))'; a VNN-LIB file holds only declare-const and assert"
        case .unsupportedSort(_, _, let variable, let sort):
            return "\(Self.shown(variable)) is declared of sort '\(Self.shown(sort))'; declare it as Real"
        case .invalidDeclaration(_, _, let detail):
            return "invalid declaration: \(Self.shown(detail, limit: 500))"
        case .badNumeral(_, _, let text):
            return "bad numeral '\(Self.shown(text))'; write a finite decimal number such as 3, -0.5, 1.25 or 1e-05"
        case .arithmeticOverflow:
            return "a coefficient or constant overflows Double; use smaller constants"
        case .inexactOutputCoefficients(_, _, let atom):
            return "the output constraint \(Self.shown(atom, limit: 500)) has coefficients that are not Doubles "
                + "even after scaling; write its coefficients with fewer significant digits (ratios such as 1, 0.5, 0.1)"
        case .malformed(_, _, let detail):
            return Self.shown(detail, limit: 500)
        case .tooManyDisjuncts(_, _, let limit):
            return "distributing 'and' over 'or' gives more than \(limit) disjuncts; "
                + "split the property into several files"
        case .tooManyAtoms(_, _, let limit):
            return "distributing 'and' over 'or' gives more than \(limit) atoms in total; "
                + "split the property into several files"
        case .nestingTooDeep(_, _, let limit):
            return "parentheses are nested more than \(limit) deep; flatten the expression"
        }
    }

    /// Text from the file as shown in a message: control characters escaped (so that the
    /// message stays on one line) and at most `limit` characters.
    static func shown(_ text: String, limit: Int = 60) -> String {
        var result = ""
        var count = 0
        for scalar in text.unicodeScalars {
            if count == limit {
                result += "…"
                break
            }
            switch scalar {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    result += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
            count += 1
        }
        return result
    }
}
