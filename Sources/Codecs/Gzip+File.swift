// Reading a file that may be gzip-compressed, as VNN-COMP ships its networks and properties
// (`.onnx.gz`, `.vnnlib.gz`).

import Foundation

extension Gzip {
    /// The bytes of the file at `path`, decompressed when they start with the gzip magic
    /// number `1f 8b` (whatever the file's name), as they are otherwise.
    ///
    /// No plain input starts with `1f 8b`: an ONNX model is a protobuf message, whose first
    /// byte `1f` would be the tag of field 3 with wire type 7, which does not exist; `.nnet`,
    /// JSON and VNN-LIB files are text, where `1f` is a control character. So the magic
    /// number alone decides, and a gzipped file needs no `.gz` in its name.
    /// - Throws: Foundation's error when the file cannot be read, ``InflateError`` when it is
    ///   gzip data that is truncated or corrupt.
    public static func contentsOfFile(atPath path: String) throws -> [UInt8] {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        return try decompressIfGzip(bytes)
    }

    /// `bytes` decompressed when they start with the gzip magic number, else unchanged.
    public static func decompressIfGzip(_ bytes: [UInt8]) throws -> [UInt8] {
        isGzip(bytes) ? try decompress(bytes) : bytes
    }
}

/// The sentence Foundation's `localizedDescription` gives, so that a caller that reports any
/// read error by its description names the gzip problem.
extension InflateError: LocalizedError {
    public var errorDescription: String? {
        "not valid gzip data: \(description); the file is truncated or corrupt (gzip -t tests it), re-download or re-compress it"
    }
}
