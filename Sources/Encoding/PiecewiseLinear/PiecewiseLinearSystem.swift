/// A solver-independent piecewise-linear constraint system: the exact encoding of a
/// piecewise-linear network plus a property, ready for an SMT or MILP back end.
///
/// ```
/// variables:    real  v with  lower <= v <= upper   (either side may be infinite)
///               phase δ ∈ {0, 1}
/// constraints:  Σ_i a_i v_i + Σ_k c_k  (<= | >= | =)  0        (a conjunction)
/// disjunctions: OR_j AND_i constraint_ji                       (each one asserted)
/// ```
/// Every coefficient and constant is a finite `Double` and means the exact rational it
/// denotes; nothing in this type does floating-point arithmetic on them, which is why a
/// ``LinearForm`` keeps a *list* of constants (`b - l` is written as the two constants
/// `b` and `-l`, summed exactly by the solver) and allows a variable to appear in several
/// terms. Negation is the only arithmetic offered (it is exact).
///
/// The system is satisfiable iff some assignment satisfies all bounds, all constraints,
/// and at least one clause of every disjunction. A disjunction with no clause is `false`.
public struct PiecewiseLinearSystem: Sendable, Equatable {
    /// A variable, identified by its position in ``variables``.
    public struct Variable: Sendable, Hashable, Comparable, CustomStringConvertible {
        public let index: Int
        public init(index: Int) { self.index = index }
        public static func < (lhs: Variable, rhs: Variable) -> Bool { lhs.index < rhs.index }
        public var description: String { "v\(index)" }
    }

    public enum VariableKind: Sendable, Equatable {
        /// A real variable.
        case real
        /// A 0/1 phase (case-split) variable; a back end may encode it as an `Int` in
        /// `[0, 1]` or as a Boolean (see ``PhaseEncoding``).
        case phase
    }

    public struct VariableInfo: Sendable, Equatable {
        /// Unique name; also the SMT-LIB2 symbol (quoted with `|...|` when needed).
        public var name: String
        public var kind: VariableKind
        /// `-infinity` when unbounded below; `0` for phases.
        public var lower: Double
        /// `+infinity` when unbounded above; `1` for phases.
        public var upper: Double
    }

    /// `coefficient · variable`.
    public struct Term: Sendable, Equatable {
        public var coefficient: Double
        public var variable: Variable
        public init(_ coefficient: Double, _ variable: Variable) {
            self.coefficient = coefficient
            self.variable = variable
        }
    }

    /// `Σ terms + Σ constants`, evaluated exactly (as rationals) by the solver.
    public struct LinearForm: Sendable, Equatable {
        public var terms: [Term]
        public var constants: [Double]

        public init(terms: [Term] = [], constants: [Double] = []) {
            self.terms = terms
            self.constants = constants
        }

        /// The form `1 · variable`.
        public init(_ variable: Variable) { self.init(terms: [Term(1, variable)]) }

        /// The constant form `value`.
        public init(constant value: Double) { self.init(constants: [value]) }

        /// `-self`, exact (sign flips only).
        public var negated: LinearForm {
            LinearForm(terms: terms.map { Term(-$0.coefficient, $0.variable) }, constants: constants.map { -$0 })
        }

        /// `self + other` (terms and constants concatenated; no rounding).
        public static func + (lhs: LinearForm, rhs: LinearForm) -> LinearForm {
            LinearForm(terms: lhs.terms + rhs.terms, constants: lhs.constants + rhs.constants)
        }

        /// `self - other`, exact.
        public static func - (lhs: LinearForm, rhs: LinearForm) -> LinearForm { lhs + rhs.negated }

        /// The variable when the form is exactly `1 · v` (no constants), else `nil`.
        public var singleVariable: Variable? {
            guard terms.count == 1, terms[0].coefficient == 1, constants.allSatisfy({ $0 == 0 }) else { return nil }
            return terms[0].variable
        }

        /// Whether every coefficient and constant is finite.
        public var isFinite: Bool {
            terms.allSatisfy { $0.coefficient.isFinite } && constants.allSatisfy(\.isFinite)
        }
    }

    public enum Relation: Sendable, Equatable {
        case lessOrEqual, greaterOrEqual, equal

        /// SMT-LIB2 operator.
        public var symbol: String {
            switch self {
            case .lessOrEqual: return "<="
            case .greaterOrEqual: return ">="
            case .equal: return "="
            }
        }
    }

    /// `form REL 0`.
    public struct Constraint: Sendable, Equatable {
        public var form: LinearForm
        public var relation: Relation

        public init(_ form: LinearForm, _ relation: Relation) {
            self.form = form
            self.relation = relation
        }

        /// `lhs REL rhs`, stored as `lhs - rhs REL 0` (exact).
        public init(_ lhs: LinearForm, _ relation: Relation, _ rhs: LinearForm) {
            self.init(lhs - rhs, relation)
        }
    }

