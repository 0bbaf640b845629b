import Foundation
import Network

/// The mutable state of one ``NetworkEncoder/encode(_:inputLower:inputUpper:preActivationBounds:property:)``
/// call: the growing system and the unit counts. Each unit's current value is a
/// ``PiecewiseLinearSystem/LinearForm``; a form is turned into a variable (`materialize`)
/// only where exactness needs one (an affine layer multiplies its inputs, so they must be
/// single variables or zero).
struct EncoderState {
    typealias System = PiecewiseLinearSystem
    typealias Form = System.LinearForm

    let options: NetworkEncoder.Options
    var system = System()
    var splitCount = 0
    var stableCount = 0

    init(options: NetworkEncoder.Options) { self.options = options }

    // MARK: - Affine

    /// `z_i = Σ_j W_ij h_j + b_i`. Zero weights and inputs that are exactly zero are skipped.
    mutating func encodeAffine(_ affine: AffineLayer, inputs: [Form], layer: Int, nextBounds: PreActivationBounds?) -> [Form] {
        let variables: [System.Variable?] = inputs.enumerated().map { j, form in
            isZero(form) ? nil : materialize(form, name: "a\(layer)_\(j)")
        }
        return (0..<affine.outputSize).map { i in
            var form = Form(constants: [affine.bias[i]])
            for (j, variable) in variables.enumerated() {
                let weight = affine.weights[i * affine.inputSize + j]
                if let variable, weight != 0 { form.terms.append(.init(weight, variable)) }
            }
            guard options.affineForm == .equalities, let nextBounds else { return form }
            let z = system.addReal("z\(layer + 1)_\(i)", lower: nextBounds.lower[i], upper: nextBounds.upper[i])
            system.add(.init(Form(z), .equal, form))
            return Form(z)
        }
    }

    // MARK: - Activations

    mutating func encodeActivation(_ kind: Layer, inputs: [Form], bounds: PreActivationBounds, layer: Int) throws -> [Form] {
        try inputs.indices.map { i in
            let z = inputs[i], l = bounds.lower[i], u = bounds.upper[i]
            switch kind {
            case .affine: preconditionFailure("affine layers are not activations")
            case .relu:
                return try relu(z, lower: l, upper: u, layer: layer, unit: i)
            case .leakyRelu(let alpha):
                return try leakyRelu(z, alpha: alpha, lower: l, upper: u, layer: layer, unit: i)
            case .clip(let lo, let hi):
                return try clip(z, lo: lo, hi: hi, lower: l, upper: u, layer: layer, unit: i)
            case .tanh, .sigmoid:
                return try envelope(kind, z, lower: l, upper: u, layer: layer, unit: i)
            case .enclosedScale(let scale):
                return try enclosedScale(scale, z, lower: l, upper: u, layer: layer, unit: i)
            }
        }
    }

    /// `y = max(z, 0)`; a split `y >= 0, y >= z, y <= z - l(1-δ), y <= u δ` when `l < 0 < u`.
    private mutating func relu(_ z: Form, lower l: Double, upper u: Double, layer: Int, unit: Int) throws -> Form {
        if u <= 0 { stableCount += 1; return Form() }
        if l >= 0 { stableCount += 1; return z }
        try requireFinite(l, u, layer: layer, unit: unit)
        let y = system.addReal("h\(layer)_\(unit)", lower: 0, upper: u)
        let delta = system.addPhase("d\(layer)_\(unit)")
        splitCount += 1
        // max(b - a) = max(-z) = -l;  max(a - b) = max(z) = u
        addMax(y, z, Form(), phase: delta, boundBMinusA: [-l], boundAMinusB: [u])
        return Form(y)
    }

