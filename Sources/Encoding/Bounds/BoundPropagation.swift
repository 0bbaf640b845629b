import Network

/// Sound bounds of a network over an input box: interval bound propagation (IBP) and linear
/// bounds by back-substitution (CROWN / DeepPoly style).
///
/// Soundness (the bounds hold for the network in exact real arithmetic on its Double weights,
/// for every input in the box; see ``BoundResult`` for the float forward pass):
/// - Interval steps: affine layers use plain dot products plus an a-priori error bound
///   (`gamma_n`, with underflow), element-wise layers round every operation outward
///   (`DirectedRounding`); tanh and sigmoid values are widened beyond the C library's error.
/// - Relaxation lines are valid in exact arithmetic: slopes are arbitrary Doubles, intercepts
///   are computed with directed rounding from the function's vertices / end points.
/// - Back-substitution products are computed in round-to-nearest on BLAS (any summation
///   order, fused multiply-adds); their error is bounded a priori (`gamma_n`, with underflow)
///   and subtracted from the constant term, using the sound bounds of the layer the
///   coefficients act on (`BackSubstitution`). Concretisation is two BLAS products over the
///   centre-radius form of those bounds with the same kind of error term.
/// - Linear bounds are intersected with interval bounds ("best of both"), so a linear bound
///   is never looser than the interval bound of the same quantity.
public enum BoundPropagation {
    /// Bounds with the default options of `method` (intermediate bounds linear when
    /// `method == .linear`).
    public static func bounds(of network: NeuralNetwork, over box: Box,
                              specification: LinearSpecification = .none,
                              method: BoundMethod = .linear) -> BoundResult {
        bounds(of: network, over: box, specification: specification, options: BoundOptions(method: method))
    }

    /// Bounds of every layer and lower bounds of every specification row over `box`.
    ///
    /// `.interval`: IBP through all layers; the specification rows are bounded on the output
    /// interval.
    ///
    /// `.linear`: layers are processed in order. Each layer's output first gets IBP bounds,
    /// intersected with the concretised forward linear bounds when the input dimension is at
    /// most `options.forwardPassInputLimit` (``ForwardLinearBounds``). When an affine output
    /// feeds an activation layer and it is not the first layer, the units whose relaxation is
    /// still loose (`l < 0 < u` for ReLU, ...) are bounded again by back-substitution to the
    /// input (rows `+e_i` and `-e_i`) and keep the better bound (forward pass and
    /// back-substitution of intermediate units are skipped with
    /// `options.intermediate == .interval`). Activation outputs get the
    /// (exact, monotone) interval image of the refined input bounds. Finally the
    /// specification rows and, when the last layer is affine, the output units are
    /// back-substituted in one batch.
    ///
    /// - Precondition: `box.dimension == network.inputSize`; specification rows have
    ///   `network.outputSize` entries.
    public static func bounds(of network: NeuralNetwork, over box: Box,
                              specification: LinearSpecification,
                              options: BoundOptions) -> BoundResult {
        precondition(box.dimension == network.inputSize,
                     "box has \(box.dimension) dimensions, network takes \(network.inputSize) inputs")
        precondition(specification.coefficients.allSatisfy { $0.count == network.outputSize },
                     "specification rows must have one entry per network output (\(network.outputSize))")
        let linear = options.method == .linear
        let refineIntermediate = linear && options.intermediate == .linear
        let layers = network.layers
        var state = BackSubstitution(network: network, box: box, linear: linear)
        var forward: ForwardLinearBounds? = refineIntermediate && network.inputSize <= options.forwardPassInputLimit
            ? ForwardLinearBounds(box: state.bounds[0]) : nil

        for k in layers.indices {
            state.appendLayer(k, slopes: options.lowerSlopes[k])
            // Every bound here is sound on the whole box, so two bounds of a unit never cross
            // unless soundness is broken: fail in debug builds, keep the earlier bound in
            // release builds.
            if forward != nil {
                forward!.apply(layers[k], relaxation: state.relaxations[k])
                let consistent = state.bounds[k + 1].intersect(with: forward!.concretize())
                assert(consistent, "forward linear and interval bounds disagree at layer \(k + 1)")
            }
            if let enclosing = options.enclosing {
                precondition(enclosing.count == layers.count + 1, "enclosing bounds need one entry per layer and the input")
                let consistent = state.bounds[k + 1].intersect(with: enclosing[k + 1])
                assert(consistent, "bounds disagree with the enclosing bounds at layer \(k + 1)")
            }
            // Back-substitute an affine output that feeds an activation, for the units whose
            // relaxation is still loose.
            guard refineIntermediate, k >= 1, k + 1 < layers.count, case .affine = layers[k] else { continue }
            let consumer = layers[k + 1]
            if case .affine = consumer { continue }
            let consistent = state.refine(top: k + 1) { l, u in LinearRelaxation.isLoose(consumer, l, u) }
            assert(consistent, "linear and interval bounds disagree at layer \(k + 1)")
        }

        guard linear else {
            return BoundResult(method: .interval, layerBounds: state.bounds,
                               specLower: IntervalPropagation.specificationLower(specification, state.bounds[layers.count]),
                               inputCoefficients: [], inputConstants: [])
        }
        let (result, consistent) = state.specificationResult(specification)
        assert(consistent, "linear and interval bounds of the outputs disagree")
        return result
    }
}
