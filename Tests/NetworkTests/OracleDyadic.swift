@testable import Network

/// Exact dyadic rationals `±m · 2^e` (`m` a natural number of any size), the test oracle for
/// "the same function in exact real arithmetic": every finite `Double` is one, and sums and
/// products of dyadics are dyadics, so an affine/ReLU network with `Double` weights evaluates
/// exactly in this type. Independent of the library (schoolbook base-2^32 arithmetic).
struct OracleDyadic: Equatable, CustomStringConvertible {
    /// Little-endian base-2^32 magnitude, no most-significant zero limbs (zero is `[]`).
    private(set) var limbs: [UInt32]
    private(set) var negative: Bool
    private(set) var exponent: Int

    static let zero = OracleDyadic(limbs: [], negative: false, exponent: 0)

    private init(limbs: [UInt32], negative: Bool, exponent: Int) {
        var limbs = limbs
        while limbs.last == 0 { limbs.removeLast() }
        self.limbs = limbs
        self.negative = limbs.isEmpty ? false : negative
        self.exponent = limbs.isEmpty ? 0 : exponent
    }

    /// The exact value of a finite `Double`: `significand · 2^(exponent - 52)` with the
    /// integer significand (implicit bit included for normal numbers).
    init(_ value: Double) {
        precondition(value.isFinite)
        if value == 0 { self = .zero; return }
        let bits = value.significandBitPattern
        let biased = Int(value.exponentBitPattern)
        let m = biased == 0 ? bits : bits | (1 << 52)
        let e = biased == 0 ? -1074 : biased - 1075
        self.init(limbs: [UInt32(truncatingIfNeeded: m), UInt32(truncatingIfNeeded: m >> 32)],
                  negative: value < 0, exponent: e)
    }

    var isZero: Bool { limbs.isEmpty }
    var isPositive: Bool { !limbs.isEmpty && !negative }

    var description: String { "\(negative ? "-" : "")\(limbs) * 2^\(exponent)" }

    static func == (a: OracleDyadic, b: OracleDyadic) -> Bool { (a - b).isZero }

    static prefix func - (a: OracleDyadic) -> OracleDyadic {
        OracleDyadic(limbs: a.limbs, negative: !a.negative, exponent: a.exponent)
    }

    static func - (a: OracleDyadic, b: OracleDyadic) -> OracleDyadic { a + (-b) }

    static func + (a: OracleDyadic, b: OracleDyadic) -> OracleDyadic {
        if a.isZero { return b }
        if b.isZero { return a }
        let e = min(a.exponent, b.exponent)
        let x = shifted(a.limbs, by: a.exponent - e), y = shifted(b.limbs, by: b.exponent - e)
        if a.negative == b.negative { return OracleDyadic(limbs: add(x, y), negative: a.negative, exponent: e) }
        if less(x, y) { return OracleDyadic(limbs: subtract(y, x), negative: b.negative, exponent: e) }
        return OracleDyadic(limbs: subtract(x, y), negative: a.negative, exponent: e)
    }

    static func * (a: OracleDyadic, b: OracleDyadic) -> OracleDyadic {
        if a.isZero || b.isZero { return .zero }
        var result = [UInt32](repeating: 0, count: a.limbs.count + b.limbs.count + 1)
        for (i, x) in a.limbs.enumerated() {
            var carry: UInt64 = 0
            for (j, y) in b.limbs.enumerated() {
                let t = UInt64(x) * UInt64(y) + UInt64(result[i + j]) + carry
                result[i + j] = UInt32(truncatingIfNeeded: t)
                carry = t >> 32
            }
            var k = i + b.limbs.count
            while carry > 0 {
                let t = UInt64(result[k]) + carry
                result[k] = UInt32(truncatingIfNeeded: t)
                carry = t >> 32
                k += 1
            }
        }
        return OracleDyadic(limbs: result, negative: a.negative != b.negative, exponent: a.exponent + b.exponent)
    }

    private static func shifted(_ x: [UInt32], by bits: Int) -> [UInt32] {
        let words = bits / 32, rest = bits % 32
        var result = [UInt32](repeating: 0, count: words) + x + [0]
        if rest > 0 {
            var carry: UInt32 = 0
            for index in words..<result.count {
                let limb = result[index]
                result[index] = limb << rest | carry
                carry = limb >> (32 - rest)
            }
        }
        return result
    }

    private static func add(_ x: [UInt32], _ y: [UInt32]) -> [UInt32] {
        var result = [UInt32](repeating: 0, count: max(x.count, y.count) + 1)
        var carry: UInt64 = 0
        for index in 0..<result.count {
            let t = UInt64(index < x.count ? x[index] : 0) + UInt64(index < y.count ? y[index] : 0) + carry
            result[index] = UInt32(truncatingIfNeeded: t)
            carry = t >> 32
        }
        return result
    }

    /// `x - y` for `x >= y`.
    private static func subtract(_ x: [UInt32], _ y: [UInt32]) -> [UInt32] {
        var result = x
        var borrow: Int64 = 0
        for index in result.indices {
            var t = Int64(x[index]) - borrow - (index < y.count ? Int64(y[index]) : 0)
            if t < 0 { t += 1 << 32; borrow = 1 } else { borrow = 0 }
            result[index] = UInt32(t)
        }
        precondition(borrow == 0)
        return result
    }

    private static func less(_ x: [UInt32], _ y: [UInt32]) -> Bool {
        var x = x, y = y
        while x.last == 0 { x.removeLast() }
        while y.last == 0 { y.removeLast() }
        if x.count != y.count { return x.count < y.count }
        for index in stride(from: x.count - 1, through: 0, by: -1) where x[index] != y[index] {
            return x[index] < y[index]
        }
        return false
    }
}

extension NeuralNetwork {
    /// The network's output in exact arithmetic (affine, ReLU, LeakyReLU and clip layers).
    func exactEvaluate(_ input: [Double]) -> [OracleDyadic] {
        var values = input.map(OracleDyadic.init)
        for layer in layers {
            switch layer {
            case .affine(let affine):
                values = (0..<affine.outputSize).map { i in
                    var sum = OracleDyadic(affine.bias[i])
                    for j in 0..<affine.inputSize where affine.weights[i * affine.inputSize + j] != 0 {
                        sum = sum + OracleDyadic(affine.weights[i * affine.inputSize + j]) * values[j]
                    }
                    return sum
                }
            case .relu:
                values = values.map { $0.isPositive ? $0 : .zero }
            case .leakyRelu(let alpha):
                values = values.map { $0.negative ? OracleDyadic(alpha) * $0 : $0 }
            case .clip, .tanh, .sigmoid, .enclosedScale:
                preconditionFailure("exactEvaluate covers affine, relu and leaky relu layers")
            }
        }
        return values
    }
}
