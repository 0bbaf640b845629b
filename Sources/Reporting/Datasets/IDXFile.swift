// The IDX format of MNIST / Fashion-MNIST (gzipped or not).

import Foundation
import Codecs

/// A tensor read from an IDX file (the format MNIST and Fashion-MNIST are distributed in).
///
/// Layout (all integers big-endian): two zero bytes, a type byte (`0x08` unsigned byte,
/// `0x09` signed byte, `0x0B` int16, `0x0C` int32, `0x0D` float32, `0x0E` float64), the number
/// of dimensions `d`, then `d` sizes as UInt32, then the values in row-major order. A file
/// starting with the gzip magic `1f 8b` is decompressed first.
public struct IDXFile: Sendable {
    public enum ValueType: UInt8, Sendable {
        case unsignedByte = 0x08, signedByte = 0x09, int16 = 0x0B, int32 = 0x0C, float32 = 0x0D, float64 = 0x0E

        var byteWidth: Int {
            switch self {
            case .unsignedByte, .signedByte: 1
            case .int16: 2
            case .int32, .float32: 4
            case .float64: 8
            }
        }
    }

    public var valueType: ValueType
    /// Sizes of the dimensions, outermost first (`[10000, 28, 28]` for MNIST test images).
    public var shape: [Int]
    /// All values in row-major order, converted to Double exactly.
    public var values: [Double]

    /// Number of items (the first dimension).
    public var count: Int { shape.first ?? 1 }
    /// Values per item (product of the other dimensions).
    public var itemSize: Int { shape.dropFirst().reduce(1, *) }

    /// Reads and parses `path`.
    /// - Throws: ``DatasetError`` naming the file and what is wrong.
    public static func read(_ path: String) throws -> IDXFile {
        try parse(DatasetFile.bytes(path), file: path)
    }

    public static func parse(_ bytes: [UInt8], file: String) throws -> IDXFile {
        func fail(_ problem: String) -> DatasetError {
            .invalid(file: file, problem: problem, fix: "give an IDX file such as t10k-images-idx3-ubyte(.gz) from the MNIST distribution")
        }
        guard bytes.count >= 4, bytes[0] == 0, bytes[1] == 0 else { throw fail("does not start with the IDX magic number 00 00") }
        guard let valueType = ValueType(rawValue: bytes[2]) else { throw fail(String(format: "unknown IDX value type 0x%02X", bytes[2])) }
        let dimensions = Int(bytes[3])
        guard dimensions >= 1 else { throw fail("has 0 dimensions") }
        let headerSize = 4 + 4 * dimensions
        guard bytes.count >= headerSize else { throw fail("ends inside its header") }
        var shape: [Int] = []
        var total = 1
        for d in 0..<dimensions {
            let size = bigEndian(bytes, 4 + 4 * d, width: 4)
            shape.append(size)
            let (product, overflow) = total.multipliedReportingOverflow(by: size)
            guard !overflow, product <= 1 << 34 else { throw fail("dimension sizes \(shape) are too large") }
            total = product
        }
        let expected = headerSize + total * valueType.byteWidth
        guard bytes.count == expected else {
            throw fail("has \(bytes.count) bytes but its header \(shape) of \(valueType) needs \(expected)")
        }
        var values = [Double](repeating: 0, count: total)
        let width = valueType.byteWidth
        for i in 0..<total {
            let at = headerSize + i * width
            switch valueType {
            case .unsignedByte: values[i] = Double(bytes[at])
            case .signedByte: values[i] = Double(Int8(bitPattern: bytes[at]))
            case .int16: values[i] = Double(Int16(truncatingIfNeeded: bigEndian(bytes, at, width: 2)))
            case .int32: values[i] = Double(Int32(truncatingIfNeeded: bigEndian(bytes, at, width: 4)))
            case .float32: values[i] = Double(Float(bitPattern: UInt32(bigEndian(bytes, at, width: 4))))
            case .float64: values[i] = Double(bitPattern: UInt64(bigEndian(bytes, at, width: 8)))
            }
        }
        return IDXFile(valueType: valueType, shape: shape, values: values)
    }

    private static func bigEndian(_ bytes: [UInt8], _ at: Int, width: Int) -> Int {
        (0..<width).reduce(0) { $0 << 8 | Int(bytes[at + $1]) }
    }
}

/// Reading a possibly gzipped file.
enum DatasetFile {
    static func bytes(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DatasetError.invalid(file: path, problem: "cannot be read (no such file or not readable)", fix: "check the path")
        }
        let bytes = [UInt8](data)
        guard Gzip.isGzip(bytes) else { return bytes }
        do {
            return try Gzip.decompress(bytes)
        } catch let error as InflateError {
            throw DatasetError.invalid(file: path, problem: "is not a valid gzip file: \(error)", fix: "re-download or re-compress it (gzip -t tests it)")
        }
    }
}

/// A test-set file that cannot be used.
public enum DatasetError: Error, CustomStringConvertible, Sendable, Equatable {
    case invalid(file: String, problem: String, fix: String)

    public var description: String {
        switch self {
        case let .invalid(file, problem, fix): "\(file): \(problem); \(fix)"
        }
    }
}
