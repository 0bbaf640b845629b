import Foundation
import Encoding
import Network

/// Stops a running query from another thread: sets a flag the search checks between
/// nodes, interrupts the current Z3 call and kills a running leaf process.
public struct QueryInterruptHandle: Sendable {
    let flag: InterruptFlag
    let z3: Z3InterruptHandle
    let child: ChildProcessSlot

    public func interrupt() {
        flag.set(true)
        z3.interrupt()
        child.kill()
    }
}

/// A thread-safe Boolean.
final class InterruptFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set(_ newValue: Bool) { lock.lock(); value = newValue; lock.unlock() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
}

/// The outcome of one exact leaf.
enum LeafOutcome {
    case unsat
    /// Z3's model: the exact rational inputs and their nearest Doubles.
    case sat(exact: [ExactRational], nearest: [Double])
    case unknown(LeafFailure)

    /// The outcome of Z3's answer on a leaf over `box`, the same conversion wherever Z3 ran:
    /// a model's point is each exact value's nearest Double. A nearest Double outside the
    /// box (which a correct model never has: rounding to nearest is monotone and the box
    /// ends are Doubles) makes the answer malformed, UNKNOWN, never `sat`.
    init(_ answer: LeafAnswer, box: Box) {
        switch answer {
        case .unsat: self = .unsat
        case .unknown(let reason): self = .unknown(.z3(Z3UnknownReason(description: reason)))
        case .sat(let values):
            let nearest = values.map(\.nearestDouble)
            if let i = nearest.indices.first(where: { !(box.lower[$0] <= nearest[$0] && nearest[$0] <= box.upper[$0]) }) {
                self = .unknown(.malformedAnswer("X_\(i) = \(values[i]) lies outside the box [\(box.lower[i]), \(box.upper[i])]"))
            } else {
                self = .sat(exact: values, nearest: nearest)
            }
        }
    }
}

/// Decides an open sub-box exactly: big-M encoding with the sub-box's sound pre-activation
/// bounds (design rule 3), solved by Z3 on a fresh solver with an `rlimit` budget, in this
/// process or, with ``isolation`` set, in a child process (``IsolatedLeaf``).
final class ExactLeafSolver {
    let context: Z3Context
    let flag = InterruptFlag()
    /// The running leaf process, if any (killed by ``interruptHandle``).
    let child = ChildProcessSlot()
    /// Leaves solved so far (names the exported SMT-LIB2 files).
    var leafCount = 0
    /// Where ``solve(network:box:bounds:property:resourceLimit:timeLimit:smt2Directory:)``
    /// runs Z3: `nil` in this process, otherwise in a child process
    /// (``LeafSettings/leafProcessExecutable``). ``relaxationExcludes(box:rows:)`` stays
    /// in this process either way: a small LP over the inputs with a 2 s timeout, not the
    /// big-M search that hangs.
    var isolation: IsolatedLeaf?

    init() throws { context = try Z3Context() }

    var interruptHandle: QueryInterruptHandle { QueryInterruptHandle(flag: flag, z3: context.interruptHandle, child: child) }
    var isInterrupted: Bool { flag.isSet }
    func resetInterrupt() { flag.set(false) }

    /// Whether the linear relaxation alone excludes a conjunction of unsafe atoms on `box`.
    ///
    /// Each row `(Λ_r, c_r)` is a sound linear lower bound of its atom over the box,
    /// `a_r(f(x)) >= Λ_r · x + c_r` in exact arithmetic (``BoundResult/inputCoefficients``).
    /// If no `x` in the box satisfies `Λ_r · x + c_r <= 0` for every `r` (an LP over the
    /// input, decided exactly by Z3 in rational arithmetic), then no `x` makes every atom
    /// `<= 0`, so the conjunction is unreachable. This closes conjunctions whose atoms are
    /// each satisfiable somewhere but never together (e.g. "Y_0 is the largest output").
    func relaxationExcludes(box: Box, rows: [(coefficients: [Double], constant: Double)]) -> Bool {
        var system = PiecewiseLinearSystem()
        let inputs = box.lower.indices.map { system.addReal("X_\($0)", lower: box.lower[$0], upper: box.upper[$0]) }
        system.inputs = inputs
        for row in rows {
            let terms = zip(row.coefficients, inputs).compactMap { coefficient, variable in
                coefficient == 0 ? nil : PiecewiseLinearSystem.Term(coefficient, variable)
            }
            system.add(.init(.init(terms: terms, constants: [row.constant]), .lessOrEqual))
        }
        guard let result = try? context.solve(system, options: Z3QueryOptions(timeoutMilliseconds: 2_000)) else { return false }
        if case .unsat = result.outcome { return true }
        return false
    }

    /// - Parameters:
    ///   - bounds: sound bounds over `box` (their pre-activation entries become big-M constants).
    ///   - property: the disjuncts still open on this box.
    ///   - affineForm: `.equalities` makes every pre-activation a variable within its bounds,
    ///     so bounds that carry constraints (a phase sub-problem's clipped intervals) are
    ///     constraints of the encoding too.
    func solve(network: NeuralNetwork, box: Box, bounds: BoundResult, property: OutputProperty,
               resourceLimit: UInt64, timeLimit: Double, smt2Directory: String?,
               affineForm: NetworkEncoder.AffineForm = .substituted) -> (LeafOutcome, Double) {
        leafCount += 1
        let activationLayers = network.layers.indices.filter {
            if case .affine = network.layers[$0] { return false } else { return true }
        }
        let preActivation = activationLayers.map { layer -> PreActivationBounds in
            let bound = bounds.preActivationBounds(ofLayer: layer)
            return PreActivationBounds(lower: bound.lower, upper: bound.upper)
        }
        let policy: NetworkEncoder.NonlinearPolicy = network.isPiecewiseLinear ? .refuse : .intervalEnvelope
        do {
            let encoding = try NetworkEncoder(options: .init(affineForm: affineForm, nonlinear: policy)).encode(
                network, inputLower: box.lower, inputUpper: box.upper,
                preActivationBounds: preActivation, property: property)
            let options = Z3QueryOptions(
                resourceLimit: resourceLimit == 0 ? nil : UInt32(min(resourceLimit, UInt64(UInt32.max))),
                timeoutMilliseconds: UInt32(max(1, min(timeLimit, 4_000_000)) * 1000))
            let query = LeafQuery(encoding.system, options: options)
            if let smt2Directory {
                let path = (smt2Directory as NSString).appendingPathComponent("leaf-\(leafCount).smt2")
                let text = "; sub-box leaf \(leafCount): sat = violation reachable\n" + query.text
                try? text.write(toFile: path, atomically: true, encoding: .utf8)
            }
            if let isolation {
                return isolation.solve(query, box: box, slot: child, flag: flag)
            }
            let (answer, used) = try LeafAnswer.solving(query, context: context)
            return (LeafOutcome(answer, box: box), used)
        } catch {
            return (.unknown(.encodingOrSolver("\(error)")), 0)
        }
    }
}
