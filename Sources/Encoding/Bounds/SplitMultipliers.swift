import Network

// Split constraints in the linear bounds by Lagrange multipliers (beta-CROWN).
//
// Reference: S. Wang et al., "Beta-CROWN: Efficient Bound Propagation with Per-neuron Split
// Constraints for Neural Network Robustness Verification", NeurIPS 2021.

/// Lagrange multipliers `β ≥ 0` of a sub-problem's ReLU phase constraints, per specification
/// row: `values[r][unit]` is row `r`'s multiplier of the constraint on `unit` (absent: 0).
///
/// A ReLU phase is the constraint `s z ≥ 0` on the unit's pre-activation `z` (`s = +1`
/// active, `s = -1` inactive; ``ReLUPhase``). On the sub-problem `S` every term `β s z(x)` is
/// `≥ 0`, so for every `β ≥ 0`
///
/// ```
/// min_S c·f(x)  ≥  min_S [ c·f(x) - Σ_i β_i s_i z_i(x) ]
/// ```
///
/// and the linear bound of the right-hand side (back-substituted through relaxations that
/// hold on `S`) is a lower bound of the row on `S`. Only units whose constraint is a ReLU
/// phase (``PhaseConstraints/phase(of:)``: `[0, +inf]` or `[-inf, 0]`) take a multiplier;
/// clip units held at another breakpoint take none (their constraint `z ≥ p` would add a
/// constant `β p`, which is not implemented). Multipliers are hints: every value `≥ 0` gives
/// a sound bound, so they may come from a float optimisation
/// (``PhaseSplitNodeBounds/optimisedHints(rows:specification:box:phases:start:sharedMultipliers:ascent:iterations:expired:)``).
public struct SplitMultipliers: Sendable, Equatable {
    /// Per specification row, the multiplier of each constrained unit.
    public var values: [Int: [ActivationUnit: Double]]

    /// No multiplier: the bounds without the Lagrangian terms.
    public init(values: [Int: [ActivationUnit: Double]] = [:]) {
        self.values = values
    }

    public var isEmpty: Bool { values.values.allSatisfy(\.isEmpty) }

    /// The multipliers as they enter back-substitution: per activation layer `j` and row `r`,
    /// the units `i` of `v_j` with `δ = -s_i β_i` (nonzero only), for units with a ReLU phase
    /// in `phases`; others are left out (no term: sound).
    /// - Precondition: every multiplier is finite and `≥ 0` (a negative one would make the
    ///   bound unsound; a certificate checker validates recorded ones first).
    func terms(_ phases: PhaseConstraints) -> SplitTerms {
        var byLayer: [Int: [Int: [(unit: Int, delta: Double)]]] = [:]
        for (row, units) in values {
            for (unit, beta) in units.sorted(by: { $0.key < $1.key }) {
                precondition(beta.isFinite && beta >= 0, "split multiplier \(beta) of \(unit) is not a finite value >= 0")
                guard beta > 0, let phase = phases.phase(of: unit) else { continue }
                byLayer[unit.layer, default: [:]][row, default: []].append((unit.unit, phase == .active ? -beta : beta))
            }
        }
        return SplitTerms(byLayer: byLayer)
    }
}

/// ``SplitMultipliers`` signed by their phases, keyed for one back-substitution pass: per
/// activation layer, per row of the pass, the coefficient changes `δ` of units of `v_j`.
struct SplitTerms {
    var byLayer: [Int: [Int: [(unit: Int, delta: Double)]]]

    /// The units of each layer that some row changes (kept in every pass's columns).
    var units: [Int: Set<Int>] { byLayer.mapValues { Set($0.values.flatMap { $0.map(\.unit) }) } }
}

extension BackSubstitution {
    /// The Lagrangian step at the pre-activation `v_j` of activation layer `j`: after the
    /// activation step, the rows `λ` over `v_j` of the live rows take `λ_i := fl(λ_i + δ_i)`
    /// (``SplitTerms``, `δ_i = -s_i β_i`); the steps below read `|λ_i|` from the rows
    /// themselves, so their error terms see the changed values.
    ///
    /// Soundness without an error term: round-to-nearest is monotone and `λ_i` is a Double,
    /// so for `s_i = +1` (`δ_i = -β_i ≤ 0`) the stored `λ'_i = fl(λ_i - β_i) ≤ λ_i`, i.e.
    /// `λ'_i = λ_i - β'_i s_i` exactly with `β'_i = λ_i - λ'_i ≥ 0` (for `s_i = -1` likewise
    /// `β'_i = λ'_i - λ_i ≥ 0`). The rows carried on are therefore exactly those of the
    /// Lagrangian with the multipliers `β' ≥ 0` (finite while `λ'_i` is), which bounds the
    /// row on `S` (``SplitMultipliers``); the later steps' error analysis covers them like
    /// any other row. A non-finite `λ'_i` makes the row's
    /// bound `-infinity` (``combine(_:beta:q:bound:extra:)``).
    ///
    /// The units changed here are kept in the pass's columns (``columnLayout(top:keeping:)``).
    func addSplitTerms(_ terms: SplitTerms, layer j: Int, pass: RowPass) {
        guard let rows = terms.byLayer[j] else { return }
        let columns = pass.columns[j], n = columns?.count ?? sizes[j]
        var position: [Int: Int] = [:]
        if let columns { for (q, unit) in columns.enumerated() { position[unit] = q } }
        let buffers = scratch
        for p in 0..<pass.live {
            guard let changes = rows[pass.ids[p]] else { continue }
            for (unit, delta) in changes {
                guard let q = columns == nil ? unit : position[unit] else {
                    preconditionFailure("unit \(unit) of layer \(j) carries a split multiplier but is not in the pass's columns")
                }
                buffers.rows[p * n + q] += delta
            }
        }
    }
}
