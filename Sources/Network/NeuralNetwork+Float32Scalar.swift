/// The floating-point formats of ``DenseForward``: `Float` (as a float32 runtime computes)
/// and `Double` (the float64 pass), with the constants of their error analysis and their
/// BLAS product.
public protocol ForwardScalar: BinaryFloatingPoint, Sendable {
    /// The unit roundoff `u` (`2^-24`, `2^-53`).
    static var unitRoundoff: Double { get }
    /// The smallest positive subnormal (`2^-149`, `2^-1074`): a rounded product that
    /// underflows is off by at most half of it.
    static var smallestSubnormal: Double { get }
    /// The smallest positive normal number (`2^-126`, `2^-1022`).
    static var smallestNormal: Double { get }
    /// Whether an ``EnclosedScale`` with divisors divides by them (a runtime's `Div`, float32)
    /// rather than multiplying by the nearest factors (the float64 pass).
    static var dividesByDivisors: Bool { get }
    /// The smallest value of this type `>= value` (`+infinity` above the range; NaN stays NaN).
    static func roundedUp(_ value: Double) -> Self
    /// `C = A Bᵀ + C` (row-major, ``DenseProduct``).
    static func multiplyAddingTransposed(m: Int, n: Int, k: Int, a: UnsafePointer<Self>, b: UnsafePointer<Self>,
                                         c: UnsafeMutablePointer<Self>)
    /// Whether every one of `count` values at `values` is finite (integer test on the
    /// exponent bits, so that the loop vectorises).
    static func allFinite(_ values: UnsafePointer<Self>, count: Int) -> Bool
    /// Replaces every value by its `tanh`: ``Float32Tanh`` in `Float`, ``Float64Tanh`` in
    /// `Double` (both proven within `16 u`).
    static func applyTanh(_ values: UnsafeMutableBufferPointer<Self>)
    /// Replaces every value by its sigmoid: ``Float32Sigmoid`` in `Float`, ``Float64Sigmoid`` in
    /// `Double` (both within `16 u`, plus an absolute term; see each).
    static func applySigmoid(_ values: UnsafeMutableBufferPointer<Self>)
}

extension ForwardScalar {
    /// The weight the batched passes multiply by: `RN(w)` in this type, or zero where `RN(w)`
    /// is subnormal (a runtime that treats subnormal numbers as zero computes the same).
    ///
    /// Why: a product with a subnormal operand takes a microcode assist on x86 (about a
    /// hundred cycles instead of one): the MNIST `large` classifier has 18,011 weights below
    /// `2^-126`, 18 % of its first layer, and its float32 pass ran 10x slower for them.
    /// The error bound covers the change (``BoundComposition/weightBound(_:)``): a flushed
    /// weight is off by `|w| < 2^-126`.
    @inlinable
    public static func flushedWeight(_ w: Double) -> Self {
        let rounded = Self(w)
        return rounded.isSubnormal ? 0 : rounded
    }
}

extension Float: ForwardScalar {
    public static var unitRoundoff: Double { 0x1p-24 }
    public static var smallestSubnormal: Double { 0x1p-149 }
    public static var smallestNormal: Double { 0x1p-126 }
    public static var dividesByDivisors: Bool { true }
    public static func roundedUp(_ value: Double) -> Float {
        let nearest = Float(value)
        return Double(nearest) < value ? nearest.nextUp : nearest
    }
    public static func multiplyAddingTransposed(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                                                c: UnsafeMutablePointer<Float>) {
        DenseProduct.multiply(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: k, transposeB: true, c: c, ldc: n, accumulate: true)
    }
    /// `(bits & 0x7f800000) + 0x00800000` has bit 31 set exactly when the exponent is all ones.
    public static func allFinite(_ values: UnsafePointer<Float>, count: Int) -> Bool {
        var flag: UInt32 = 0
        for x in UnsafeBufferPointer(start: values, count: count) { flag |= (x.bitPattern & 0x7f80_0000) &+ 0x0080_0000 }
        return flag & 0x8000_0000 == 0
    }
    public static func applyTanh(_ values: UnsafeMutableBufferPointer<Float>) { Float32Tanh.apply(values) }
    public static func applySigmoid(_ values: UnsafeMutableBufferPointer<Float>) { Float32Sigmoid.apply(values) }
}

extension Double: ForwardScalar {
    public static var unitRoundoff: Double { 0x1p-53 }
    public static var smallestSubnormal: Double { 0x1p-1074 }
    public static var smallestNormal: Double { 0x1p-1022 }
    public static var dividesByDivisors: Bool { false }
    public static func roundedUp(_ value: Double) -> Double { value }
    public static func multiplyAddingTransposed(m: Int, n: Int, k: Int, a: UnsafePointer<Double>, b: UnsafePointer<Double>,
                                                c: UnsafeMutablePointer<Double>) {
        DenseProduct.multiply(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: k, transposeB: true, c: c, ldc: n, accumulate: true)
    }
    /// `(bits & 0x7ff0...0) + 0x0010...0` has bit 63 set exactly when the exponent is all ones.
    public static func allFinite(_ values: UnsafePointer<Double>, count: Int) -> Bool {
        var flag: UInt64 = 0
        for x in UnsafeBufferPointer(start: values, count: count) {
            flag |= (x.bitPattern & 0x7ff0_0000_0000_0000) &+ 0x0010_0000_0000_0000
        }
        return flag & 0x8000_0000_0000_0000 == 0
    }
    public static func applyTanh(_ values: UnsafeMutableBufferPointer<Double>) { Float64Tanh.apply(values) }
    public static func applySigmoid(_ values: UnsafeMutableBufferPointer<Double>) { Float64Sigmoid.apply(values) }
}
