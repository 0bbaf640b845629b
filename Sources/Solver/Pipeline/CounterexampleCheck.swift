import Encoding
import Network

/// Whether the network's outputs at one point lie in an unsafe set, in exact real arithmetic
/// (design rule 8: a tie, an atom exactly `0`, is unsafe, as VNN-LIB's `<=` says).
public enum ViolationCheck: Sendable, Equatable {
    /// Every atom of disjunct `disjunct` is `<= 0` at the exact outputs.
    case violated(disjunct: Int, CheckEvidence)
    /// Every disjunct has an atom `> 0` at the exact outputs.
    case safe(CheckEvidence)
    /// Neither could be shown: a tanh/sigmoid network whose float error bound straddles 0.
    case undecided

    public var isViolated: Bool {
        if case .violated = self { return true }
        return false
    }

    /// `violated (exact)`, `safe (error_bound)`, `undecided`: the check and its evidence.
    public var label: String {
        switch self {
        case .violated(_, let evidence): return "violated (\(evidence.rawValue))"
        case .safe(let evidence): return "safe (\(evidence.rawValue))"
        case .undecided: return "undecided"
        }
    }
}

/// The one check every pipeline step uses to turn a candidate point into a counterexample.
///
/// ```
/// violated at x  <=>  exists d: for all atoms a in d: a(f(x)) <= 0,   f in exact arithmetic
/// ```
///
/// decided first from the float pass with a sound error bound (``PointEnclosure``: an atom
/// whose enclosure lies in `(-inf, 0]` holds, one in `(0, inf)` fails), and, where some atom's
/// enclosure contains 0, from the exact dyadic pass (``NeuralNetwork/evaluateExactly(_:)``).
/// The float64 and float32 passes are recorded beside it and never decide.
public enum CounterexampleCheck {
    /// The counterexample at `point` (clamped into the box) when the exact check confirms a
    /// violation, otherwise `nil`.
    public static func check(_ query: SafetyQuery, point: [Double], source: CounterexampleSource) -> Counterexample? {
        let candidate = Candidate(query, point: point)
        guard candidate.violation.isViolated else { return nil }
        return candidate.counterexample(exact: nil, source: source)
    }

    /// The candidate at `point` (clamped into the box) with its exact check, confirmed or not.
    public static func evaluate(_ query: SafetyQuery, point: [Double], exact: [ExactRational]?,
                                source: CounterexampleSource) -> Counterexample {
        Candidate(query, point: point).counterexample(exact: exact, source: source)
    }

    /// Z3's model of an unsafe leaf is usually a vertex of the encoding's polytope, on the
    /// boundary of the unsafe set (some atom exactly 0), so its nearest `Double` point lies
    /// outside about half the time. This tries the `Double` points
    ///
    /// ```
    /// x_i = nearest_i - k · step_i · sign(∂s/∂x_i),   step_i = max(ulp(nearest_i), width_i · 2^-52),
    /// k = 1, 2^4, 2^8, ..., 2^28
    /// ```
    ///
    /// (clamped into the box), moving into the unsafe set along the float gradient of the
    /// violation score `s` (``AttackGoal``, its active atom), and returns the first one the
    /// exact check confirms, its ``Counterexample/exactInput`` still Z3's model. The moves are
    /// a search heuristic only: what it returns passed the same exact check as every other
    /// counterexample.
    static func confirmNear(_ query: SafetyQuery, nearest: [Double], exact: [ExactRational]?,
                            source: CounterexampleSource) -> Counterexample? {
        let start = query.box.clamp(nearest)
        let goal = AttackGoal(property: query.property, strict: false)
        guard let atom = goal.activeAtom(query.network.evaluate(start)) else { return nil }
        let gradient = query.network.valueAndGradient(at: start, outputWeights: atom.coefficients).gradient
        let widths = query.box.widths
        var k = 1.0
        while k <= 0x1p28 {
            let point = start.indices.map { i -> Double in
                guard gradient[i] != 0, gradient[i].isFinite else { return start[i] }
                let step = max(start[i].ulp, widths[i] * 0x1p-52) * k
                return gradient[i] > 0 ? start[i] - step : start[i] + step
            }
            let candidate = Candidate(query, point: point)
            if candidate.violation.isViolated { return candidate.counterexample(exact: exact, source: source) }
            k *= 16
        }
        return nil
    }

    /// A point, its enclosure and its exact check; the exact outputs computed at most once.
    private final class Candidate {
        let query: SafetyQuery
        let input: [Double]
        let enclosure: PointEnclosure
        private var exactOutputs: [ExactDyadic]??
        private(set) var violation = ViolationCheck.undecided

        init(_ query: SafetyQuery, point: [Double]) {
            self.query = query
            self.input = query.box.clamp(point)
            self.enclosure = query.network.enclosure(input)
            let network = query.network, input = self.input
            self.violation = violationCheck(query.property, enclosure: enclosure, exact: exactly,
                                            rational: network.hasEnclosedScale ? { network.exactOutputEnclosure(input, exactDivisors: $0) } : nil)
        }

        func exactly() -> [ExactDyadic]? {
            if exactOutputs == nil { exactOutputs = .some(query.network.evaluateExactly(input)) }
            return exactOutputs!
        }

