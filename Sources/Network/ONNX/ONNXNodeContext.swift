/// A constant tensor read as `Double`s with its shape (row-major values).
struct ONNXConstant {
    let name: String
    let shape: [Int]
    let values: [Double]
}

/// One chain node while it is lowered: typed access to its attributes and constant inputs,
/// and errors that name the file, the node and its operator.
struct ONNXNodeContext {
    let step: ONNXChain.Step
    let file: String
    /// Name of the data tensor the node consumes (the previous node's output).
    let dataName: String
    let constants: [String: ONNXTensorProto]

    var node: ONNXNodeProto { step.node }
    var op: String { step.node.opType }

    /// Position of the data tensor among the node's inputs.
    var dataIndex: Int { node.inputs.firstIndex(of: dataName) ?? 0 }

    // MARK: Errors

    /// The operator (or this use of it) is not supported.
    func unsupported(_ detail: String? = nil, supported: String) -> NetworkError {
        NetworkError.unsupportedOperator(
            file: file, node: step.displayName, op: detail.map { "\(op) (\($0))" } ?? op, supported: supported)
    }

    /// The node is malformed or inconsistent with the data shape.
    func invalid(_ problem: String, fix: String) -> NetworkError {
        NetworkError.invalidContent(file: file, place: "node \(step.label)", problem: problem, fix: fix)
    }

    static let reexport = "the file is corrupted or was written incorrectly; re-export the model"

    // MARK: Attributes

    func attribute(_ name: String) -> ONNXAttributeProto? {
        node.attributes.last { $0.name == name }
    }

    /// An `INT` attribute, or `defaultValue` when absent.
    func int(_ name: String, default defaultValue: Int) throws -> Int {
        guard let attribute = attribute(name) else { return defaultValue }
        guard let value = attribute.i, let result = Int(exactly: value) else {
            throw invalid("attribute \(name) has no integer value", fix: Self.reexport)
        }
        return result
    }

    /// A `FLOAT` attribute widened to `Double`, or `defaultValue` when absent.
    func float(_ name: String, default defaultValue: Double?) throws -> Double? {
        guard let attribute = attribute(name) else { return defaultValue }
        guard let value = attribute.f else {
            throw invalid("attribute \(name) has no float value", fix: Self.reexport)
        }
        return Double(value)
    }

    /// An `INTS` attribute, or `nil` when absent.
    func ints(_ name: String) throws -> [Int]? {
        guard let attribute = attribute(name) else { return nil }
        return try attribute.ints.map { value in
            guard let result = Int(exactly: value), abs(result) < 1 << 40 else {
                throw invalid("attribute \(name) holds the out-of-range value \(value)", fix: Self.reexport)
            }
            return result
        }
    }

    // MARK: Constant inputs

    /// The constant at input position `index`, or `nil` when that optional input is omitted.
    func constant(at index: Int) throws -> ONNXConstant? {
        guard index < node.inputs.count, !node.inputs[index].isEmpty else { return nil }
        let name = node.inputs[index]
        guard let tensor = constants[name] else {
            throw invalid("input \(index) '\(name)' is not a constant", fix: ONNXChain.supportedShape)
        }
        return ONNXConstant(name: name, shape: try tensor.shape(file: file), values: try tensor.values(file: file))
    }

    /// A constant input used as weights: required, and every value finite.
    func weights(at index: Int, role: String) throws -> ONNXConstant {
        guard let constant = try constant(at: index) else {
            throw invalid("the \(role) (input \(index)) is missing", fix: Self.reexport)
        }
        guard constant.shape.allSatisfy({ $0 > 0 }) else {
            throw NetworkError.invalidContent(
                file: file, place: "tensor '\(constant.name)' (\(role) of node \(step.label))",
                problem: "has an empty dimension in its shape \(constant.shape)", fix: Self.reexport)
        }
        try requireFinite(constant, role: role)
        return constant
    }

    /// Throws naming the tensor when a value is NaN or infinite.
    func requireFinite(_ constant: ONNXConstant, role: String) throws {
        if let index = constant.values.firstIndex(where: { !$0.isFinite }) {
            throw NetworkError.invalidContent(
                file: file, place: "tensor '\(constant.name)' (\(role) of node \(step.label))",
                problem: "holds \(constant.values[index]) at index \(index)",
                fix: "weights must be finite; retrain or repair the model")
        }
    }

    // MARK: Operator parameters

    /// `Clip`'s bounds: attributes `min`/`max` (opset < 11) or the optional scalar constant
    /// inputs 1 and 2 (opset >= 11); an absent bound is infinite.
    func clipBounds() throws -> (lower: Double, upper: Double) {
        var lower = try float("min", default: -.infinity)!
        var upper = try float("max", default: .infinity)!
        for (index, isLower) in [(1, true), (2, false)] {
            guard let bound = try constant(at: index) else { continue }
            guard bound.values.count == 1 else {
                throw invalid(
                    "bound '\(bound.name)' has \(bound.values.count) values, expected a scalar",
                    fix: "give Clip scalar min and max")
            }
            if isLower { lower = bound.values[0] } else { upper = bound.values[0] }
        }
        guard !lower.isNaN, !upper.isNaN else {
            throw invalid("a bound is NaN", fix: "give Clip numeric min and max")
        }
        return (lower, upper)
    }
}
