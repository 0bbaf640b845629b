import Network

// Split-aware linear bounds of a ReLU branch-and-bound sub-problem.
//
// References: R. Bunel et al., "Branch and Bound for Piecewise Linear Neural Network
// Verification", JMLR 2020 (sub-problems with fixed ReLU phases, BaBSR); S. Wang et al.,
// "Beta-CROWN", NeurIPS 2021 (split constraints in the bounds; here through the intervals).

/// Sound bounds over a sub-problem `S = { x in box : every split constraint holds }`
/// (``PhaseConstraints``: ReLU phases, and clip units held to one side of a breakpoint).
///
/// The computation is ``BoundPropagation``'s linear method with one change: as soon as the
/// pre-activation bounds `[l, u]` of an activation layer are known (interval, then
/// back-substituted), every fixed unit's interval is clipped by its constraint,
///
/// ```
/// active:    [l, u] := [max(l, 0), u]      (z >= 0 on S)
/// inactive:  [l, u] := [l, min(u, 0)]      (z <= 0 on S)
/// ```
///
/// (in general `[l, u] := [max(l, a), min(u, b)]` for a unit held to `a <= z <= b`; the
/// ends are breakpoints, exact Doubles, so the clip needs no rounding).
///
/// before the layer is relaxed. A clipped unit is stable, so its relaxation is exact (an
/// active ReLU is the identity, an inactive one is 0) and every later layer's bounds and the
/// specification rows are re-propagated through it. Every bound is sound on `S` (in exact
/// arithmetic on the Double weights): the unclipped bound holds on the larger set with the
/// constraints of earlier layers only, and on `S` the constraint itself holds. Back-
/// substitution concretises rows over clipped intermediate bounds, which hold on `S`.
///
/// Infeasibility: when a clipped interval is empty (`u < 0` for an active unit, `l > 0` for
/// an inactive one), or two sound bounds of the same unit cross, `S` is empty (no point of
/// `S` can have a value in an empty set), and the result is nil: the sub-problem holds
/// vacuously.
///
/// `enclosing` (the parent's layer bounds, sound on a superset of `S`) is intersected with
/// every layer's bounds, as ``BoundOptions/enclosing``.
///
/// `multipliers` (beta-CROWN, ``SplitMultipliers``) put the phase constraints into the
/// specification rows' linear bounds as well: each row back-substitutes `c·f(x) - Σ β_i s_i
/// z_i(x)`, a lower bound of `c·f(x)` on `S` for any `β ≥ 0`.
///
/// `intermediates` (``PhaseNodeIntermediates``): `.refined` back-substitutes every loose
/// unit of every activation layer (one row per unit); `.fixed` skips that refinement, so
/// every layer keeps `interval(previous) ∩ enclosing`, clipped by the phases (the parent's
/// bounds with the split units clipped, alpha-beta-CROWN's practice in branch and bound),
/// and only the specification rows are back-substituted; `.afterSplit` refines only the
/// activation layers after `newestSplitLayer` (none when it is nil). All are sound on `S`:
/// the refinement only tightens bounds that are already sound.
///
/// `intervals` (``IntervalMemo``, from earlier computations over the same network) saves the
/// interval products of affine layers whose input bounds repeat bit for bit; the result's
/// ``PhaseSplitNodeBounds/intervals`` holds them with this computation's own, for the next.
/// The bounds are the same Doubles with or without it.
public enum PhaseSplitBounds {
    public static func bounds(of network: NeuralNetwork, over box: Box, phases: PhaseConstraints,
                              specification: LinearSpecification, enclosing: [LayerBounds]? = nil,
                              lowerSlopes: [Int: [Double]] = [:],
                              multipliers: SplitMultipliers = SplitMultipliers(),
                              intermediates: PhaseNodeIntermediates = .refined,
                              newestSplitLayer: Int? = nil,
                              intervals: IntervalMemo? = nil) -> PhaseSplitNodeBounds? {
        precondition(box.dimension == network.inputSize, "box and network input sizes differ")
        let layers = network.layers
        var state = BackSubstitution(network: network, box: box, linear: true)
        state.intervalMemo = intervals
        if let enclosing {
            precondition(enclosing.count == layers.count + 1, "enclosing bounds need one entry per layer and the input")
            guard state.bounds[0].intersect(with: enclosing[0]) else { return nil }
        }
        for k in layers.indices {
            state.appendLayer(k, slopes: lowerSlopes[k])
            if let enclosing, !state.bounds[k + 1].intersect(with: enclosing[k + 1]) { return nil }
            guard clip(&state.bounds[k + 1], phases, layer: k + 1, layers: layers) else { return nil }
            guard refines(k + 1, intermediates, newestSplitLayer), k >= 1, k + 1 < layers.count, case .affine = layers[k] else { continue }
            let consumer = layers[k + 1]
            if case .affine = consumer { continue }
            guard state.refine(top: k + 1, isNeeded: { LinearRelaxation.isLoose(consumer, $0, $1) }) else { return nil }
        }
        let (result, consistent) = state.specificationResult(
            specification, splitTerms: multipliers.isEmpty ? nil : multipliers.terms(phases))
        guard consistent else { return nil }
        return PhaseSplitNodeBounds(result: result, layers: layers, relaxations: state.relaxations,
                                    intervals: state.intervalMemo ?? IntervalMemo())
    }

    /// Whether the activation layer `layer` gets its loose units back-substituted under
    /// `intermediates` (see the type's documentation).
    static func refines(_ layer: Int, _ intermediates: PhaseNodeIntermediates, _ newestSplitLayer: Int?) -> Bool {
        switch intermediates {
        case .refined: return true
        case .fixed: return false
        case .afterSplit: return newestSplitLayer.map { layer > $0 } ?? false
        }
    }

    /// Clips the constrained units of activation layer `layer` (whose input bounds are
    /// `bounds`) to their intervals (``PhaseConstraints/intervals``); false when a clipped
    /// interval is empty. Other layers and free units are left alone.
    static func clip(_ bounds: inout LayerBounds, _ phases: PhaseConstraints, layer: Int, layers: [Layer]) -> Bool {
        guard layer < layers.count, let (lower, upper) = phases.ends(ofLayer: layer) else { return true }
        switch layers[layer] {
        case .relu, .leakyRelu, .clip: break
        case .affine, .tanh, .sigmoid, .enclosedScale:
            preconditionFailure("a split constraint is set at layer \(layer), which is not a ReLU, LeakyReLU or clip layer")
        }
        precondition(lower.count == bounds.count, "constraint row of layer \(layer) has the wrong width")
        for i in 0..<lower.count {
            bounds.lower[i] = Swift.max(bounds.lower[i], lower[i])
            bounds.upper[i] = Swift.min(bounds.upper[i], upper[i])
            if bounds.lower[i] > bounds.upper[i] { return false }
        }
        return true
    }
}
