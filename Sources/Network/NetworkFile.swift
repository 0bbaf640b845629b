import Foundation

/// Loads a network from an ONNX (`.onnx`), ACAS Xu (`.nnet`) or JSON (`.json`) file, chosen
/// by the file extension.
public enum NetworkFile {
    public static func load(_ path: String) throws -> NeuralNetwork {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw NetworkError.unreadable(file: path, reason: "no such file or not readable")
        }
        switch (path as NSString).pathExtension.lowercased() {
        case "onnx": return try ONNXLoader.load(contentsOf: path)
        case "nnet": return try NNetLoader.load(contentsOf: path).network
        case "json": return try JSONNetworkFormat.load(contentsOf: path)
        default:
            throw NetworkError.invalidContent(
                file: path, place: "file name", problem: "unknown network format",
                fix: "use a .onnx, .nnet or .json file")
        }
    }
}
