import Codecs
import Foundation

/// Loads a network from an ONNX (`.onnx`), ACAS Xu (`.nnet`) or JSON (`.json`) file, chosen
/// by the file extension; any of them may be gzip-compressed (`model.onnx.gz`, as VNN-COMP
/// ships its benchmarks), which the gzip magic number `1f 8b` tells, whatever the name.
public enum NetworkFile {
    /// The network at `path`; `outputActivation` other than `.file` loads an ONNX file with
    /// its twin output activation (``OutputActivation``), and the other formats refuse it.
    public static func load(_ path: String, outputActivation: OutputActivation = .file) throws -> NeuralNetwork {
        let bytes = try contents(path)
        let format = try Format(path)
        if outputActivation != .file && format != .onnx {
            throw NetworkError.invalidContent(
                file: path, place: "file name", problem: "output activation \"\(outputActivation.rawValue)\" is only available for ONNX files",
                fix: "give the generator as .onnx, or load it with its own output activation")
        }
        switch format {
        case .onnx: return try ONNXLoader.load(bytes: bytes, fileName: path, outputActivation: outputActivation)
        case .nnet:
            guard let text = String(bytes: bytes, encoding: .utf8) else {
                throw NetworkError.invalidContent(file: path, place: "byte 0", problem: "not UTF-8 text",
                                                  fix: "give a text .nnet file")
            }
            return try NNetLoader.parse(text: text, fileName: path).network
        case .json: return try JSONNetworkFormat.parse(data: Data(bytes), fileName: path)
        }
    }

    /// The network formats, told by the extension (after a trailing `.gz`).
    enum Format {
        case onnx, nnet, json

        init(_ path: String) throws {
            var name = (path as NSString).lastPathComponent.lowercased()
            if name.hasSuffix(".gz") { name.removeLast(3) }
            switch (name as NSString).pathExtension {
            case "onnx": self = .onnx
            case "nnet": self = .nnet
            case "json": self = .json
            default:
                throw NetworkError.invalidContent(
                    file: path, place: "file name", problem: "unknown network format",
                    fix: "use a .onnx, .nnet or .json file (or one of them gzipped, .onnx.gz)")
            }
        }
    }

    /// The file's bytes, decompressed when it is gzip data.
    static func contents(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw NetworkError.unreadable(file: path, reason: exists ? "not a readable file" : "no such file")
        }
        do {
            return try Gzip.decompressIfGzip([UInt8](data))
        } catch let error as InflateError {
            throw NetworkError.invalidContent(
                file: path, place: "gzip data at compressed byte \(error.byteOffset)", problem: error.problem,
                fix: "the file is truncated or corrupt (gzip -t tests it); re-download or re-compress it")
        }
    }
}
