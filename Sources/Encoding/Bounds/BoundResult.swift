/// How bounds are computed.
public enum BoundMethod: Sendable, Equatable {
    /// Interval bound propagation (IBP): each unit's interval from the previous layer's
    /// intervals, every operation rounded outward. Cheapest, loosest.
    case interval
    /// Linear bounds computed backwards (CROWN / DeepPoly style) on top of the intervals.
    case linear
}

/// Options of a bound computation; the defaults are what the solver uses.
public struct BoundOptions: Sendable, Equatable {
    /// The method for the specification rows and the reported layer bounds.
    public var method: BoundMethod
    /// With `method == .linear`: how the pre-activation bounds of activation layers are
    /// computed. `.linear` (default) back-substitutes every such layer to the input and keeps
    /// the better of the interval and linear bound per unit; `.interval` keeps IBP bounds
    /// there and uses back-substitution only for the specification rows and the outputs.
    public var intermediate: BoundMethod
    /// Optional lower-line slopes of unstable ReLU units (and the through-the-origin line of
    /// LeakyReLU units; for a clip unit with one kink inside its bounds, the slope of the
    /// supporting line through that kink: the lower line at `p`, the upper one at `q`), keyed
    /// by layer index (`network.layers[k]`), one entry per unit.
    /// Entries are clamped into the valid range (`[0, 1]` for ReLU and clip, between `alpha`
    /// and 1 for LeakyReLU); NaN means "adaptive" (slope 1 when `u >= -l`, else 0 resp.
    /// `alpha`; for clip, 1 when the kink is nearer the far end, else 0).
    /// Any slope in range is sound; the choice only affects tightness.
    public var lowerSlopes: [Int: [Double]]
    /// With linear intermediate bounds: the largest input dimension for which a forward
    /// linear pass (``ForwardLinearBounds``, cost `O(n m d)` per layer for `d` inputs) runs
    /// first, so that only the units it leaves unstable are back-substituted. Any value is
    /// sound; 0 disables the pre-pass. Measured (release, one core): on a 5-50x6-5 ReLU
    /// network (ACAS Xu shape) it saved up to ~45% at small radii; on the digits C∘G shape
    /// (6-32-64-32-32-10) it cost 5-45% more, hence off by default.
    public var forwardPassInputLimit: Int
    /// Sound bounds of every layer over a box that contains this one (e.g. the parent node's
    /// ``BoundResult/layerBounds`` in a split search), or nil. Each layer's bounds are
    /// intersected with them before its units are classified and relaxed: a bound valid on a
    /// superset box is valid on the box, so the result stays sound, units stable on the
    /// enclosing box are never back-substituted again, and a child's bounds are never looser
    /// than its parent's.
    public var enclosing: [LayerBounds]?

    /// The default of ``forwardPassInputLimit`` (off).
    public static let defaultForwardPassInputLimit = 0

    public init(method: BoundMethod = .linear, intermediate: BoundMethod = .linear,
                lowerSlopes: [Int: [Double]] = [:],
                forwardPassInputLimit: Int = BoundOptions.defaultForwardPassInputLimit,
                enclosing: [LayerBounds]? = nil) {
        self.method = method
        self.intermediate = intermediate
        self.lowerSlopes = lowerSlopes
        self.forwardPassInputLimit = forwardPassInputLimit
        self.enclosing = enclosing
    }
}

/// Sound bounds of every unit of one layer's output (or of the input box).
public struct LayerBounds: Sendable, Equatable {
    public var lower: [Double]
    public var upper: [Double]

    public init(lower: [Double], upper: [Double]) {
        precondition(lower.count == upper.count, "layer bounds need one lower and one upper bound per unit")
        self.lower = lower
        self.upper = upper
    }

    /// Number of units.
    public var count: Int { lower.count }

    /// Whether `values` lies within the bounds (inclusive).
    public func contains(_ values: [Double]) -> Bool {
        values.count == count && values.indices.allSatisfy { lower[$0] <= values[$0] && values[$0] <= upper[$0] }
    }
}

/// The result of ``BoundPropagation/bounds(of:over:specification:options:)``.
///
/// Layer indexing: `layerBounds[0]` is the input box and `layerBounds[k + 1]` bounds the
/// OUTPUT of `network.layers[k]`. Hence the bounds of the INPUT of layer `k` (for an
/// activation layer: its pre-activation values, the big-M constants of an exact encoding)
/// are `layerBounds[k]`; see ``preActivationBounds(ofLayer:)``.
///
/// Semantics: every bound holds for the network evaluated in exact real arithmetic on the
/// Double weights, for every input in the box (what Z3 decides). The interval bounds
/// (`method == .interval`, and the interval part of `.linear`) also contain the values of the
/// floating-point forward pass `NeuralNetwork.evaluate` / `activations`: their affine error
/// margin covers the forward pass's rounding as well (tanh and sigmoid assuming the C
/// library's functions are monotone within their error bound). The linear bounds may be
/// tighter than the forward pass's rounding error, so a float value can exceed them by a few
/// ulps.
public struct BoundResult: Sendable, Equatable {
    /// The method that produced the result.
    public var method: BoundMethod
    /// `network.layers.count + 1` entries, see the type's documentation for the indexing.
    public var layerBounds: [LayerBounds]
    /// One sound lower bound per specification row over the box. With `.linear` it is the
    /// better of the linear bound (the concretisation of `inputCoefficients · x +
    /// inputConstants`) and the interval bound on the output bounds, so it is never looser
    /// than the interval method.
    public var specLower: [Double]
    /// With `.linear`: per specification row `r`, coefficients `Λ_r` over the inputs with
    /// `s_r · f(x) + t_r >= Λ_r · x + c_r` for every `x` in the box, in exact arithmetic.
    /// Empty with `.interval`. Used by the input-split heuristic (`width_i * |Λ_ri|`).
    public var inputCoefficients: [[Double]]
    /// With `.linear`: the constants `c_r` of the linear lower bounds above. Empty with
    /// `.interval`.
    public var inputConstants: [Double]

    /// Bounds of the input of `network.layers[layer]` (for an activation layer: the
    /// pre-activation bounds, sound for big-M constants). Same as `layerBounds[layer]`.
    public func preActivationBounds(ofLayer layer: Int) -> LayerBounds {
        layerBounds[layer]
    }

    /// Bounds of the network output.
    public var outputBounds: LayerBounds { layerBounds[layerBounds.count - 1] }
}
