import Encoding

/// What an attack drives the network's outputs towards: the unsafe set of an
/// ``OutputProperty`` (disjunctive normal form of atoms `a(y) <= 0`), entered either
/// non-strictly (a tie, `a(y) = 0`, counts as reached) or strictly (every atom of some
/// disjunct `< 0`).
///
/// The attacks minimise the score
///
/// ```
/// s(y) = min_d max_{a in d} a(y)
/// ```
///
/// which is `<= 0` exactly when some disjunct holds non-strictly and `< 0` exactly when one
/// holds strictly. Two goals of the experiment-level search:
///
/// ```
/// misclassification of c:  OR_{j != c} (y_c - y_j <= 0)   non-strict   s = y_c - max_{j != c} y_j
/// target t (argmax = t):   AND_{j != t} (y_j - y_t <= 0)  strict       s = max_{j != t} y_j - y_t
/// ```
///
/// The first is the pipeline's unsafe set (ties are violations); the second asks the target
/// to win alone, so a reached target goal means `argmax y = t` with no tie.
public struct AttackGoal: Sendable, Equatable {
    public var property: OutputProperty
    /// Reached only when the score is `< 0` (not `<= 0`).
    public var strict: Bool

    public init(property: OutputProperty, strict: Bool) {
        self.property = property
        self.strict = strict
    }

    /// Some class other than `trueClass` scores at least as high (the pipeline's unsafe set).
    public static func misclassification(outputCount: Int, trueClass: Int) -> AttackGoal {
        AttackGoal(property: .misclassification(outputCount: outputCount, trueClass: trueClass), strict: false)
    }

    /// `target` scores strictly higher than every other class.
    public static func target(outputCount: Int, target: Int) -> AttackGoal {
        precondition(target >= 0 && target < outputCount)
        let atoms = (0..<outputCount).filter { $0 != target }.map { other -> OutputAtom in
            var coefficients = [Double](repeating: 0, count: outputCount)
            coefficients[other] = 1
            coefficients[target] = -1
            return OutputAtom(coefficients: coefficients, constant: 0)
        }
        return AttackGoal(property: OutputProperty(outputCount: outputCount, disjuncts: [atoms]), strict: true)
    }

    /// `s(y)`; an attack minimises it.
    public func score(_ outputs: [Double]) -> Double { property.violationScore(outputs) }

    /// Whether `outputs` lie in the goal set (`s < 0` when strict, `s <= 0` otherwise).
    public func isReached(_ outputs: [Double]) -> Bool {
        strict ? score(outputs) < 0 : property.violatedDisjunct(outputs) != nil
    }

    /// The atom whose value is `s(y)`: in the disjunct closest to the goal, its least satisfied
    /// atom (first one on ties). Its coefficient vector is a (sub)gradient direction of `s`
    /// with respect to the outputs; `nil` only for a property without atoms.
    public func activeAtom(_ outputs: [Double]) -> OutputAtom? {
        var best: (score: Double, atom: OutputAtom)?
        for atoms in property.disjuncts {
            guard let worst = atoms.max(by: { $0.value(outputs) < $1.value(outputs) }) else { continue }
            let score = worst.value(outputs)
            if best == nil || score < best!.score { best = (score, worst) }
        }
        return best?.atom
    }
}
