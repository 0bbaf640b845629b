/// Lowers a chain of ONNX nodes to ``Layer``s while tracking the data tensor's shape.
///
/// The data stays one flat row-major vector; shape operators (`Flatten`, `Reshape`,
/// `Identity`, a layout-preserving `Transpose`) only change the tracked shape, which
/// `Conv`, `BatchNormalization` and broadcasting constants need. The tracked shape keeps the
/// batch dimension (1) as ONNX sees it. Linear operators become dense ``AffineLayer``s
/// (`ONNXLowering+Linear.swift`, `ONNXLowering+Conv.swift`), element-wise constants become
/// diagonal maps (`ONNXLowering+Elementwise.swift`), activations map one to one:
/// ```
/// Relu       -> .relu                      LeakyRelu(alpha = 0.01) -> .leakyRelu(alpha)
/// Clip       -> .clip(min, max)            (absent side = ∓infinity; min/max are attributes
/// Tanh       -> .tanh                       before opset 11, optional constant inputs after)
/// Sigmoid    -> .sigmoid
/// ```
struct ONNXLowering {
    static let supportedOperators =
        "Gemm, MatMul, Add, Sub, Mul, Div (with a constant operand), Relu, LeakyRelu, Clip, Tanh, Sigmoid, "
        + "Flatten, Reshape, Identity, Constant, Conv (2-D, group 1, dilation 1), BatchNormalization, "
        + "Transpose (only when it keeps the data layout)"

    let file: String
    /// Largest dense matrix (entries) a node may produce; guards against absurd shapes.
    let maxDenseEntries: Int
    /// Shape of the current data tensor, batch dimension included.
    var shape: [Int]
    var pieces = ONNXAffinePieces()

    /// Number of elements of the current data tensor.
    var size: Int { shape.reduce(1, *) }

    /// Lowers one node, updating `shape` and `pieces`.
    mutating func apply(_ node: ONNXNodeContext) throws {
        guard node.node.domain.isEmpty || node.node.domain == "ai.onnx" else {
            throw node.unsupported("domain \(node.node.domain)", supported: Self.supportedOperators)
        }
        switch node.op {
        case "Gemm": try applyGemm(node)
        case "MatMul": try applyMatMul(node)
        case "Add", "Sub", "Mul", "Div": try applyElementwise(node)
        case "BatchNormalization": try applyBatchNormalization(node)
        case "Conv": try applyConv(node)
        case "Relu": pieces.appendActivation(.relu)
        case "LeakyRelu":
            let alpha = try node.float("alpha", default: Double(Float(0.01)))!
            guard alpha.isFinite else { throw node.invalid("alpha is \(alpha)", fix: "give a finite slope") }
            pieces.appendActivation(.leakyRelu(alpha: alpha))
        case "Tanh": pieces.appendActivation(.tanh)
        case "Sigmoid": pieces.appendActivation(.sigmoid)
        case "Clip": try applyClip(node)
        case "Identity": break
        case "Flatten": try applyFlatten(node)
        case "Reshape": try applyReshape(node)
        case "Transpose": try applyTranspose(node)
        default: throw node.unsupported(supported: Self.supportedOperators)
        }
    }

    /// `Clip`: bounds from attributes `min`/`max` (opset < 11) or from the optional scalar
    /// constant inputs 1 and 2 (opset >= 11). Both absent: the identity, no layer.
    private mutating func applyClip(_ node: ONNXNodeContext) throws {
        let (lower, upper) = try node.clipBounds()
        if lower == -.infinity && upper == .infinity { return }
        pieces.appendActivation(.clip(lower: lower, upper: upper))
    }

