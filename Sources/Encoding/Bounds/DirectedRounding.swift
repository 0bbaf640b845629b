// Directed rounding for sound bound propagation.
//
// IEEE-754 binary64 arithmetic rounds to nearest; Swift offers no switch of the rounding
// mode. Every bound computed in this module is therefore made sound by one of two means:
//
// 1. Per-operation directed rounding (this file): `addDown(a, b)` returns the largest Double
//    that is <= the exact sum a + b, i.e. RD(a + b) (and `addUp`, `mulDown`, `mulUp`
//    likewise). The rounding error of the round-to-nearest result is recovered exactly with
//    an error-free transformation (Knuth's TwoSum for sums, the fused multiply-add
//    `(-p).addingProduct(a, b) = a*b - p` for products); the result is stepped one ulp with
//    `nextDown`/`nextUp` only when that error has the wrong sign. An exact operation is thus
//    never widened, which keeps hand-checkable examples exact.
// 2. A priori error bounds (`gammaUp`, `dotError`, `absoluteSumUp`) for dot products
//    computed in plain round-to-nearest (fast, vectorisable): the interval affine step and
//    every step of back-substitution use these, and apply per-operation directed rounding
//    only to the few scalars that combine a result with its error bound.
//
// References: D. E. Knuth, TAOCP vol. 2, 4.2.2 (TwoSum); N. J. Higham, "Accuracy and
// Stability of Numerical Algorithms", 2nd ed., 2002, sections 2.2 and 3.1 (the model
// fl(x op y) = (x op y)(1 + d) + e, |d| <= u, |e| <= eta/2, and gamma_n = n u / (1 - n u)).

/// Directed-rounding primitives on `Double` (binary64, round-to-nearest hardware).
///
/// All functions are total: overflow, infinities and NaN produce a result that is still a
/// valid bound in the requested direction (a NaN, which has no direction, becomes
/// `-infinity` for a lower bound and `+infinity` for an upper bound).
enum DirectedRounding {
    /// The unit roundoff of binary64, `u = 2^-53`.
    static let unitRoundoff: Double = 0x1p-53
    /// The smallest positive subnormal, `eta = 2^-1074`: the absolute error bound (times 2)
    /// of a product that underflows.
    static let eta: Double = .leastNonzeroMagnitude
    /// Below this magnitude the error term of a product may itself be inexact (it would
    /// fall into the subnormal range), so `mulDown`/`mulUp` step unconditionally.
    static let exactProductThreshold: Double = 0x1p-900

    /// `RD(a + b)`: the largest Double `<=` the exact sum.
    ///
    /// ```
    /// s = fl(a + b);  e = (a + b) - s   (TwoSum, exact when s is finite)
    /// RD(a + b) = e < 0 ? nextDown(s) : s
    /// ```
    /// Edge cases: overflow of finite operands gives `greatestFiniteMagnitude` (when the sum
    /// is above it) or `-infinity`; `inf + (-inf)` and NaN give `-infinity`.
    @inline(__always)
    static func addDown(_ a: Double, _ b: Double) -> Double {
        let s = a + b
        if !s.isFinite { return nonFiniteDown(s, a.isFinite && b.isFinite) }
        let bVirtual = s - a
        let aVirtual = s - bVirtual
        let e = (a - aVirtual) + (b - bVirtual)
        return e < 0 ? s.nextDown : s
    }

    /// `RU(a + b)`: the smallest Double `>=` the exact sum.
    @inline(__always)
    static func addUp(_ a: Double, _ b: Double) -> Double {
        -addDown(-a, -b)
    }

    /// `RD(a * b)`: the largest Double `<=` the exact product.
    ///
    /// ```
    /// p = fl(a * b);  e = a*b - p = fma(a, b, -p)   (exact when |p| >= 2^-900)
    /// RD(a * b) = e < 0 ? nextDown(p) : p
    /// ```
    /// Edge cases: a zero factor gives an exact zero (even when the other factor is
    /// infinite: a bound that is exactly zero contributes nothing); tiny products step
    /// unconditionally; overflow as in ``addDown(_:_:)``.
    @inline(__always)
    static func mulDown(_ a: Double, _ b: Double) -> Double {
        if a == 0 || b == 0 { return 0 }
        let p = a * b
        if !p.isFinite { return nonFiniteDown(p, a.isFinite && b.isFinite) }
        if p.magnitude < exactProductThreshold { return p.nextDown }
        let e = (-p).addingProduct(a, b)
        return e < 0 ? p.nextDown : p
    }

    /// `RU(a * b)`: the smallest Double `>=` the exact product.
    @inline(__always)
    static func mulUp(_ a: Double, _ b: Double) -> Double {
        -mulDown(-a, b)
    }

