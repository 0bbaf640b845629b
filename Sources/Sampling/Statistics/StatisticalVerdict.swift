// The three-valued verdict on "p >= 1 - delta" and how bounds decide it.

/// The verdict on `p >= 1 - delta` for one class, or on "for every class" overall.
public enum StatisticalVerdict: String, Sendable, Hashable, Codable, CaseIterable {
    /// The lower confidence bound reaches `1 - delta`.
    case holds = "HOLDS"
    /// The upper confidence bound is below `1 - delta`.
    case fails = "FAILS"
    /// Neither: more samples (or fewer unknowns) are needed.
    case inconclusive = "INCONCLUSIVE"

    /// The verdict from a lower and an upper bound on `p`:
    ///
    /// ```
    /// HOLDS         if lower >= 1 - delta       (decided as lower + delta >= 1, exactly)
    /// FAILS         if upper <  1 - delta       (decided as upper + delta <  1, exactly)
    /// INCONCLUSIVE  otherwise
    /// ```
    ///
    /// With one-sided bounds each at level `alpha`, the verdict is wrong with probability at
    /// most `alpha`: if `p >= 1 - delta` only FAILS is wrong, and that needs the upper bound to
    /// miss `p`; if `p < 1 - delta` only HOLDS is wrong, and that needs the lower bound to miss.
    ///
    /// The comparisons are exact in the reals (``compareSumWithOne(_:_:)``): `fl(1 - delta)`
    /// may lie below `1 - delta` (for `delta = 0.01` it does, by 9e-18), and a lower bound in
    /// between would otherwise read as HOLDS.
    ///
    /// Postconditions: HOLDS and FAILS never both apply when `lower <= upper`.
    public init(lower: Double, upper: Double, delta: Double) {
        if Self.compareSumWithOne(lower, delta) >= 0 {
            self = .holds
        } else if Self.compareSumWithOne(upper, delta) < 0 {
            self = .fails
        } else {
            self = .inconclusive
        }
    }

    /// The sign of `a + b - 1` in exact arithmetic, for finite `a`, `b` in `[0, 1]`.
    ///
    /// ```
    /// s = fl(a + b),  e = (a + b) - s   (TwoSum, exact)
    /// s > 1:  s >= 1 + 2^-52 and |e| <= ulp(s)/2 = 2^-53, so a + b > 1
    /// s < 1:  s <= 1 - 2^-53 and |e| <= ulp(s)/2 <= 2^-54, so a + b < 1
    /// s = 1:  a + b - 1 = e
    /// ```
    static func compareSumWithOne(_ a: Double, _ b: Double) -> Int {
        let s = a + b
        if s > 1 { return 1 }
        if s < 1 { return -1 }
        let bVirtual = s - a
        let aVirtual = s - bVirtual
        let e = (a - aVirtual) + (b - bVirtual)
        return e > 0 ? 1 : (e < 0 ? -1 : 0)
    }

    /// The overall verdict of a conjunction "for every class":
    /// HOLDS if all hold, FAILS if any fails, INCONCLUSIVE otherwise.
    ///
    /// Edge cases: an empty sequence gives HOLDS (the empty conjunction).
    public static func conjunction(_ verdicts: some Sequence<StatisticalVerdict>) -> StatisticalVerdict {
        var allHold = true
        for verdict in verdicts {
            switch verdict {
            case .fails: return .fails
            case .inconclusive: allHold = false
            case .holds: break
            }
        }
        return allHold ? .holds : .inconclusive
    }
}