    /// `Flatten(axis = 1)`: shape `[d_0 ... d_{r-1}]` -> `[d_0 ⋯ d_{axis-1}, d_axis ⋯ d_{r-1}]`.
    private mutating func applyFlatten(_ node: ONNXNodeContext) throws {
        var axis = try node.int("axis", default: 1)
        if axis < 0 { axis += shape.count }
        guard axis >= 0, axis <= shape.count else {
            throw node.invalid("axis \(axis) is outside the input's \(shape.count) dimensions", fix: ONNXNodeContext.reexport)
        }
        shape = [shape[..<axis].reduce(1, *), shape[axis...].reduce(1, *)]
    }

    /// `Reshape(data, shape)`: a new shape for the same row-major data. An entry 0 copies the
    /// input's dimension (unless `allowzero = 1`), one entry -1 is inferred.
    private mutating func applyReshape(_ node: ONNXNodeContext) throws {
        let requested: [Int]
        if let constant = try node.constant(at: 1) {
            requested = constant.values.map { Int(exactly: $0.rounded(.towardZero)) ?? Int.min }
        } else if let attribute = try node.ints("shape") {
            requested = attribute
        } else {
            throw node.invalid("has no target shape", fix: ONNXNodeContext.reexport)
        }
        let allowZero = try node.int("allowzero", default: 0) != 0
        var result: [Int] = []
        var inferred: Int?
        for (position, value) in requested.enumerated() {
            if value == 0 && !allowZero && position < shape.count {
                result.append(shape[position])
            } else if value == -1 && inferred == nil {
                inferred = position
                result.append(1)
            } else if value > 0 && value < 1 << 40 {
                result.append(value)
            } else {
                throw node.invalid("target shape \(requested) is not valid", fix: ONNXNodeContext.reexport)
            }
        }
        let known = try Self.product(result, node)
        if let inferred {
            guard known > 0, size % known == 0 else {
                throw node.invalid("cannot reshape \(shape) to \(requested)", fix: ONNXNodeContext.reexport)
            }
            result[inferred] = size / known
        }
        guard try Self.product(result, node) == size else {
            throw node.invalid("cannot reshape \(shape) (\(size) values) to \(requested)", fix: ONNXNodeContext.reexport)
        }
        shape = result
    }

    /// `Transpose(perm)` (default: reversed axes). Accepted only when the axes of size > 1
    /// keep their relative order, so that the row-major data does not move (e.g. swapping a
    /// size-1 dimension); any other permutation reorders the data and is rejected.
    private mutating func applyTranspose(_ node: ONNXNodeContext) throws {
        let perm = try node.ints("perm") ?? Array(shape.indices.reversed())
        guard perm.sorted() == Array(shape.indices) else {
            throw node.invalid("perm \(perm) is not a permutation of the input's \(shape.count) axes",
                               fix: ONNXNodeContext.reexport)
        }
        let moved = perm.filter { shape[$0] > 1 }
        guard moved == moved.sorted() else {
            throw node.unsupported(
                "perm \(perm) on shape \(shape) reorders the data",
                supported: "Transpose only when it moves dimensions of size 1 (the data layout is unchanged)")
        }
        shape = perm.map { shape[$0] }
    }

    /// Product of `dims`, with an error instead of an overflow.
    static func product(_ dims: [Int], _ node: ONNXNodeContext) throws -> Int {
        var result = 1
        for dim in dims {
            let (next, overflow) = result.multipliedReportingOverflow(by: dim)
            guard !overflow, dim >= 0 else {
                throw node.invalid("shape \(dims) is too large", fix: ONNXNodeContext.reexport)
            }
            result = next
        }
        return result
    }

    /// Throws when a `rows x columns` dense matrix would exceed `maxDenseEntries`.
    func checkDenseSize(rows: Int, columns: Int, _ node: ONNXNodeContext) throws {
        guard rows > 0, columns > 0, rows <= maxDenseEntries / columns else {
            throw node.invalid(
                "would become a \(rows) x \(columns) dense matrix, more than the limit of \(maxDenseEntries) entries",
                fix: "use a smaller network or input")
        }
    }
}
