/// One node of an ``ONNXShapeProgram`` evaluated on exact integer tensors, with ONNX's
/// semantics for the ranks that shape arithmetic uses (rank 0 and 1).
struct ONNXShapeOperator {
    typealias Value = ONNXShapeProgram.Value

    let step: ONNXChain.Step
    let file: String

    private var context: ONNXNodeContext { ONNXNodeContext(step: step, file: file, dataName: "", constants: [:]) }

    /// The node's output from its evaluated inputs (`nil` for omitted optional inputs and for
    /// `Shape`'s data input) and the shapes of the data tensors.
    func apply(_ inputs: [Value?], shapes: [String: [Int]]) throws -> Value {
        switch step.node.opType {
        case "Shape": return try shape(shapes)
        case "Gather": return try gather(try input(inputs, 0), try input(inputs, 1))
        case "Unsqueeze": return try unsqueeze(try input(inputs, 0), axes: try axes(inputs))
        case "Squeeze": return try squeeze(try input(inputs, 0), axes: try axes(inputs))
        case "Concat": return try concat(try (0..<inputs.count).map { try input(inputs, $0) })
        case "Slice": return try slice(inputs)
        case "Cast", "Identity": return try input(inputs, 0)
        case "Add", "Sub", "Mul", "Div": return try arithmetic(try input(inputs, 0), try input(inputs, 1))
        case "ReduceProd": return try reduceProduct(try input(inputs, 0), axes: try axes(inputs))
        default:
            throw context.unsupported(supported: "shape computations with " + ONNXShapeProgram.operators.sorted().joined(separator: ", "))
        }
    }

    private func input(_ inputs: [Value?], _ index: Int) throws -> Value {
        guard index < inputs.count, let value = inputs[index] else {
            throw context.invalid("input \(index) is missing", fix: ONNXNodeContext.reexport)
        }
        return value
    }

    private func unsupported(_ detail: String) -> NetworkError {
        context.unsupported(detail, supported: "shape computations on scalars and 1-D tensors (export with a fixed batch size, or simplify the graph with onnx-simplifier)")
    }

    /// `axes` from input 1 (opset >= 13) or from the attribute (older opsets); `nil` when absent.
    private func axes(_ inputs: [Value?]) throws -> [Int]? {
        if inputs.count > 1, let axes = inputs[1] { return axes.values }
        return try context.ints("axes")
    }

    /// `Shape(x)`, optionally `[start, end)` of it (opset 15).
    private func shape(_ shapes: [String: [Int]]) throws -> Value {
        let source = step.node.inputs.first ?? ""
        guard let shape = shapes[source] else {
            throw context.invalid("reads the shape of '\(source)', which is not a tensor of the chain computed before it",
                                  fix: ONNXChain.supportedShape)
        }
        let rank = shape.count
        func clamp(_ index: Int) -> Int { min(max(index < 0 ? index + rank : index, 0), rank) }
        let start = clamp(try context.int("start", default: 0))
        let end = clamp(try context.int("end", default: rank))
        let part = start < end ? Array(shape[start..<end]) : []
        return Value(shape: [part.count], values: part)
    }

    /// `Gather(data, indices, axis = 0)` on a 1-D `data`.
    private func gather(_ data: Value, _ indices: Value) throws -> Value {
        let axis = try context.int("axis", default: 0)
        guard data.shape.count == 1, axis == 0 || axis == -1, indices.shape.count <= 1 else {
            throw unsupported("data of shape \(data.shape), axis \(axis), indices of shape \(indices.shape)")
        }
        let count = data.values.count
        let picked = try indices.values.map { index -> Int in
            let wrapped = index < 0 ? index + count : index
            guard wrapped >= 0, wrapped < count else {
                throw context.invalid("index \(index) is outside a tensor of \(count) values", fix: ONNXNodeContext.reexport)
            }
            return data.values[wrapped]
        }
        return Value(shape: indices.shape, values: picked)
    }

    /// Inserts dimensions of size 1 at `axes` (positions in the output).
    private func unsqueeze(_ data: Value, axes: [Int]?) throws -> Value {
        guard let axes else { throw context.invalid("has no axes", fix: ONNXNodeContext.reexport) }
        let rank = data.shape.count + axes.count
        let positions = Set(axes.map { $0 < 0 ? $0 + rank : $0 })
        guard positions.count == axes.count, positions.allSatisfy({ $0 >= 0 && $0 < rank }) else {
            throw context.invalid("axes \(axes) are not valid for an output of rank \(rank)", fix: ONNXNodeContext.reexport)
        }
        var remaining = data.shape[...]
        let shape = (0..<rank).map { positions.contains($0) ? 1 : remaining.popFirst()! }
        return Value(shape: shape, values: data.values)
    }

