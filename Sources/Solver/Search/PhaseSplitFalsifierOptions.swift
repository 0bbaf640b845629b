import Foundation

/// How the falsifier's step length shrinks over one start of `T` steps (step `t = 0 ..< T`,
/// first length `α_0`).
public enum StepSchedule: String, Sendable, Equatable, CaseIterable {
    /// `α_t = α_0`.
    case constant
    /// `α_t = α_0 · (1 - t / T)`.
    case linear
    /// `α_t = α_0 · (1 + cos(π t / T)) / 2`.
    case cosine

    /// The factor `α_t / α_0`.
    func factor(step t: Int, of steps: Int) -> Double {
        let fraction = Double(t) / Double(max(steps, 1))
        switch self {
        case .constant: return 1
        case .linear: return 1 - fraction
        case .cosine: return (1 + cos(Double.pi * fraction)) / 2
        }
    }
}

/// Settings of the phase engine's falsifier (``PhaseSplitFalsifier``): projected gradient
/// descent on the violation score of one unsafe disjunct at a time, from the box centre, the
/// root bounds' minimising vertices and seeded random points; and short descents from each
/// sub-problem's bound minimiser. Every budget is counted in steps.
public struct FalsifierOptions: Sendable, Equatable, CustomStringConvertible {
    /// Off: the phase engine only checks the bound minimisers themselves.
    public var enabled = true
    /// Disjuncts attacked on the whole box, the most promising (lowest score at the centre)
    /// first.
    public var targets = 10
    /// Starts per target on the whole box: the centre, the target's bound minimiser at the
    /// root, then seeded random points (even-numbered: uniform in the box; odd-numbered:
    /// random box vertices).
    public var restarts = 4
    /// Gradient steps per start on the whole box.
    public var steps = 50
    /// First step length `α_0` as a fraction of each dimension's width.
    public var initialStep = 0.25
    /// How the step length shrinks over a start.
    public var schedule = StepSchedule.cosine
    /// Gradient steps from a sub-problem's bound minimiser (the open disjunct whose minimiser
    /// scores lowest); 0: the minimisers are only checked.
    public var nodeSteps = 8
    /// A sub-problem's descent starts only where its minimiser's float score `s` (the
    /// disjunct's largest atom value; the minimiser is safe for `s > 0`) is at most this many
    /// times the depth `-L` the node's linear lower bound `L < 0` reaches below zero: the
    /// minimum over the node lies in `[L, s]`, and a start far from the unsafe set on that
    /// scale wastes its steps. Measured on `mnistfc`: on 256x4 prop_13_0.03 (unsat) every one
    /// of its 794 descents started at `s / -L >= 2.9` (median 16) and found nothing, 30 % of
    /// the search's time; on 256x2 prop_0_0.05 (sat, found by a node's descent) the starts had
    /// a median ratio of 1.1 and the successful one 1.03. `.infinity`: every open node.
    public var nodeDescentRatio = 2.0
    /// Mixed with the query's hash into the seed of the random starts.
    public var seed: UInt64 = 0xFA15_1F1E

    public init() {}

    public var description: String {
        "FalsifierOptions(enabled: \(enabled), targets: \(targets), restarts: \(restarts), steps: \(steps), "
            + "initialStep: \(String(reflecting: initialStep)), schedule: \(schedule.rawValue), nodeSteps: \(nodeSteps), "
            + "nodeDescentRatio: \(String(reflecting: nodeDescentRatio)), seed: \(seed))"
    }
}
