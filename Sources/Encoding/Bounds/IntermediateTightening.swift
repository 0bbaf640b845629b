import Network

// Intermediate layer bounds tightened with slopes optimised for them (alpha-CROWN's
// intermediate layers, with one slope set per layer and bound side instead of one per unit).
//
// Reference: K. Xu et al., "Fast and Complete: Enabling Complete Neural Network Verification
// with Rapid and Massively Parallel Incomplete Verifiers", ICLR 2021.

/// The lower slopes that tightened the pre-activation bounds of one activation layer
/// (``IntermediateTightening``): `lowerRows` for the rows `z_i` (lower bounds), `upperRows`
/// for the rows `-z_i` (upper bounds), each keyed by layer like ``BoundOptions/lowerSlopes``
/// (NaN: the unit keeps the adaptive slope). Any slope in its range gives sound bounds.
public struct IntermediateSlopes: Sendable, Equatable {
    /// The activation layer whose input bounds are tightened.
    public var layer: Int
    public var lowerRows: [Int: [Double]]
    public var upperRows: [Int: [Double]]

    public init(layer: Int, lowerRows: [Int: [Double]], upperRows: [Int: [Double]]) {
        self.layer = layer
        self.lowerRows = lowerRows
        self.upperRows = upperRows
    }
}

/// Tightens the pre-activation bounds of a network's deeper activation layers over a box, one
/// layer at a time, front to back.
///
/// For an activation layer `k` whose input is an affine layer's output `z = W h + b`, the
/// prefix network `layers[0..<k-1]` computes `h`. Every unit `i` that is loose under the
/// current bounds (``LinearRelaxation/isLoose(_:_:_:)``) gets two specification rows on the
/// prefix, `z_i = W_i · h + b_i` and `-z_i`; their sound linear lower bounds (``PhaseSplitBounds`` with the
/// earlier layers' current bounds as ``PhaseSplitBounds/bounds(of:over:phases:specification:enclosing:lowerSlopes:multipliers:intermediates:newestSplitLayer:intervals:)``'s
/// enclosing bounds and fixed intermediates) give `z_i >= L_i` and `z_i <= -L'_i`, and the
/// layer's bounds become `[max(l_i, L_i), min(u_i, -L'_i)]`. Every bound is sound on the
/// box whatever the slopes (each in its range), so the result is sound; the slopes
/// (``IntermediateSlopes``) only decide how tight it is. Later layers are evaluated with the
/// tightened earlier ones.
///
/// The search (``optimise(_:box:enclosing:ascent:iterations:expired:)``) finds the slopes by
/// ascent on the sum of each side's rows (``PhaseSplitNodeBounds/optimisedSlopes(rows:specification:box:ascent:iterations:expired:)``);
/// a certificate checker replays the recorded slopes (``replay(_:box:enclosing:slopes:)``),
/// which runs the same sound evaluation on the same inputs and so gets the same bounds.
public enum IntermediateTightening {
    /// The activation layers that can be tightened: ReLU, LeakyReLU and clip layers fed by an
    /// affine layer that is not the first layer (the first affine layer's interval bounds over
    /// the box are already exact).
    public static func targetLayers(_ network: NeuralNetwork) -> [Int] {
        let layers = network.layers
        return layers.indices.filter { k in
            guard k >= 2, case .affine = layers[k - 1] else { return false }
            switch layers[k] {
            case .relu, .leakyRelu, .clip: return true
            case .affine, .tanh, .sigmoid, .enclosedScale: return false
            }
        }
    }

    /// Tightens every target layer of `enclosing` (sound bounds of every layer's input over
    /// `box`, one entry per layer and the output) with slopes found by `iterations` ascent
    /// steps per layer and side; returns the tightened bounds and the slopes, or nil when
    /// two bounds of a unit cross (the box has no point: cannot happen for a non-empty box,
    /// but a caller must not build on crossed bounds). `expired` is asked before every step
    /// (fewer steps: looser bounds, never unsound ones); once it answers true no further layer
    /// is tightened.
    public static func optimise(_ network: NeuralNetwork, box: Box, enclosing: [LayerBounds], ascent: HintAscent = HintAscent(),
                                iterations: Int, expired: () -> Bool = { false }) -> (bounds: [LayerBounds], slopes: [IntermediateSlopes])? {
        var bounds = enclosing
        var recorded: [IntermediateSlopes] = []
        for k in targetLayers(network) {
            if expired() { break }
            let problem = PrefixProblem(network, box: box, layer: k, bounds: bounds)
            guard !problem.loose.isEmpty else { continue }
            // The start's relaxations are all the ascent needs: no rows to bound.
            guard let start = problem.evaluate(.none, slopes: [:]) else { return nil }
            let rows = Array(problem.loose.indices)
            let slopes = IntermediateSlopes(
                layer: k,
                lowerRows: start.optimisedSlopes(rows: rows, specification: problem.lowerRows, box: box,
                                                 ascent: ascent, iterations: iterations, expired: expired),
                upperRows: start.optimisedSlopes(rows: rows, specification: problem.upperRows, box: box,
                                                 ascent: ascent, iterations: iterations, expired: expired))
            guard problem.tighten(&bounds, with: slopes) else { return nil }
            recorded.append(slopes)
        }
        return (bounds, recorded)
    }

