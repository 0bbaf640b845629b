import Network
import Solver

/// What the adversarial noise `x'` must make the classifier say, for noises of class `c`.
///
/// ```
/// anyOther:   NOT (y_c > y_j for every j != c)     some other class scores >= y_c (a tie counts)
/// label(t):   y_t > y_j for every j != t           t wins alone (a tie does not count)
/// ```
///
/// The first is the exact pipeline's unsafe set (ties are violations, the conservative side
/// of a ROBUST claim); the second is what "classified as t" means without ambiguity.
public enum AdversarialTarget: Sendable, Equatable, CustomStringConvertible {
    case anyOther
    case label(Int)

    /// `any` or the class number.
    public var description: String {
        switch self {
        case .anyOther: return "any"
        case .label(let t): return String(t)
        }
    }

    /// The attack goal on the outputs of `C ∘ G_c`.
    public func goal(trueClass: Int, outputCount: Int) -> AttackGoal {
        switch self {
        case .anyOther: return .misclassification(outputCount: outputCount, trueClass: trueClass)
        case .label(let t): return .target(outputCount: outputCount, target: t)
        }
    }

    /// Whether `logits` (the plain float forward pass at `x'`) satisfy the target.
    public func isReached(trueClass: Int, logits: [Double]) -> Bool {
        goal(trueClass: trueClass, outputCount: logits.count).isReached(logits)
    }
}

extension Array where Element == Double {
    /// `y_c - max_{j != c} y_j`: positive exactly when class `c` wins alone.
    func margin(of c: Int) -> Double {
        var other = -Double.infinity
        for j in indices where j != c { other = Swift.max(other, self[j]) }
        return self[c] - other
    }
}