    /// A lower bound for a non-finite round-to-nearest result `s`.
    @inline(__always)
    private static func nonFiniteDown(_ s: Double, _ operandsFinite: Bool) -> Double {
        if s.isNaN { return -.infinity }
        // Finite operands overflowed: the exact result is beyond the largest finite value.
        if operandsFinite && s == .infinity { return .greatestFiniteMagnitude }
        return s
    }

    /// An upper bound on `gamma_n = n u / (1 - n u)` (Higham, Lemma 3.1): a sum of `n`
    /// products computed left to right satisfies
    /// `|fl(sum x_i y_i) - sum x_i y_i| <= gamma_n sum |x_i y_i| + n eta`
    /// (the `n eta` covers underflow of the products). Requires `n u < 1/2`.
    @inline(__always)
    static func gammaUp(_ n: Int) -> Double {
        let nu = Double(n) * unitRoundoff  // exact: n < 2^53
        precondition(nu < 0.5, "gamma_n needs n u < 1/2")
        return (nu / (1 - nu).nextDown).nextUp
    }

    /// An upper bound of the exact rounding error of a `k`-term dot product computed in
    /// round-to-nearest (any order), given an upper bound `absoluteSum >= sum |x_i y_i|`:
    /// `RU(gamma_k * absoluteSum + k eta)`. Zero when `k == 0`.
    @inline(__always)
    static func dotError(absoluteSum: Double, terms k: Int) -> Double {
        if k == 0 { return 0 }
        return addUp(mulUp(gammaUp(k), absoluteSum), Double(k) * eta)  // k eta: exact
    }

    /// An upper bound of the exact sum `A = sum |x_i y_i|` of `k` nonnegative products from
    /// its round-to-nearest value `computed`: `fl` errs by at most `gamma_k A + k eta`, so
    /// `A <= (computed + k eta) / (1 - gamma_k) <= (computed + k eta)(1 + 2 gamma_k)`
    /// (`gamma_k <= 1/2`), evaluated with upward rounding. NaN gives `+infinity`.
    @inline(__always)
    static func absoluteSumUp(_ computed: Double, terms k: Int) -> Double {
        if k == 0 { return 0 }
        let factor = addUp(1, mulUp(2, gammaUp(k)))
        return saneUpper(mulUp(addUp(computed, Double(k) * eta), factor))
    }

    /// `max(|lower|, |upper|)`, the magnitude bound of a value in `[lower, upper]` (exact).
    @inline(__always)
    static func magnitude(_ lower: Double, _ upper: Double) -> Double {
        let m = Swift.max(lower.magnitude, upper.magnitude)
        return m.isNaN ? .infinity : m
    }

    /// A NaN lower bound made sound (`-infinity`).
    @inline(__always)
    static func saneLower(_ x: Double) -> Double { x.isNaN ? -.infinity : x }

    /// A NaN upper bound made sound (`+infinity`).
    @inline(__always)
    static func saneUpper(_ x: Double) -> Double { x.isNaN ? .infinity : x }
}

/// ``DirectedRounding/dotError(absoluteSum:terms:)`` of ``DirectedRounding/absoluteSumUp(_:terms:)``
/// for a fixed number of terms `k`, with `gamma_k` and the factor computed once:
/// `error(q) = RU(gamma_k * absoluteSumUp(q, k) + k eta)`, the same Doubles as the two
/// functions (the same operations on the same operands).
struct DotErrorBound {
    let terms: Int
    private let gamma: Double
    private let factor: Double
    private let underflow: Double

    init(terms k: Int) {
        terms = k
        gamma = k == 0 ? 0 : DirectedRounding.gammaUp(k)
        factor = DirectedRounding.addUp(1, DirectedRounding.mulUp(2, gamma))
        underflow = Double(k) * DirectedRounding.eta
    }

    /// The error bound of a `k`-term dot product whose computed absolute sum is `q`.
    @inline(__always)
    func error(absolute q: Double) -> Double {
        error(absoluteSum: absoluteSumUp(q))
    }

    /// ``DirectedRounding/absoluteSumUp(_:terms:)`` for `k` terms: an upper bound of the exact
    /// sum of `k` nonnegative products whose round-to-nearest value is `q`.
    @inline(__always)
    func absoluteSumUp(_ q: Double) -> Double {
        if terms == 0 { return 0 }
        return DirectedRounding.saneUpper(DirectedRounding.mulUp(DirectedRounding.addUp(q, underflow), factor))
    }

    /// ``DirectedRounding/dotError(absoluteSum:terms:)`` for `k` terms: the rounding error
    /// bound of a `k`-term dot product given `absoluteSum >= Σ |x_i y_i|`.
    @inline(__always)
    func error(absoluteSum: Double) -> Double {
        if terms == 0 { return 0 }
        return DirectedRounding.addUp(DirectedRounding.mulUp(gamma, absoluteSum), underflow)
    }
}