    /// `y = z` for `z >= 0`, `α z` otherwise; `0 <= α <= 1`: `y = max(z, α z)`,
    /// `α > 1`: `y = min(z, α z)`. Negative `α` is refused (not a max or min of the two pieces).
    private mutating func leakyRelu(_ z: Form, alpha: Double, lower l: Double, upper u: Double, layer: Int, unit: Int) throws -> Form {
        guard alpha.isFinite, alpha >= 0 else {
            throw PiecewiseLinearError.unsupportedParameter(layer: layer, problem: "LeakyReLU slope \(alpha) is not a finite non-negative number")
        }
        if l >= 0 || alpha == 1 { stableCount += 1; return z }
        let v = materialize(z, name: "z\(layer)_\(unit)")
        let scaled = Form(terms: [.init(alpha, v)])
        if u <= 0 { stableCount += 1; return alpha == 0 ? Form() : scaled }
        try requireFinite(l, u, layer: layer, unit: unit)
        let y = system.addReal("h\(layer)_\(unit)", lower: (alpha * l).nextDown, upper: u)
        let delta = system.addPhase("d\(layer)_\(unit)")
        splitCount += 1
        if alpha <= 1 {
            // max(αz - z) = (α-1) l = αl - l;   max(z - αz) = (1-α) u = u - αu
            addMax(y, Form(v), scaled, phase: delta, boundBMinusA: [(alpha * l).nextUp, -l], boundAMinusB: [u, -(alpha * u).nextDown])
        } else {
            // max(z - αz) = (1-α) l = l - αl;   max(αz - z) = (α-1) u = αu - u
            addMin(y, Form(v), scaled, phase: delta, boundAMinusB: [l, -(alpha * l).nextDown], boundBMinusA: [(alpha * u).nextUp, -u])
        }
        return Form(y)
    }

    /// `y = min(max(z, lo), hi)`: first `w = max(z, lo)`, then `y = min(w, hi)`, each a
    /// split only when the bounds straddle that breakpoint.
    private mutating func clip(_ z: Form, lo: Double, hi: Double, lower l: Double, upper u: Double, layer: Int, unit: Int) throws -> Form {
        guard !lo.isNaN, !hi.isNaN, lo <= hi, lo != .infinity, hi != -.infinity else {
            throw PiecewiseLinearError.unsupportedParameter(layer: layer, problem: "clip range [\(lo), \(hi)] is empty or NaN")
        }
        var w = z, wl = l, wu = u
        var split = false
        if lo.isFinite {
            if u <= lo {
                w = Form(constant: lo); wl = lo; wu = lo
            } else if l < lo {
                try requireFinite(l, u, layer: layer, unit: unit)
                let v = system.addReal("c\(layer)_\(unit)_lo", lower: lo, upper: u)
                let delta = system.addPhase("d\(layer)_\(unit)_lo")
                // max(lo - z) = lo - l;  max(z - lo) = u - lo
                addMax(v, z, Form(constant: lo), phase: delta, boundBMinusA: [lo, -l], boundAMinusB: [u, -lo])
                splitCount += 1; split = true
                w = Form(v); wl = lo
            }
        }
        var y = w
        if hi.isFinite {
            if wl >= hi {
                y = Form(constant: hi)
            } else if wu > hi {
                try requireFinite(wl, wu, layer: layer, unit: unit)
                let v = system.addReal("h\(layer)_\(unit)", lower: wl, upper: hi)
                let delta = system.addPhase("d\(layer)_\(unit)_hi")
                // max(w - hi) = wu - hi;  max(hi - w) = hi - wl
                addMin(v, w, Form(constant: hi), phase: delta, boundAMinusB: [wu, -hi], boundBMinusA: [hi, -wl])
                splitCount += 1; split = true
                y = Form(v)
            }
        }
        if !split { stableCount += 1 }
        return y
    }

    /// tanh / sigmoid: refused, or `y ∈ [f(l), f(u)]` widened outward (sound, inexact).
    private mutating func envelope(_ kind: Layer, _ z: Form, lower l: Double, upper u: Double, layer: Int, unit: Int) throws -> Form {
        guard options.nonlinear == .intervalEnvelope else {
            throw PiecewiseLinearError.notPiecewiseLinear(layer: layer, kind: kind.kindName)
        }
        let range: ClosedRange<Double> = kind == .tanh ? -1...1 : 0...1
        let widening = NetworkEncoder.nonlinearWidening
        func widen(_ value: Double, down: Bool) -> Double {
            let delta = widening * Swift.max(1, abs(value))
            return Swift.min(Swift.max(down ? value - delta : value + delta, range.lowerBound), range.upperBound)
        }
        let y = system.addReal("h\(layer)_\(unit)", lower: widen(kind.apply(l), down: true), upper: widen(kind.apply(u), down: false))
        system.markInexact("layer \(layer) (\(kind.kindName)): interval envelope")
        stableCount += 1
        _ = z  // the envelope does not relate y to z beyond the bounds of z
        return Form(y)
    }

