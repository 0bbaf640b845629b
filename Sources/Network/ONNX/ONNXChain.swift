/// The graph seen as the only shape the loader accepts: a chain
/// `input -> node_1 -> node_2 -> ... -> node_n -> output` where each node takes the previous
/// node's output (or the data input) plus constants.
///
/// Constants are initializers, outputs of `Constant` nodes and outputs of `Identity` nodes
/// applied to a constant. Shape computations (``ONNXShapeProgram``: `Shape` of a chain tensor
/// and the integer arithmetic on it, as `x.view(x.size(0), -1)` exports) are not chain
/// nodes: their outputs count as constants, evaluated while the chain is lowered. Old files (IR version 3, e.g. the ACAS Xu networks) also list every
/// initializer among the graph inputs: the data input is the one graph input that has no
/// initializer.
///
/// Rejected, with a message naming the node and saying what is supported: no or several
/// data inputs, several outputs, a tensor feeding several nodes (a branch or skip
/// connection), a node with a second non-constant input, a chain that does not end at the
/// graph output. Nodes whose outputs are unused (dead code) are ignored.
struct ONNXChain {
    /// One node of the chain and its position in `GraphProto.node`.
    struct Step {
        let node: ONNXNodeProto
        let index: Int

        /// `'name' (Op)`, or `#index (Op)` for an unnamed node.
        var label: String { "\(node.name.isEmpty ? displayName : "'\(node.name)'") (\(node.opType))" }
        var displayName: String { node.name.isEmpty ? "#\(index)" : node.name }
    }

    static let supportedShape =
        "supported: a single chain of nodes from one data input to one output, each node taking the previous node's output and constants"

    let input: ONNXValueInfoProto
    let output: ONNXValueInfoProto
    /// The chain's operator nodes in order (``replaceOutputActivation(_:file:)`` may rewrite the tail).
    var steps: [Step]
    let constants: [String: ONNXTensorProto]
    /// The graph's shape computations.
    let shapeProgram: ONNXShapeProgram

