import Network

// Interval bound propagation (IBP) with outward rounding.
//
// Reference: S. Gowal et al., "On the Effectiveness of Interval Bound Propagation for
// Training Verifiably Robust Models", 2018 (the method); R. E. Moore, "Interval Analysis",
// 1966 (interval arithmetic with outward rounding).

/// Interval bound propagation, one layer at a time.
enum IntervalPropagation {
    /// Bounds of `W x + b` for `x` in `[lower, upper]`.
    ///
    /// ```
    /// l'_i = RD( ... RD(RD(0 + RD(w_i0 * e_0)) + RD(w_i1 * e_1)) ... + b_i )
    ///        with e_j = l_j if w_ij >= 0 else u_j            (upper: RU, the other end)
    /// ```
    /// Rounding: every product and every partial sum is rounded in the safe direction with
    /// the exact-when-possible primitives of `DirectedRounding` (no a-priori error bound).
    /// The sum runs in the order of `NeuralNetwork.evaluate` (left to right over `j`, then
    /// `+ b_i`); since round-to-nearest is monotone and `RD <= RN <= RU`, the bounds contain
    /// both the exact value and the floating-point forward pass's value of every input in the
    /// interval.
    static func affine(_ layer: AffineLayer, _ input: LayerBounds) -> LayerBounds {
        let n = layer.outputSize, m = layer.inputSize
        precondition(input.count == m, "interval input size \(input.count) != affine input \(m)")
        var lower = [Double](repeating: 0, count: n)
        var upper = [Double](repeating: 0, count: n)
        layer.weights.withUnsafeBufferPointer { w in
            input.lower.withUnsafeBufferPointer { l in
                input.upper.withUnsafeBufferPointer { u in
                    for i in 0..<n {
                        var lo = 0.0, hi = 0.0
                        let row = i * m
                        for j in 0..<m {
                            let weight = w[row + j]
                            if weight >= 0 {
                                lo = DirectedRounding.addDown(lo, DirectedRounding.mulDown(weight, l[j]))
                                hi = DirectedRounding.addUp(hi, DirectedRounding.mulUp(weight, u[j]))
                            } else {
                                lo = DirectedRounding.addDown(lo, DirectedRounding.mulDown(weight, u[j]))
                                hi = DirectedRounding.addUp(hi, DirectedRounding.mulUp(weight, l[j]))
                            }
                        }
                        lower[i] = DirectedRounding.saneLower(DirectedRounding.addDown(lo, layer.bias[i]))
                        upper[i] = DirectedRounding.saneUpper(DirectedRounding.addUp(hi, layer.bias[i]))
                    }
                }
            }
        }
        return LayerBounds(lower: lower, upper: upper)
    }

    /// Bounds of an element-wise activation on `[lower, upper]`, unit by unit.
    ///
    /// ```
    /// relu:        [max(0, l), max(0, u)]                       exact
    /// leaky(a):    [min f_lo(v), max f_hi(v)] over v in {l, u} and 0 when l < 0 < u,
    ///              f(v) = v for v >= 0, RD/RU(a * v) otherwise   (any sign of a)
    /// clip[p, q]:  [min(max(l, p), q), min(max(u, p), q)]        exact, monotone
    /// tanh, sigm:  [f_lo(l), f_hi(u)]                            monotone, see SmoothActivation
    /// ```
    static func activation(_ layer: Layer, _ input: LayerBounds) -> LayerBounds {
        var result = input
        for i in 0..<input.count {
            let (lo, hi) = activationBounds(layer, input.lower[i], input.upper[i])
            result.lower[i] = DirectedRounding.saneLower(lo)
            result.upper[i] = DirectedRounding.saneUpper(hi)
        }
        return result
    }

    /// The interval of one unit; see ``activation(_:_:)``.
    @inline(__always)
    static func activationBounds(_ layer: Layer, _ l: Double, _ u: Double) -> (Double, Double) {
        switch layer {
        case .affine:
            preconditionFailure("affine layers are not element-wise")
        case .relu:
            return (Swift.max(0, l), Swift.max(0, u))
        case .leakyRelu(let alpha):
            var lo = Swift.min(leakyDown(alpha, l), leakyDown(alpha, u))
            var hi = Swift.max(leakyUp(alpha, l), leakyUp(alpha, u))
            if l < 0 && 0 < u {
                lo = Swift.min(lo, 0)
                hi = Swift.max(hi, 0)
            }
            return (lo, hi)
        case .clip(let p, let q):
            return (Swift.min(Swift.max(l, p), q), Swift.min(Swift.max(u, p), q))
        case .tanh:
            return (SmoothActivation.tanh.valueDown(l), SmoothActivation.tanh.valueUp(u))
        case .sigmoid:
            return (SmoothActivation.sigmoid.valueDown(l), SmoothActivation.sigmoid.valueUp(u))
        }
    }

    /// `RD(leakyRelu(v))`.
    @inline(__always)
    static func leakyDown(_ alpha: Double, _ v: Double) -> Double {
        v >= 0 ? v : DirectedRounding.mulDown(alpha, v)
    }

    /// `RU(leakyRelu(v))`.
    @inline(__always)
    static func leakyUp(_ alpha: Double, _ v: Double) -> Double {
        v >= 0 ? v : DirectedRounding.mulUp(alpha, v)
    }

    /// Sound lower bounds of the specification rows over an output box:
    /// `RD(sum_i RD(s_i * (s_i >= 0 ? l_i : u_i)) + t)`, summed left to right.
    static func specificationLower(_ specification: LinearSpecification, _ output: LayerBounds) -> [Double] {
        zip(specification.coefficients, specification.constants).map { row, constant in
            precondition(row.count == output.count, "specification row has \(row.count) entries, network has \(output.count) outputs")
            var sum = 0.0
            for i in row.indices where row[i] != 0 {
                let end = row[i] >= 0 ? output.lower[i] : output.upper[i]
                sum = DirectedRounding.addDown(sum, DirectedRounding.mulDown(row[i], end))
            }
            return DirectedRounding.saneLower(DirectedRounding.addDown(sum, constant))
        }
    }
}
