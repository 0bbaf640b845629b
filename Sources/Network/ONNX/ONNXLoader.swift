import Foundation

/// Loads ONNX models (as written by `torch.onnx.export` for MLPs and small CNNs, and the
/// VNN-COMP ACAS Xu files) into a ``NeuralNetwork``.
///
/// Pipeline: protobuf wire decoding (`ProtobufReader`, `ONNXProto+Decoding.swift`) →
/// the graph as a chain from its one data input to its one output (``ONNXChain``), its
/// output activation rewritten on request (``OutputActivation``) →
/// lowering node by node to layers while tracking the tensor shape (``ONNXLowering``) →
/// folding element-wise constants into neighbouring dense layers where exact
/// (``ONNXAffinePieces``) → ``NeuralNetwork/mergingAffineLayers()`` (exact merges only).
/// The loaded network computes, in exact real arithmetic, the file's function with the
/// file's (float) weights, except for the constants listed in
/// ``NeuralNetwork/roundedConstants`` (`Div` by a constant whose reciprocal is not a
/// `Double`, batch normalisation's `scale / sqrt(var + epsilon)`), stored correctly rounded.
///
/// Shape computations (`Shape -> Gather -> Unsqueeze -> Concat -> Reshape`, as PyTorch
/// exports `x.view(x.size(0), -1)` with a dynamic batch) are folded to constants for batch
/// size 1 (``ONNXShapeProgram``).
///
/// Shapes: a first dimension that is symbolic (e.g. `batch_size`) or 1 in a shape of rank
/// >= 2 is the batch dimension and is dropped from ``NeuralNetwork/inputShape`` and
/// ``NeuralNetwork/outputShape`` (`[1, 1, 8, 8]` → `[1, 8, 8]`; a 1-D `[5]` stays `[5]`).
///
/// Every failure is a ``NetworkError`` whose description names the file, the place (byte
/// offset, node, tensor), the problem and the fix; no input makes the loader trap or hang.
public enum ONNXLoader {
    /// Largest dense matrix (in entries, 8 bytes each) one node may lower to: 2^27 = 1 GiB.
    public static let maxDenseEntries = 1 << 27
    /// Largest input tensor (in elements) accepted: 2^24, e.g. 3 x 2364 x 2364.
    public static let maxInputElements = 1 << 24

