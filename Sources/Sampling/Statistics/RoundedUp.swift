// Upper bounds on products, quotients and sums of non-negative reals, with an exponent that
// cannot underflow or overflow: the arithmetic behind the sound binomial tail bound.
//
// The rounding error of each round-to-nearest operation is recovered exactly with an
// error-free transformation (TwoSum for sums, the fused multiply-add for products and
// quotients), and the result is stepped up one ulp only when it lies below the exact value.
// References: D. E. Knuth, TAOCP vol. 2, 4.2.2 (TwoSum); N. J. Higham, "Accuracy and
// Stability of Numerical Algorithms", 2nd ed., 2002, section 2.6 (the FMA residual of a
// product and of a quotient is exact when no underflow occurs).

/// A number `significand · 2^exponent >= 0` (significand in `[1, 2)`, or the number is zero)
/// that is an upper bound of a real computed from exact non-negative inputs.
///
/// Every operation returns the smallest such number (at binary64 precision) above the exact
/// result of the operation on its operands, so a chain of operations bounds the exact chain
/// from above. The significand stays in `[1, 2)` and the exponent is an `Int`, so terms like
/// `0.01^100000` neither underflow to `0` nor lose precision.
///
/// Postconditions: `a.times(b) >= a·b`, `a.dividedBy(b) >= a/b`, `a.plus(b) >= a + b`
/// exactly, whenever `a`, `b` are the represented values.
struct RoundedUp: Sendable, Hashable, Comparable {
    /// In `[1, 2)`; `0` only for the number zero.
    private(set) var significand: Double
    private(set) var exponent: Int

    static let zero = RoundedUp(significand: 0, exponent: 0)

    private init(significand: Double, exponent: Int) {
        self.significand = significand
        self.exponent = exponent
    }

    /// The exact value of a finite non-negative double (`Double.significand` and `exponent`
    /// are exact, subnormals included). - Precondition: `value >= 0` and finite.
    init(_ value: Double) {
        precondition(value >= 0 && value.isFinite, "RoundedUp needs a finite non-negative value, got \(value)")
        if value == 0 {
            self = .zero
        } else {
            self.init(significand: value.significand, exponent: Int(value.exponent))
        }
    }

    var isZero: Bool { significand == 0 }

    /// A significand in `[1, 4)` (exact or already rounded up) brought back to `[1, 2)`;
    /// halving is exact.
    private static func normalized(_ s: Double, _ e: Int) -> RoundedUp {
        s >= 2 ? RoundedUp(significand: s / 2, exponent: e + 1) : RoundedUp(significand: s, exponent: e)
    }

    /// `RU(a · b)`.
    ///
    /// ```
    /// p = fl(sa · sb) in [1, 4),  r = fma(sa, sb, -p) = sa·sb - p   (exact: no underflow)
    /// result = (r > 0 ? nextUp(p) : p) · 2^(ea + eb)
    /// ```
    func times(_ other: RoundedUp) -> RoundedUp {
        if isZero || other.isZero { return .zero }
        let p = significand * other.significand
        let residual = (-p).addingProduct(significand, other.significand)
        return Self.normalized(residual > 0 ? p.nextUp : p, exponent + other.exponent)
    }

    /// `RU(a / b)`. - Precondition: `b` is not zero.
    ///
    /// ```
    /// q = fl(sa / sb) in (1/2, 2),  r = fma(-q, sb, sa) = sa - q·sb   (exact: no underflow)
    /// r > 0 means q < sa / sb: result = (r > 0 ? nextUp(q) : q) · 2^(ea - eb)
    /// ```
    func dividedBy(_ other: RoundedUp) -> RoundedUp {
        precondition(!other.isZero, "division by zero")
        if isZero { return .zero }
        var q = significand / other.significand
        let residual = significand.addingProduct(-q, other.significand)
        if residual > 0 { q = q.nextUp }
        // q in (1/2, 2]: doubling is exact.
        return q < 1 ? Self.normalized(q * 2, exponent - other.exponent - 1) : Self.normalized(q, exponent - other.exponent)
    }

    /// `RU(a + b)`.
    ///
    /// ```
    /// align the smaller operand: s_small · 2^-(d)   (exact while d <= 1000: the result stays normal)
    /// t = fl(s_big + s_small 2^-d),  e = TwoSum error (exact)
    /// result = (e > 0 ? nextUp(t) : t) · 2^e_big
    /// d > 1000: the smaller operand is below 2^-999 of the larger, less than one ulp of it:
    ///           result = nextUp(s_big) · 2^e_big
    /// ```
    func plus(_ other: RoundedUp) -> RoundedUp {
        if isZero { return other }
        if other.isZero { return self }
        let (big, small) = exponent >= other.exponent ? (self, other) : (other, self)
        let shift = big.exponent - small.exponent
        if shift > 1000 { return Self.normalized(big.significand.nextUp, big.exponent) }
        let a = big.significand
        let b = Double(sign: .plus, exponent: -shift, significand: small.significand)
        let t = a + b
        return Self.normalized(DirectedArithmetic.sumError(a, b, t) > 0 ? t.nextUp : t, big.exponent)
    }

    /// Exact comparison of the represented values.
    static func < (lhs: RoundedUp, rhs: RoundedUp) -> Bool {
        if lhs.isZero || rhs.isZero { return lhs.isZero && !rhs.isZero }
        return (lhs.exponent, lhs.significand) < (rhs.exponent, rhs.significand)
    }
}
