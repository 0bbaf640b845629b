/// The shape computations of a graph: nodes that compute integer tensors from the *shape*
/// of a data tensor (never from its values), folded to constants while the chain is lowered.
///
/// PyTorch writes `x.view(x.size(0), -1)` with a dynamic batch axis as
/// ```
/// x ──► Shape ──► Gather(0) ──► Unsqueeze ──► Concat([·, -1]) ──┐
/// x ─────────────────────────────────────────────────────────► Reshape ──► ...
/// ```
/// The data tensor feeds two nodes, yet the function is a chain: once the batch size is 1
/// (as everywhere in this tool), `Shape(x)` is the constant `[1, C, H, W]` and the whole
/// branch is a constant shape. The program holds every node whose inputs are outputs of
/// `Shape` nodes, of other program nodes, or constants, among the operators in
/// ``operators``; the chain treats their outputs like constants, and the loader evaluates one
/// when a chain node consumes it, from the tracked shapes of the chain's tensors.
///
/// Values are exact integers (`Int`); tensors have rank 0 or 1 except where an operator
/// says otherwise, which covers shape arithmetic. Anything else is an error naming the node.
struct ONNXShapeProgram {
    /// Operators a shape computation may use.
    static let operators: Set<String> = [
        "Shape", "Gather", "Unsqueeze", "Squeeze", "Concat", "Slice", "Cast", "Identity",
        "Add", "Sub", "Mul", "Div", "ReduceProd",
    ]

    /// An integer tensor: its shape and row-major values.
    struct Value: Equatable {
        var shape: [Int]
        var values: [Int]
    }

    /// Program nodes by the name of the tensor they produce.
    let producers: [String: ONNXChain.Step]
    /// Constant tensors of the graph (initializers, `Constant` nodes).
    let constants: [String: ONNXTensorProto]
    let file: String

    /// Splits `operators` into the shape program and the rest (in their order). A node joins
    /// the program when it is a `Shape` of a non-constant tensor, or when its operator is in
    /// ``operators``, every input is a constant or a program output, and one is a program
    /// output.
    static func extract(from operators: [ONNXChain.Step], constants: [String: ONNXTensorProto], file: String)
        -> (program: ONNXShapeProgram, rest: [ONNXChain.Step]) {
        var producers: [String: ONNXChain.Step] = [:]
        var inProgram = Set<Int>()
        var changed = true
        while changed {
            changed = false
            for (position, step) in operators.enumerated() where !inProgram.contains(position) {
                let node = step.node
                let inputs = node.inputs.filter { !$0.isEmpty }
                let joins: Bool
                if node.opType == "Shape" {
                    joins = inputs.count == 1 && constants[inputs[0]] == nil
                } else {
                    joins = Self.operators.contains(node.opType)
                        && inputs.allSatisfy { constants[$0] != nil || producers[$0] != nil }
                        && inputs.contains { producers[$0] != nil }
                }
                guard joins, node.outputs.count == 1, let output = node.outputs.first, !output.isEmpty else { continue }
                inProgram.insert(position)
                producers[output] = step
                changed = true
            }
        }
        let rest = operators.enumerated().filter { !inProgram.contains($0.offset) }.map(\.element)
        return (ONNXShapeProgram(producers: producers, constants: constants, file: file), rest)
    }

    /// Whether `name` is computed by the program.
    func computes(_ name: String) -> Bool { producers[name] != nil }

    /// The data tensors whose shape the program reads (inputs of its `Shape` nodes).
    var shapeSources: Set<String> {
        Set(producers.values.filter { $0.node.opType == "Shape" }.compactMap(\.node.inputs.first))
    }

    /// Evaluates tensor `name` as an `INT64` constant, given the shapes of the data tensors
    /// lowered so far (batch dimension included, 1).
    func constant(_ name: String, shapes: [String: [Int]]) throws -> ONNXTensorProto {
        var memo: [String: Value] = [:]
        let value = try evaluate(name, shapes: shapes, memo: &memo)
        var tensor = ONNXTensorProto()
        tensor.name = name
        tensor.dataType = 7
        tensor.dims = value.shape.map(Int64.init)
        tensor.int64Data = value.values.map(Int64.init)
        return tensor
    }

    private func evaluate(_ name: String, shapes: [String: [Int]], memo: inout [String: Value]) throws -> Value {
        if let known = memo[name] { return known }
        let value: Value
        if let tensor = constants[name] {
            value = try integers(tensor)
        } else if let step = producers[name] {
            var inputs: [Value?] = []
            for input in step.node.inputs {
                inputs.append(input.isEmpty || step.node.opType == "Shape" ? nil : try evaluate(input, shapes: shapes, memo: &memo))
            }
            value = try ONNXShapeOperator(step: step, file: file).apply(inputs, shapes: shapes)
        } else {
            throw NetworkError.invalidContent(
                file: file, place: "tensor '\(name)'", problem: "is neither a constant nor a shape computation",
                fix: ONNXChain.supportedShape)
        }
        memo[name] = value
        return value
    }

    /// A constant tensor read as exact integers.
    private func integers(_ tensor: ONNXTensorProto) throws -> Value {
        let values = try tensor.values(file: file)
        var result: [Int] = []
        for value in values {
            guard value.isFinite, value == value.rounded(), abs(value) < 0x1p53 else {
                throw NetworkError.invalidContent(
                    file: file, place: "tensor '\(tensor.name)'", problem: "holds \(value) where a shape computation needs an integer",
                    fix: ONNXNodeContext.reexport)
            }
            result.append(Int(value))
        }
        return Value(shape: try tensor.shape(file: file), values: result)
    }
}