    /// Reads and converts an ONNX file; throws NetworkError with a one-line message naming
    /// file, place, problem and fix. `outputActivation` other than `.file` rewrites the
    /// output activation first (``OutputActivation``).
    public static func load(contentsOf path: String, outputActivation: OutputActivation = .file) throws -> NeuralNetwork {
        guard let data = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw NetworkError.unreadable(file: path, reason: exists ? "not a readable file" : "no such file")
        }
        return try load(bytes: [UInt8](data), fileName: path, outputActivation: outputActivation)
    }

    /// Converts the bytes of an ONNX file; `fileName` is only used in error messages.
    public static func load(bytes: [UInt8], fileName: String, outputActivation: OutputActivation = .file) throws -> NeuralNetwork {
        try load(bytes: bytes, fileName: fileName, maxDenseEntries: maxDenseEntries, outputActivation: outputActivation)
    }

    /// As ``load(bytes:fileName:outputActivation:)`` with an explicit dense-size limit (tests use a small one).
    static func load(bytes: [UInt8], fileName file: String, maxDenseEntries: Int,
                     outputActivation: OutputActivation = .file) throws -> NeuralNetwork {
        let model: ONNXModelProto
        do {
            var reader = ProtobufReader(bytes[...])
            model = try ONNXModelProto(decoding: &reader)
        } catch let error as ProtobufError {
            throw NetworkError.invalidContent(
                file: file, place: "byte \(error.offset)", problem: error.problem,
                fix: "the file is not a valid ONNX model (truncated or corrupted?); re-export or re-download it")
        }
        guard model.irVersion > 0, let graph = model.graph else {
            throw NetworkError.invalidContent(
                file: file, place: "model", problem: "has no \(model.irVersion > 0 ? "graph" : "ir_version"), so it is not an ONNX model",
                fix: "give a model saved by onnx.save or torch.onnx.export")
        }
        var chain = try ONNXChain(graph: graph, file: file)
        try chain.replaceOutputActivation(outputActivation, file: file)
        let inputShape = try Self.shape(of: chain.input, file: file, role: "input")
        var lowering = ONNXLowering(file: file, maxDenseEntries: maxDenseEntries, shape: inputShape)
        var current = chain.input.name
        // Shapes of the chain's tensors so far, for the shape computations that read them.
        var shapes = [current: inputShape]
        for step in chain.steps {
            var constants = chain.constants
            for name in step.node.inputs where chain.shapeProgram.computes(name) {
                constants[name] = try chain.shapeProgram.constant(name, shapes: shapes)
            }
            let node = ONNXNodeContext(step: step, file: file, dataName: current, constants: constants)
            try lowering.apply(node)
            current = step.node.outputs[0]
            shapes[current] = lowering.shape
        }
        if let dims = chain.output.dims, dims.allSatisfy({ if case .value = $0 { true } else { false } }) {
            let declared = try Self.shape(of: chain.output, file: file, role: "output")
            guard declared.reduce(1, *) == lowering.size else {
                throw NetworkError.invalidContent(
                    file: file, place: "graph output '\(chain.output.name)'",
                    problem: "is declared with shape \(declared) but the nodes produce shape \(lowering.shape)",
                    fix: "the file is corrupted or was written incorrectly; re-export the model")
            }
        }
        let (layers, rounded) = try lowering.pieces.layers(file: file, maxDenseEntries: maxDenseEntries)
        for (index, layer) in layers.enumerated() {
            if case .affine(let affine) = layer,
               !affine.weights.allSatisfy(\.isFinite) || !affine.bias.allSatisfy(\.isFinite) {
                throw NetworkError.invalidContent(
                    file: file, place: "layer \(index) (affine)",
                    problem: "folding the constants overflowed to a non-finite weight",
                    fix: "check the model's normalisation and batch-norm constants")
            }
        }
        let network = try NeuralNetwork(
            inputShape: Self.droppingBatch(inputShape), outputShape: Self.droppingBatch(lowering.shape),
            layers: layers, roundedConstants: rounded)
        return network.mergingAffineLayers()
    }

    /// The full shape of a graph input or output; a symbolic first dimension counts as 1.
    private static func shape(of value: ONNXValueInfoProto, file: String, role: String) throws -> [Int] {
        let place = "graph \(role) '\(value.name)'"
        guard let dims = value.dims else {
            throw NetworkError.invalidContent(
                file: file, place: place, problem: "has no tensor shape",
                fix: "export the model with a fixed input shape")
        }
        var shape: [Int] = []
        var size = 1
        for (axis, dim) in dims.enumerated() {
            let length: Int
            switch dim {
            case .value(let value) where value > 0 && value <= maxInputElements: length = Int(value)
            case .symbol where axis == 0, .unknown where axis == 0: length = 1
            case .symbol(let name):
                throw NetworkError.invalidContent(
                    file: file, place: place, problem: "has symbolic dimension '\(name)' at axis \(axis)",
                    fix: "export the model with a fixed input shape (only the batch dimension may be symbolic)")
            default:
                throw NetworkError.invalidContent(
                    file: file, place: place, problem: "has invalid dimension \(dim) at axis \(axis)",
                    fix: "export the model with a fixed input shape")
            }
            let (next, overflow) = size.multipliedReportingOverflow(by: length)
            guard !overflow, next <= maxInputElements else {
                throw NetworkError.invalidContent(
                    file: file, place: place, problem: "has \(dims.count) dimensions whose product is too large",
                    fix: "use a smaller input")
            }
            size = next
            shape.append(length)
        }
        return shape
    }

    /// Drops a leading batch dimension of 1 from a shape of rank >= 2.
    private static func droppingBatch(_ shape: [Int]) -> [Int] {
        shape.count >= 2 && shape[0] == 1 ? Array(shape.dropFirst()) : shape
    }
}
