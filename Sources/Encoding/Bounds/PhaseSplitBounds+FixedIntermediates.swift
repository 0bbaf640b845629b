import Network

// The cheap child bound of filtered smart branching.
//
// Reference: A. De Palma et al., "Improved Branch and Bound for Neural Network Verification
// via Lagrangian Decomposition", 2021 (FSB: score the top candidates of a cheap heuristic by
// a fast bound of their children, with the parent's intermediate bounds kept).

extension PhaseSplitBounds {
    /// Sound lower bounds of the `specification` rows over the sub-problem `S` of `phases`,
    /// computed with every layer's bounds taken from `enclosing` (sound on a superset of `S`:
    /// the parent's bounds) instead of re-derived: per layer `k`,
    ///
    /// ```
    /// bounds[k + 1] = interval(layers[k], bounds[k]) ∩ enclosing[k + 1], clipped by phases
    /// ```
    ///
    /// and then one back-substitution of the specification rows through the relaxations of
    /// these bounds (``BackSubstitution/specificationResult(_:)``). No intermediate unit is
    /// back-substituted, so the cost is one interval pass and one pass of
    /// `specification.count` rows, against one pass per unstable unit in
    /// ``bounds(of:over:phases:specification:enclosing:lowerSlopes:)``; the bounds are looser
    /// where a split would have tightened later layers.
    ///
    /// Soundness is that of ``bounds(of:over:phases:specification:enclosing:lowerSlopes:)``
    /// without the refinement step (an intersection of sound bounds is sound; clipping holds
    /// on `S`). The phase engine uses the result only to choose a split (a hint), never to
    /// close a sub-problem. Nil when `S` is shown empty.
    public static func fixedIntermediateBounds(of network: NeuralNetwork, over box: Box, phases: PhaseConstraints,
                                               specification: LinearSpecification, enclosing: [LayerBounds],
                                               lowerSlopes: [Int: [Double]] = [:]) -> BoundResult? {
        let layers = network.layers
        precondition(box.dimension == network.inputSize, "box and network input sizes differ")
        precondition(enclosing.count == layers.count + 1, "enclosing bounds need one entry per layer and the input")
        var state = BackSubstitution(network: network, box: box, linear: true)
        guard state.bounds[0].intersect(with: enclosing[0]) else { return nil }
        for k in layers.indices {
            state.appendLayer(k, slopes: lowerSlopes[k])
            guard state.bounds[k + 1].intersect(with: enclosing[k + 1]),
                  clip(&state.bounds[k + 1], phases, layer: k + 1, layers: layers) else { return nil }
        }
        let (result, consistent) = state.specificationResult(specification)
        return consistent ? result : nil
    }
}
