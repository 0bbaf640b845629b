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
    /// Div   x / c         ->  s = 1/c,  t = 0        (c = 0 is an error)
    /// ```
    /// Edge cases: `c / x` is not affine and is rejected. `x / c` becomes `x * (1/c)`, a
    /// diagonal map when every `1/c` is a `Double` (`c = ±2^k`); otherwise an
    /// ``EnclosedScale`` with the exact divisors (recorded as a ``RoundedConstant``,
    /// `.onnxDivision`, for `verify info`).
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
            guard let reciprocals = EnclosedScale.reciprocals(c) else {
                throw node.invalid("1/c overflows or underflows for constant '\(constant.name)'",
                                   fix: "repair the normalisation constants")
            }
            if !reciprocals.isExact {
                let inexact = Set(c.indices.filter { reciprocals.lower[$0] != reciprocals.upper[$0] }.map { c[$0] }).count
                pieces.appendEnclosed(reciprocals, rounded: [RoundedConstant(
                    layerIndex: 0, origin: .onnxDivision(node: node.step.displayName),
                    count: inexact, relativeError: reciprocals.largestRelativeWidth)])
                shape = resultShape
                return
            }
            scale = reciprocals.nearest
        default:
            throw node.unsupported("constant / data", supported: "Div of the data by a constant")
        }
        pieces.appendDiagonal(scale: scale, shift: shift)
        shape = resultShape
    }

    /// `BatchNormalization(X, scale, B, mean, var)` in inference form, per channel `c`
    /// (axis 1 of `[N, C, ...]`; axis 0 of a 1-D `[C]`):
    /// ```
    /// y = scale_c * (x - mean_c) / sqrt(var_c + epsilon) + B_c  =  s_c * (x - mean_c) + B_c
    /// s_c = scale_c / sqrt(var_c + epsilon)
    /// ```
    /// lowered to `x -> x - mean` (exact), `z -> s ⊙ z` and `w -> w + B`. When every `s_c`
    /// is a `Double` (checked exactly: ``EnclosedScale/batchNormalization(gamma:variance:epsilon:)``)
    /// the middle map is a diagonal one; otherwise it is an ``EnclosedScale`` holding certified
    /// bounds of the irrational `s_c` (recorded as a ``RoundedConstant``,
    /// `.onnxBatchNormalization`, for `verify info`).
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
        for c in 0..<channels where !(parameters[3][c] + epsilon > 0) {
            throw node.invalid("variance + epsilon of channel \(c) is not positive", fix: "repair the model's statistics")
        }
        guard let channelScale = EnclosedScale.batchNormalization(gamma: parameters[0], variance: parameters[3], epsilon: epsilon) else {
            throw node.invalid("scale / sqrt(variance + epsilon) overflows or underflows", fix: "repair the model's statistics")
        }
        let channelOf = (0..<size).map { ($0 / spatial) % channels }
        let mean = channelOf.map { -parameters[2][$0] }
        let bias = channelOf.map { parameters[1][$0] }
        let ones = [Double](repeating: 1, count: size)
        pieces.appendDiagonal(scale: ones, shift: mean)
        if channelScale.isExact {
            pieces.appendDiagonal(scale: channelOf.map { channelScale.nearest[$0] }, shift: bias)
            return
        }
        let inexact = (0..<channels).filter { channelScale.lower[$0] != channelScale.upper[$0] }.count
        let scale = EnclosedScale(nearest: channelOf.map { channelScale.nearest[$0] }, lower: channelOf.map { channelScale.lower[$0] },
                                  upper: channelOf.map { channelScale.upper[$0] }, divisors: nil)
        pieces.appendEnclosed(scale, rounded: [RoundedConstant(
            layerIndex: 0, origin: .onnxBatchNormalization(node: node.step.displayName),
            count: inexact, relativeError: channelScale.largestRelativeWidth)])
        pieces.appendDiagonal(scale: ones, shift: bias)
    }

}