        func counterexample(exact: [ExactRational]?, source: CounterexampleSource) -> Counterexample {
            CounterexampleCheck.counterexample(query, input: input, enclosure: enclosure, violation: violation,
                                               exact: exact, source: source, exactly: exactly)
        }
    }

    private static func counterexample(_ query: SafetyQuery, input: [Double], enclosure: PointEnclosure,
                                       violation: ViolationCheck, exact: [ExactRational]?, source: CounterexampleSource,
                                       exactly: () -> [ExactDyadic]?) -> Counterexample {
        let network = query.network
        let classification = CheckedClassification(enclosure: enclosure, exact: exactly)
        let float32 = network.evaluateFloat32(input)
        let float32Outputs = float32.map(Double.init)
        return Counterexample(input: input, outputs: enclosure.values,
                              floatScore: query.property.violationScore(enclosure.values),
                              exactInput: exact?.map(\.fractionString), source: source, check: violation, classification: classification,
                              float32Outputs: float32Outputs,
                              float32Score: query.property.violationScore(float32Outputs))
    }

    /// ``ViolationCheck`` of `property` from the float enclosure of the outputs, falling back
    /// to the exact outputs `exact()` where an atom's enclosure contains 0, and, when those
    /// are unavailable, to the exact rational enclosure `rational(exactDivisors)` (a network
    /// with an ``EnclosedScale``: first with the dyadic enclosures of its factors, which is
    /// fast, then with the exact divisors `1/c`; an atom whose interval still contains 0
    /// leaves the check undecided).
    public static func violationCheck(_ property: OutputProperty, enclosure: PointEnclosure,
                                      exact: () -> [ExactDyadic]?,
                                      rational: ((Bool) -> [ExactInterval])? = nil) -> ViolationCheck {
        let atoms = property.disjuncts.flatMap { $0 }
        let weights = atoms.flatMap(\.coefficients)
        let values = enclosure.affine(weights: weights, bias: atoms.map(\.constant))
        // Three-valued atoms from the enclosure: true (<= 0), false (> 0), nil (contains 0).
        let decided: [Bool?] = atoms.indices.map { k in
            let v = values.values[k], e = values.errors[k]
            if ((v + e).nextUp) <= 0 { return true }
            if ((v - e).nextDown) > 0 { return false }
            return nil
        }
        var offsets: [Int] = []
        var offset = 0
        for atoms in property.disjuncts { offsets.append(offset); offset += atoms.count }
        func atomsOf(_ d: Int) -> Range<Int> { offsets[d]..<(offsets[d] + property.disjuncts[d].count) }

        if let d = property.disjuncts.indices.first(where: { d in atomsOf(d).allSatisfy { decided[$0] == true } }) {
            return .violated(disjunct: d, .errorBound)
        }
        if property.disjuncts.indices.allSatisfy({ d in atomsOf(d).contains { decided[$0] == false } }) {
            return .safe(.errorBound)
        }
        guard atoms.allSatisfy({ $0.constant.isFinite && $0.coefficients.allSatisfy(\.isFinite) }) else { return .undecided }
        guard let outputs = exact() else {
            guard let rational else { return .undecided }
            let quick = intervalCheck(property, atoms: atoms, decided: decided, outputs: rational(false), atomsOf: atomsOf)
            if quick != .undecided { return quick }
            return intervalCheck(property, atoms: atoms, decided: decided, outputs: rational(true), atomsOf: atomsOf)
        }
        func exactValue(_ atom: OutputAtom) -> ExactDyadic {
            var sum = ExactDyadic(atom.constant)
            for (a, y) in zip(atom.coefficients, outputs) where a != 0 { sum = sum + ExactDyadic(a) * y }
            return sum
        }
        for d in property.disjuncts.indices {
            let holds = atomsOf(d).allSatisfy { k in decided[k] ?? (exactValue(atoms[k]).signum <= 0) }
            if holds { return .violated(disjunct: d, .exactArithmetic) }
        }
        return .safe(.exactArithmetic)
    }

    /// The rational-interval form of ``violationCheck(_:enclosure:exact:rational:)``: an atom
    /// `a · y + t` holds when its upper end is `<= 0`, fails when its lower end is `> 0`.
    private static func intervalCheck(_ property: OutputProperty, atoms: [OutputAtom], decided: [Bool?],
                                      outputs: [ExactInterval], atomsOf: (Int) -> Range<Int>) -> ViolationCheck {
        let exactAtoms: [Bool?] = atoms.indices.map { k in
            if let known = decided[k] { return known }
            var low = ExactRational(atoms[k].constant), high = low
            for (a, y) in zip(atoms[k].coefficients, outputs) where a != 0 {
                let w = ExactRational(a)
                low = low + w * (a > 0 ? y.lower : y.upper)
                high = high + w * (a > 0 ? y.upper : y.lower)
            }
            if high.signum <= 0 { return true }
            if low.signum > 0 { return false }
            return nil
        }
        if let d = property.disjuncts.indices.first(where: { d in atomsOf(d).allSatisfy { exactAtoms[$0] == true } }) {
            return .violated(disjunct: d, .exactArithmetic)
        }
        if property.disjuncts.indices.allSatisfy({ d in atomsOf(d).contains { exactAtoms[$0] == false } }) {
            return .safe(.exactArithmetic)
        }
        return .undecided
    }
}