    /// Re-derives the tightened bounds from recorded slopes: each entry tightens its layer, in
    /// the order given, exactly as ``optimise(_:box:enclosing:ascent:iterations:expired:)``
    /// did. Nil when an entry names a layer that is not a target layer or comes after a
    /// later one, or when two bounds of a unit cross. The slopes must have been validated
    /// (each in its range); a layer without loose units keeps its bounds.
    public static func replay(_ network: NeuralNetwork, box: Box, enclosing: [LayerBounds],
                              slopes: [IntermediateSlopes]) -> [LayerBounds]? {
        let targets = Set(targetLayers(network))
        var bounds = enclosing
        var last = -1
        for entry in slopes {
            guard targets.contains(entry.layer), entry.layer > last else { return nil }
            last = entry.layer
            let problem = PrefixProblem(network, box: box, layer: entry.layer, bounds: bounds)
            guard problem.loose.isEmpty || problem.tighten(&bounds, with: entry) else { return nil }
        }
        return bounds
    }

    /// The prefix network `layers[0..<k-1]` of target layer `k`, the affine layer `z = W h + b`
    /// that feeds `k`, and the units of `k` loose under `bounds[k]` (increasing).
    static func prefix(of network: NeuralNetwork, layer k: Int, bounds: [LayerBounds]) -> (prefix: NeuralNetwork, affine: AffineLayer, loose: [Int]) {
        guard case .affine(let affine) = network.layers[k - 1] else { preconditionFailure("layer \(k) is not fed by an affine layer") }
        let consumer = network.layers[k], current = bounds[k]
        let loose = (0..<current.count).filter { LinearRelaxation.isLoose(consumer, current.lower[$0], current.upper[$0]) }
        return (network.prefix(layers: k - 1), affine, loose)
    }

    /// The prefix network of one target layer `k` and its rows for the loose units: the
    /// prefix is `layers[0..<k-1]`, whose output `h` feeds the affine layer `z = W h + b`
    /// in front of layer `k`, and unit `i`'s rows are `W_i · h + b_i` and `-W_i · h - b_i`
    /// (exact: the weights are the network's Doubles, negation is exact). Ending the prefix
    /// before the affine layer saves the pass through it and the refinement of its every
    /// output that a prefix ending in an affine layer gets (``BackSubstitution``).
    private struct PrefixProblem {
        let prefix: NeuralNetwork
        let box: Box
        let layer: Int
        /// The current bounds of the prefix's layers and of its output (`bounds[0..<layer]`).
        let enclosing: [LayerBounds]
        /// The loose units of the layer, in increasing order.
        let loose: [Int]
        /// Row `n` is `z_{loose[n]}` (its lower bound bounds the unit below).
        let lowerRows: LinearSpecification
        /// Row `n` is `-z_{loose[n]}` (its lower bound bounds the unit above).
        let upperRows: LinearSpecification

        init(_ network: NeuralNetwork, box: Box, layer: Int, bounds: [LayerBounds]) {
            let affine: AffineLayer
            (prefix, affine, loose) = IntermediateTightening.prefix(of: network, layer: layer, bounds: bounds)
            self.box = box
            self.layer = layer
            enclosing = Array(bounds[0..<layer])
            let rows = loose.map { i in (0..<affine.inputSize).map { affine.weight(row: i, column: $0) } }
            lowerRows = LinearSpecification(coefficients: rows, constants: loose.map { affine.bias[$0] })
            upperRows = LinearSpecification(coefficients: rows.map { $0.map { -$0 } }, constants: loose.map { -affine.bias[$0] })
        }

        /// The prefix's sound bounds of `rows` with `slopes`, its intermediate layers kept as
        /// they are.
        func evaluate(_ rows: LinearSpecification, slopes: [Int: [Double]]) -> PhaseSplitNodeBounds? {
            PhaseSplitBounds.bounds(of: prefix, over: box, phases: PhaseConstraints(), specification: rows,
                                    enclosing: enclosing, lowerSlopes: slopes, intermediates: .fixed)
        }

        /// Intersects the layer's bounds in `bounds` with the rows' sound bounds, each side
        /// under its own slopes; false when two bounds cross.
        func tighten(_ bounds: inout [LayerBounds], with slopes: IntermediateSlopes) -> Bool {
            guard let lower = evaluate(lowerRows, slopes: slopes.lowerRows),
                  let upper = evaluate(upperRows, slopes: slopes.upperRows) else { return false }
            for (n, i) in loose.enumerated() {
                bounds[layer].lower[i] = Swift.max(bounds[layer].lower[i], lower.result.specLower[n])
                bounds[layer].upper[i] = Swift.min(bounds[layer].upper[i], -upper.result.specLower[n])
                if bounds[layer].lower[i] > bounds[layer].upper[i] { return false }
            }
            return true
        }
    }
}
