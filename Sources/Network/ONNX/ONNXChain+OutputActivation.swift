/// The rewrites of ``OutputActivation``: a chain's hard-tanh tail becomes the tanh tail and
/// back, before lowering, so the loaded network keeps every weight of the file.
extension ONNXChain {
    /// The activation operators of the lowering (everything else is affine or a shape change).
    static let activationOperators: Set<String> = ["Relu", "LeakyRelu", "Tanh", "Sigmoid", "Clip"]

    /// Rewrites the chain's tail for `activation` (patterns in ``OutputActivation``); throws a
    /// one-line ``NetworkError`` naming the tail when the pattern is absent.
    mutating func replaceOutputActivation(_ activation: OutputActivation, file: String) throws {
        switch activation {
        case .file: return
        case .tanh: try replaceHardTanhByTanh(file: file)
        case .hardTanh: try replaceTanhByHardTanh(file: file)
        }
    }

    /// `[Mul(c)] [Add(d)] Clip(d - |c|, d + |c|)` -> `Tanh, [Mul(c)], [Add(d)]`.
    private mutating func replaceHardTanhByTanh(file: String) throws {
        guard let last = steps.indices.last, steps[last].node.opType == "Clip" else {
            throw missingTail(.tanh, file: file)
        }
        let (lower, upper) = try context(at: last, file: file).clipBounds()
        var first = last
        var scale = 1.0, shift = 0.0
        if first > 0, steps[first - 1].node.opType == "Add", let d = scalarOperand(at: first - 1, file: file) {
            shift = d
            first -= 1
        }
        if first > 0, steps[first - 1].node.opType == "Mul", let c = scalarOperand(at: first - 1, file: file) {
            scale = c
            first -= 1
        }
        guard scale != 0, Self.exactSum(shift, -abs(scale)) == lower, Self.exactSum(shift, abs(scale)) == upper else {
            throw NetworkError.invalidContent(
                file: file, place: "node \(steps[last].label)",
                problem: "clips c·x + d (c = \(scale), d = \(shift)) to [\(lower), \(upper)], not to [d - |c|, d + |c|], so it is no hard tanh to replace by tanh",
                fix: "the tanh output needs a file ending in [Mul(c)] [Add(d)] Clip(d - |c|, d + |c|), as (0.5 * h + 0.5).clamp(0, 1) exports; load the file as it is")
        }
        let data = dataName(at: first)
        let clipOutput = steps[last].node.outputs[0]
        let tanhOutput = first == last ? clipOutput : data + "#tanh"
        let tanh = ONNXNodeProto(inputs: [data], outputs: [tanhOutput],
                                 name: "tanh replacing \(steps[last].displayName)", opType: "Tanh")
        var rewritten = Array(steps[..<first])
        rewritten.append(Step(node: tanh, index: steps[last].index))
        for position in first..<last {
            var node = steps[position].node
            if position == first { node.inputs = node.inputs.map { $0 == data ? tanhOutput : $0 } }
            rewritten.append(Step(node: node, index: steps[position].index))
        }
        steps = rewritten
    }

    /// The last activation, which must be `Tanh`, becomes `Clip(-1, 1)`.
    private mutating func replaceTanhByHardTanh(file: String) throws {
        guard let position = steps.lastIndex(where: { Self.activationOperators.contains($0.node.opType) }),
              steps[position].node.opType == "Tanh" else {
            throw missingTail(.hardTanh, file: file)
        }
        var node = steps[position].node
        node.name = "hard tanh replacing \(steps[position].displayName)"
        node.opType = "Clip"
        node.attributes = [ONNXAttributeProto(name: "min", type: 1, f: -1),
                           ONNXAttributeProto(name: "max", type: 1, f: 1)]
        steps[position] = Step(node: node, index: steps[position].index)
    }

    /// The error for a chain without the tail `activation` replaces.
    private func missingTail(_ activation: OutputActivation, file: String) -> NetworkError {
        let tail = steps.suffix(4).map(\.node.opType).joined(separator: ", ")
        let wanted = activation == .tanh
            ? "a hard tanh to replace by tanh: the last node must be Clip, after an optional scalar Mul and Add"
            : "a tanh to replace by the hard tanh: the last activation must be Tanh"
        return NetworkError.invalidContent(
            file: file, place: "output activation", problem: "the chain ends in \(tail.isEmpty ? "no node" : tail), not in \(wanted)",
            fix: "load the file as it is (output activation \"file\"), or give the generator whose last activation is the one to replace")
    }

    /// Name of the data tensor step `position` consumes.
    private func dataName(at position: Int) -> String {
        position == 0 ? input.name : steps[position - 1].node.outputs[0]
    }

    private func context(at position: Int, file: String) -> ONNXNodeContext {
        ONNXNodeContext(step: steps[position], file: file, dataName: dataName(at: position), constants: constants)
    }

    /// The finite scalar constant the `Mul` or `Add` at `position` combines its data with, or
    /// nil when it has no such operand (then it is not part of the rescale).
    private func scalarOperand(at position: Int, file: String) -> Double? {
        let node = context(at: position, file: file)
        guard node.node.inputs.count == 2, node.node.inputs.filter({ $0 == node.dataName }).count == 1,
              let constant = try? node.constant(at: 1 - node.dataIndex),
              constant.values.count == 1, constant.values[0].isFinite else { return nil }
        return constant.values[0]
    }

    /// `a + b` when the `Double` sum is exact (the error term of Knuth's TwoSum is zero),
    /// nil when it rounds or overflows.
    static func exactSum(_ a: Double, _ b: Double) -> Double? {
        let sum = a + b
        guard sum.isFinite else { return nil }
        let aPart = sum - b
        let bPart = sum - aPart
        return (a - aPart) + (b - bPart) == 0 ? sum : nil
    }
}