    /// `y = s z` for a factor with no exact `Double` (``EnclosedScale``):
    /// ```
    /// s = 1/c (divisors known):   c y = z                        exact (c is a Double)
    /// otherwise:                  a z + b <= y <= a' z + b'      the relaxation lines over [l, u]
    /// ```
    /// The second form holds for every `s` in the certified enclosure, so `unsat` is sound;
    /// the system is marked inexact and a model is only a candidate for the exact check.
    private mutating func enclosedScale(_ scale: EnclosedScale, _ z: Form, lower l: Double, upper u: Double,
                                        layer: Int, unit: Int) throws -> Form {
        stableCount += 1
        let y = system.addReal("s\(layer)_\(unit)")
        if let divisors = scale.divisors {
            system.add(.init(Form(terms: [.init(divisors[unit], y)]), .equal, z))
            return Form(y)
        }
        try requireFinite(l, u, layer: layer, unit: unit)
        let v = materialize(z, name: "z\(layer)_\(unit)")
        let lines = LinearRelaxation.enclosed(scale.lower[unit], scale.nearest[unit], scale.upper[unit], l, u)
        system.add(.init(Form(y), .greaterOrEqual, Form(terms: [.init(lines.lowerSlope, v)], constants: [lines.lowerIntercept])))
        system.add(.init(Form(y), .lessOrEqual, Form(terms: [.init(lines.upperSlope, v)], constants: [lines.upperIntercept])))
        system.markInexact("layer \(layer) (enclosed scale): factors known up to a certified enclosure")
        return Form(y)
    }

    // MARK: - Big-M building blocks

    /// `y = max(a, b)` with phase `δ` (1 when `a` is the maximum):
    /// `y >= a, y >= b, y <= a + M_ba (1 - δ), y <= b + M_ab δ`, where
    /// `M_ba = Σ boundBMinusA >= max(b - a)` and `M_ab = Σ boundAMinusB >= max(a - b)` over the box.
    private mutating func addMax(_ y: System.Variable, _ a: Form, _ b: Form, phase delta: System.Variable,
                                 boundBMinusA: [Double], boundAMinusB: [Double]) {
        let yForm = Form(y)
        system.add(.init(yForm, .greaterOrEqual, a))
        if !(isZero(b) && system.variables[y.index].lower >= 0) { system.add(.init(yForm, .greaterOrEqual, b)) }
        // y - a - M_ba + M_ba δ <= 0
        var upperA = yForm - a
        upperA.constants += boundBMinusA.map { -$0 }
        upperA.terms += boundBMinusA.map { .init($0, delta) }
        system.add(.init(upperA, .lessOrEqual))
        // y - b - M_ab δ <= 0
        var upperB = yForm - b
        upperB.terms += boundAMinusB.map { .init(-$0, delta) }
        system.add(.init(upperB, .lessOrEqual))
    }

    /// `y = min(a, b)` with phase `δ` (1 when `a` is the minimum):
    /// `y <= a, y <= b, y >= a - M_ab (1 - δ), y >= b - M_ba δ`.
    private mutating func addMin(_ y: System.Variable, _ a: Form, _ b: Form, phase delta: System.Variable,
                                 boundAMinusB: [Double], boundBMinusA: [Double]) {
        let yForm = Form(y)
        system.add(.init(yForm, .lessOrEqual, a))
        system.add(.init(yForm, .lessOrEqual, b))
        // y - a + M_ab - M_ab δ >= 0
        var lowerA = yForm - a
        lowerA.constants += boundAMinusB
        lowerA.terms += boundAMinusB.map { .init(-$0, delta) }
        system.add(.init(lowerA, .greaterOrEqual))
        // y - b + M_ba δ >= 0
        var lowerB = yForm - b
        lowerB.terms += boundBMinusA.map { .init($0, delta) }
        system.add(.init(lowerB, .greaterOrEqual))
    }

    // MARK: - Helpers

    private func requireFinite(_ l: Double, _ u: Double, layer: Int, unit: Int) throws {
        guard l.isFinite, u.isFinite else {
            throw PiecewiseLinearError.invalidBound(layer: layer, unit: unit, lower: l, upper: u,
                                                    problem: "are infinite but the unit is unstable (a big-M constant is needed)")
        }
    }

    private func isZero(_ form: Form) -> Bool {
        form.terms.isEmpty && form.constants.allSatisfy { $0 == 0 }
    }

    /// A variable equal to `form`: the form's own variable when it is `1 · v`, a fixed
    /// variable for a single constant, otherwise a new variable with an equality.
    private mutating func materialize(_ form: Form, name: String) -> System.Variable {
        if let variable = form.singleVariable { return variable }
        if form.terms.isEmpty, form.constants.count == 1 {
            return system.addReal(name, lower: form.constants[0], upper: form.constants[0])
        }
        let variable = system.addReal(name)
        system.add(.init(Form(variable), .equal, form))
        return variable
    }
}