    init(graph: ONNXGraphProto, file: String) throws {
        var constants: [String: ONNXTensorProto] = [:]
        for tensor in graph.initializers { constants[tensor.name] = tensor }
        var operators: [Step] = []
        for (index, node) in graph.nodes.enumerated() {
            let step = Step(node: node, index: index)
            if node.opType == "Constant", let output = node.outputs.first {
                constants[output] = try Self.constantValue(step, file: file)
            } else if node.opType == "Identity", node.inputs.count == 1, let source = constants[node.inputs[0]],
                      let output = node.outputs.first {
                constants[output] = source
            } else {
                operators.append(step)
            }
        }

        let (shapeProgram, chainOperators) = ONNXShapeProgram.extract(from: operators, constants: constants, file: file)
        self.shapeProgram = shapeProgram
        operators = chainOperators

        let dataInputs = graph.inputs.filter { constants[$0.name] == nil }
        guard dataInputs.count == 1 else {
            let names = dataInputs.map { "'\($0.name)'" }.joined(separator: ", ")
            throw NetworkError.invalidContent(
                file: file, place: "graph inputs",
                problem: dataInputs.isEmpty
                    ? "no data input (every graph input has an initializer)"
                    : "\(dataInputs.count) data inputs \(names)",
                fix: Self.supportedShape)
        }
        guard graph.outputs.count == 1 else {
            throw NetworkError.invalidContent(
                file: file, place: "graph outputs", problem: "\(graph.outputs.count) outputs instead of one",
                fix: Self.supportedShape)
        }
        input = dataInputs[0]
        output = graph.outputs[0]
        self.constants = constants

        var consumers: [String: [Int]] = [:]
        for (position, step) in operators.enumerated() {
            for name in Set(step.node.inputs) where !name.isEmpty { consumers[name, default: []].append(position) }
        }
        var steps: [Step] = []
        var used = Set<Int>()
        var current = input.name
        while true {
            let next = consumers[current] ?? []
            if next.isEmpty { break }
            guard next.count == 1 else {
                let list = next.map { operators[$0].label }
                throw NetworkError.invalidContent(
                    file: file, place: "tensor '\(current)'",
                    problem: "feeds \(next.count) nodes, \(list.joined(separator: " and ")): the graph branches",
                    fix: Self.supportedShape + "; branches and skip connections are not supported"
                        + " (if the branch only computes constants, fold them with onnx-simplifier: python3 -m onnxsim IN.onnx OUT.onnx)")
            }
            guard current != output.name else {
                throw NetworkError.invalidContent(
                    file: file, place: "tensor '\(current)'",
                    problem: "is the graph output but also feeds node \(operators[next[0]].label)",
                    fix: Self.supportedShape)
            }
            let step = operators[next[0]]
            guard used.insert(next[0]).inserted else {
                throw NetworkError.invalidContent(
                    file: file, place: "node \(step.label)", problem: "is part of a cycle", fix: Self.supportedShape)
            }
            for name in step.node.inputs where !name.isEmpty && name != current && constants[name] == nil
                && !shapeProgram.computes(name) {
                if let producer = operators.first(where: { $0.node.outputs.contains(name) }) {
                    throw NetworkError.invalidContent(
                        file: file, place: "node \(step.label)",
                        problem: "input '\(name)' is computed by node \(producer.label), which is neither on the chain nor a constant or shape computation the loader can fold",
                        fix: "fold constant subgraphs with onnx-simplifier (python3 -m onnxsim IN.onnx OUT.onnx) or export with a fixed batch size; " + Self.supportedShape)
                }
                throw NetworkError.invalidContent(
                    file: file, place: "node \(step.label)",
                    problem: "input '\(name)' is neither a constant nor the previous node's output '\(current)'",
                    fix: Self.supportedShape)
            }
            guard step.node.inputs.filter({ $0 == current }).count == 1 else {
                throw NetworkError.invalidContent(
                    file: file, place: "node \(step.label)", problem: "uses the data tensor '\(current)' twice",
                    fix: Self.supportedShape + "; only constants may be combined with the data")
            }
            guard let produced = step.node.outputs.first, !produced.isEmpty else {
                throw NetworkError.invalidContent(
                    file: file, place: "node \(step.label)", problem: "has no output",
                    fix: "the file is corrupted or was written incorrectly; re-export the model")
            }
            for extra in step.node.outputs.dropFirst() where !extra.isEmpty {
                if consumers[extra] != nil || extra == output.name {
                    throw NetworkError.invalidContent(
                        file: file, place: "node \(step.label)",
                        problem: "its secondary output '\(extra)' is used",
                        fix: Self.supportedShape + "; export the model in inference mode")
                }
            }
            steps.append(step)
            current = produced
        }
        guard current == output.name else {
            throw NetworkError.invalidContent(
                file: file, place: "tensor '\(current)'",
                problem: "ends the chain from input '\(input.name)' but the graph output is '\(output.name)'",
                fix: Self.supportedShape)
        }
        self.steps = steps
    }

    /// The tensor a `Constant` node defines: attribute `value` (a tensor), or `value_float`,
    /// `value_floats`, `value_int`, `value_ints`.
    private static func constantValue(_ step: Step, file: String) throws -> ONNXTensorProto {
        var tensor = ONNXTensorProto()
        tensor.name = step.node.outputs.first ?? ""
        guard let attribute = step.node.attributes.first else {
            throw NetworkError.invalidContent(
                file: file, place: "node \(step.label)", problem: "has no value attribute",
                fix: "the file is corrupted or was written incorrectly; re-export the model")
        }
        switch attribute.name {
        case "value" where attribute.t != nil:
            let name = tensor.name
            tensor = attribute.t!
            tensor.name = name
        case "value_float" where attribute.f != nil:
            tensor.dataType = 1
            tensor.floatData = [attribute.f!]
        case "value_floats":
            tensor.dataType = 1
            tensor.dims = [Int64(attribute.floats.count)]
            tensor.floatData = attribute.floats
        case "value_int" where attribute.i != nil:
            tensor.dataType = 7
            tensor.int64Data = [attribute.i!]
        case "value_ints":
            tensor.dataType = 7
            tensor.dims = [Int64(attribute.ints.count)]
            tensor.int64Data = attribute.ints
        default:
            throw NetworkError.unsupportedOperator(
                file: file, node: step.displayName, op: "Constant (attribute \(attribute.name))",
                supported: "Constant with value, value_float, value_floats, value_int or value_ints")
        }
        return tensor
    }
}
