/// Element-wise operators with constants, lowered to diagonal affine maps
/// `x -> s ⊙ x + t` (see ``ONNXAffinePieces`` for how they fold into neighbouring layers).
extension ONNXLowering {
    /// `Add`, `Sub`, `Mul`, `Div` with one data operand `x` and one constant `c`, broadcast
    /// (numpy rules) to the data's shape: a scalar, a per-element or a per-channel constant
    /// (e.g. shape `[C, 1, 1]` against data `[1, C, H, W]`).
    /// ```
    /// Add   x + c, c + x  ->  s = 1,    t = c
    /// Sub   x - c         ->  s = 1,    t = -c
    /// Sub   c - x         ->  s = -1,   t = c
    /// Mul   x * c, c * x  ->  s = c,    t = 0
    /// Div   x / c         ->  s = fl(1/c),  t = 0    (c = 0 is an error)
    /// ```
    /// Edge cases: `c / x` is not affine and is rejected. `x / c` becomes `x * fl(1/c)`: exact
    /// when `c = ±2^k`; otherwise `1/c` is not a `Double`, and the correctly rounded reciprocal
    /// (relative error 2^-53) is recorded as a ``RoundedConstant`` (`.onnxDivision`).
    mutating func applyElementwise(_ node: ONNXNodeContext) throws {
        guard node.node.inputs.count == 2 else {
            throw node.invalid("has \(node.node.inputs.count) inputs, expected 2", fix: ONNXNodeContext.reexport)
        }
        let dataFirst = node.dataIndex == 0
        let constant = try node.weights(at: dataFirst ? 1 : 0, role: "constant operand")
        guard let (c, resultShape) = Self.broadcast(constant, to: shape) else {
            throw node.unsupported(
                "constant '\(constant.name)' of shape \(constant.shape) on data of shape \(shape)",
                supported: "\(node.op) with a scalar, per-element or per-channel constant that broadcasts to the data")
        }
        let n = c.count
        var scale = [Double](repeating: 1, count: n)
        var shift = [Double](repeating: 0, count: n)
        var rounded: [RoundedConstant] = []
        switch (node.op, dataFirst) {
        case ("Add", _): shift = c
        case ("Sub", true): shift = c.map { -$0 }
        case ("Sub", false):
            scale = [Double](repeating: -1, count: n)
            shift = c
        case ("Mul", _): scale = c
        case ("Div", true):
            if let index = c.firstIndex(of: 0) {
                throw node.invalid("divides by zero (constant '\(constant.name)' entry \(index))",
                                   fix: "repair the normalisation constants")
            }
            let reciprocals = c.map(RoundedConstant.reciprocal)
            guard reciprocals.allSatisfy({ $0.value.isFinite && $0.value != 0 }) else {
                throw node.invalid("1/c overflows or underflows for constant '\(constant.name)'",
                                   fix: "repair the normalisation constants")
            }
            scale = reciprocals.map(\.value)
            let inexact = Set(zip(c, reciprocals).filter { !$0.1.exact }.map(\.0)).count
            if inexact > 0 {
                rounded = [RoundedConstant(layerIndex: 0, origin: .onnxDivision(node: node.step.displayName),
                                           count: inexact, relativeError: RoundedConstant.correctlyRounded)]
            }
        default:
            throw node.unsupported("constant / data", supported: "Div of the data by a constant")
        }
        pieces.appendDiagonal(scale: scale, shift: shift, rounded: rounded)
        shape = resultShape
    }

    /// `BatchNormalization(X, scale, B, mean, var)` in inference form, per channel `c`
    /// (axis 1 of `[N, C, ...]`; axis 0 of a 1-D `[C]`):
    /// ```
    /// y = scale_c * (x - mean_c) / sqrt(var_c + epsilon) + B_c  =  s_c * (x - mean_c) + B_c
    /// s_c = scale_c / sqrt(var_c + epsilon)
    /// ```
    /// lowered to two element-wise maps, `x -> x - mean` (exact) and `z -> s ⊙ z + B`, so that
    /// only `s_c` can be rounded. `s_c` is evaluated as `fl(scale_c / fl(sqrt(fl(var_c +
    /// epsilon))))`; when each of the three operations is exact (TwoSum, `r * r == v` and
    /// `s * r == scale` checked exactly) `s_c` is exact, otherwise its relative error is at
    /// most `(1 + u) (1 - u)^(-3/2) - 1 < 4u = 2^-51` and it is recorded as a
    /// ``RoundedConstant`` (`.onnxBatchNormalization`).
    /// applied to every element of channel `c` (flat index `i` has channel `(i / spatial) % C`,
    /// `spatial` = product of the dimensions after the channel axis). `epsilon` defaults to
    /// 1e-5. `training_mode = 1` is rejected.
    mutating func applyBatchNormalization(_ node: ONNXNodeContext) throws {
        guard node.dataIndex == 0 else {
            throw node.invalid("the data must be input 0", fix: ONNXNodeContext.reexport)
        }
        guard try node.int("training_mode", default: 0) == 0 else {
            throw node.unsupported("training_mode=1", supported: "BatchNormalization in inference mode")
        }
        let epsilon = try node.float("epsilon", default: 1e-5)!
        let axis = shape.count >= 2 ? 1 : 0
        guard !shape.isEmpty else { throw node.invalid("expects at least 1-D data", fix: ONNXNodeContext.reexport) }
        let channels = shape[axis]
        let spatial = shape[(axis + 1)...].reduce(1, *)
        let roles = ["scale", "bias", "mean", "variance"]
        var parameters: [[Double]] = []
        for (offset, role) in roles.enumerated() {
            let constant = try node.weights(at: 1 + offset, role: role)
            guard constant.values.count == channels else {
                throw node.invalid(
                    "\(role) '\(constant.name)' has \(constant.values.count) values but the data has \(channels) channels",
                    fix: ONNXNodeContext.reexport)
            }
            parameters.append(constant.values)
        }
        var channelScale = [Double](repeating: 0, count: channels)
        var inexact = 0
        for c in 0..<channels {
            let variance = parameters[3][c] + epsilon
            let denominator = variance.squareRoot()
            guard denominator > 0, denominator.isFinite else {
                throw node.invalid("variance + epsilon of channel \(c) is not positive", fix: "repair the model's statistics")
            }
            channelScale[c] = parameters[0][c] / denominator
            let exact = ExactArithmetic.sum(parameters[3][c], epsilon) != nil
                && ExactArithmetic.product(denominator, denominator) == variance
                && ExactArithmetic.product(channelScale[c], denominator) == parameters[0][c]
            if !exact { inexact += 1 }
        }
        var scale = [Double](repeating: 0, count: size)
        var mean = [Double](repeating: 0, count: size)
        var bias = [Double](repeating: 0, count: size)
        for i in 0..<size {
            let c = (i / spatial) % channels
            scale[i] = channelScale[c]
            mean[i] = -parameters[2][c]
            bias[i] = parameters[1][c]
        }
        let rounded = inexact == 0 ? [] : [RoundedConstant(
            layerIndex: 0, origin: .onnxBatchNormalization(node: node.step.displayName),
            count: inexact, relativeError: Self.batchNormalizationRelativeError)]
        pieces.appendDiagonal(scale: [Double](repeating: 1, count: size), shift: mean)
        pieces.appendDiagonal(scale: scale, shift: bias, rounded: rounded)
    }

    /// Relative error bound of `fl(scale / fl(sqrt(fl(var + epsilon))))`: `4u = 2^-51`
    /// (see ``applyBatchNormalization(_:)``).
    static let batchNormalizationRelativeError: Double = 0x1p-51
}