    /// Removes the dimensions of size 1 at `axes` (all of them when `axes` is absent).
    private func squeeze(_ data: Value, axes: [Int]?) throws -> Value {
        let rank = data.shape.count
        let positions = Set((axes ?? data.shape.indices.filter { data.shape[$0] == 1 }).map { $0 < 0 ? $0 + rank : $0 })
        guard positions.allSatisfy({ $0 >= 0 && $0 < rank && data.shape[$0] == 1 }) else {
            throw context.invalid("cannot squeeze axes \(axes ?? []) of shape \(data.shape)", fix: ONNXNodeContext.reexport)
        }
        return Value(shape: data.shape.indices.filter { !positions.contains($0) }.map { data.shape[$0] }, values: data.values)
    }

    /// `Concat` of 1-D tensors along axis 0.
    private func concat(_ parts: [Value]) throws -> Value {
        let axis = try context.int("axis", default: 0)
        guard axis == 0 || axis == -1, parts.allSatisfy({ $0.shape.count == 1 }) else {
            throw unsupported("axis \(axis) on inputs of shapes \(parts.map(\.shape))")
        }
        let values = parts.flatMap(\.values)
        return Value(shape: [values.count], values: values)
    }

    /// `Slice(data, starts, ends, axes, steps)` on a 1-D `data` (attributes before opset 10).
    private func slice(_ inputs: [Value?]) throws -> Value {
        let data = try input(inputs, 0)
        guard data.shape.count == 1 else { throw unsupported("data of shape \(data.shape)") }
        func argument(_ index: Int, _ attribute: String) throws -> [Int]? {
            if index < inputs.count, let value = inputs[index] { return value.values }
            return try context.ints(attribute)
        }
        guard let starts = try argument(1, "starts"), let ends = try argument(2, "ends"), starts.count == 1, ends.count == 1 else {
            throw unsupported("starts and ends that are not single values")
        }
        let axes = try argument(3, "axes") ?? [0]
        let steps = try argument(4, "steps") ?? [1]
        guard axes.count == 1, axes[0] == 0 || axes[0] == -1, steps.count == 1, steps[0] != 0 else {
            throw unsupported("axes \(axes), steps \(steps)")
        }
        let count = data.values.count, step = steps[0]
        func clamp(_ index: Int, _ lower: Int, _ upper: Int) -> Int {
            min(max(index < 0 ? index + count : index, lower), upper)
        }
        var picked: [Int] = []
        if step > 0 {
            var index = clamp(starts[0], 0, count)
            let end = clamp(ends[0], 0, count)
            while index < end { picked.append(data.values[index]); index += step }
        } else {
            var index = clamp(starts[0], -1, count - 1)
            let end = clamp(ends[0], -1, count - 1)
            while index > end { picked.append(data.values[index]); index += step }
        }
        return Value(shape: [picked.count], values: picked)
    }

    /// Element-wise integer arithmetic with ONNX broadcasting between equal shapes and
    /// single values; `Div` truncates toward zero as ONNX's integer division does.
    private func arithmetic(_ a: Value, _ b: Value) throws -> Value {
        let shape: [Int]
        if a.shape == b.shape || b.values.count == 1 { shape = a.shape } else if a.values.count == 1 { shape = b.shape } else {
            throw unsupported("operands of shapes \(a.shape) and \(b.shape)")
        }
        let count = max(a.values.count, b.values.count)
        let values = try (0..<count).map { i -> Int in
            let x = a.values[a.values.count == 1 ? 0 : i], y = b.values[b.values.count == 1 ? 0 : i]
            let (result, overflow): (Int, Bool)
            switch step.node.opType {
            case "Add": (result, overflow) = x.addingReportingOverflow(y)
            case "Sub": (result, overflow) = x.subtractingReportingOverflow(y)
            case "Mul": (result, overflow) = x.multipliedReportingOverflow(by: y)
            default:
                guard y != 0 else { throw context.invalid("divides by zero", fix: ONNXNodeContext.reexport) }
                (result, overflow) = x.dividedReportingOverflow(by: y)
            }
            guard !overflow else { throw context.invalid("overflows", fix: ONNXNodeContext.reexport) }
            return result
        }
        return Value(shape: shape, values: values)
    }

    /// `ReduceProd` of a 1-D tensor over its one axis (`keepdims` default 1).
    private func reduceProduct(_ data: Value, axes: [Int]?) throws -> Value {
        guard data.shape.count == 1, (axes ?? [0]).allSatisfy({ $0 == 0 || $0 == -1 }) else {
            throw unsupported("data of shape \(data.shape), axes \(axes ?? [])")
        }
        var product = 1
        for value in data.values {
            let (next, overflow) = product.multipliedReportingOverflow(by: value)
            guard !overflow else { throw context.invalid("overflows", fix: ONNXNodeContext.reexport) }
            product = next
        }
        return Value(shape: try context.int("keepdims", default: 1) == 0 ? [] : [1], values: [product])
    }
}