    /// `OR_j AND_i clauses[j][i]`; no clause means `false`, an empty clause means `true`.
    public struct Disjunction: Sendable, Equatable {
        public var clauses: [[Constraint]]
        public init(clauses: [[Constraint]]) { self.clauses = clauses }
    }

    public private(set) var variables: [VariableInfo] = []
    public private(set) var constraints: [Constraint] = []
    public private(set) var disjunctions: [Disjunction] = []
    /// The network inputs, in order (a model reports their values first).
    public var inputs: [Variable] = []
    /// The network outputs, in order.
    public var outputs: [Variable] = []
    /// Why the system is not an exact encoding (empty when it is exact). An inexact system is
    /// a sound over-approximation: `unsat` still proves the property, `sat` proves nothing.
    public private(set) var approximations: [String] = []
    private var names: Set<String> = []

    public init() {}

    /// Whether the system encodes its network exactly (no over-approximated layer).
    public var isExact: Bool { approximations.isEmpty }

    /// Number of 0/1 phase variables (case splits).
    public var phaseCount: Int { variables.lazy.filter { $0.kind == .phase }.count }

    /// Adds a real variable. - Precondition: `name` unused, bounds not NaN.
    public mutating func addReal(_ name: String, lower: Double = -.infinity, upper: Double = .infinity) -> Variable {
        precondition(!lower.isNaN && !upper.isNaN, "variable \(name): NaN bound")
        precondition(lower != .infinity && upper != -.infinity, "variable \(name): bound on the wrong side")
        return addVariable(VariableInfo(name: name, kind: .real, lower: lower, upper: upper))
    }

    /// Adds a 0/1 phase variable. - Precondition: `name` unused.
    public mutating func addPhase(_ name: String) -> Variable {
        addVariable(VariableInfo(name: name, kind: .phase, lower: 0, upper: 1))
    }

    /// Tightens a real variable's bounds to the intersection with `[lower, upper]`.
    public mutating func restrict(_ variable: Variable, lower: Double = -.infinity, upper: Double = .infinity) {
        precondition(variables[variable.index].kind == .real, "only real variables have bounds")
        precondition(!lower.isNaN && !upper.isNaN)
        variables[variable.index].lower = Swift.max(variables[variable.index].lower, lower)
        variables[variable.index].upper = Swift.min(variables[variable.index].upper, upper)
    }

    /// Asserts a constraint. - Precondition: finite numbers, known variables.
    public mutating func add(_ constraint: Constraint) {
        checkForm(constraint.form)
        constraints.append(constraint)
    }

    /// Asserts a disjunction. - Precondition: finite numbers, known variables.
    public mutating func add(_ disjunction: Disjunction) {
        for clause in disjunction.clauses { for constraint in clause { checkForm(constraint.form) } }
        disjunctions.append(disjunction)
    }

    /// Records that part of the system over-approximates the network (the system stays sound).
    public mutating func markInexact(_ reason: String) {
        if !approximations.contains(reason) { approximations.append(reason) }
    }

    /// Checks the structural invariants (unique names, valid references, finite numbers,
    /// phase bounds). Does real work; call it from tests and debug paths.
    public func _checkInvariants() {
        precondition(Set(variables.map(\.name)).count == variables.count, "variable names must be unique")
        for info in variables where info.kind == .phase {
            precondition(info.lower == 0 && info.upper == 1, "phase \(info.name) must range over {0, 1}")
        }
        for constraint in constraints { checkForm(constraint.form) }
        for disjunction in disjunctions {
            for clause in disjunction.clauses { for constraint in clause { checkForm(constraint.form) } }
        }
        for variable in inputs + outputs { precondition(variable.index < variables.count) }
    }

    private mutating func addVariable(_ info: VariableInfo) -> Variable {
        precondition(!info.name.isEmpty && !names.contains(info.name), "variable name '\(info.name)' is empty or taken")
        names.insert(info.name)
        variables.append(info)
        return Variable(index: variables.count - 1)
    }

    private func checkForm(_ form: LinearForm) {
        precondition(form.isFinite, "linear forms must have finite coefficients and constants")
        for term in form.terms { precondition(term.variable.index < variables.count, "unknown variable \(term.variable)") }
    }
}

/// How a back end represents the 0/1 phase variables of a ``PiecewiseLinearSystem``.
///
/// - `integer`: `δ` is an `Int` with `0 <= δ <= 1` and the big-M constraints are entered
///   as written (SMT-LIB2 logic `QF_LIRA`; integer literals written `p.0` in real context).
/// - `boolean`: `δ` is a `Bool` `p`; a constraint `C(δ)` mentioning one phase becomes the two
///   implications `p => C(1)` and `(not p) => C(0)` (exact: `δ` only takes 0 or 1), a
///   constraint with several phases uses `(ite p 1 0)` for each; no integer arithmetic is
///   left (logic `QF_LRA`, integer literals in the standard `p` / `(/ p q)` form).
public enum PhaseEncoding: Sendable, Equatable, CaseIterable {
    case integer
    case boolean
}
