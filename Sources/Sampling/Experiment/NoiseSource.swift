// Where the noise of sample i of class c comes from: the counter-based generator, or a file.

import Foundation
import Network
import Support

/// The noises of an experiment.
///
/// ```
/// generated:  x(c, i) = NoiseGenerator.noise(seed, c, i, p)      (same for any worker/shard/resume)
/// file:       x(c, i) = row i of the file, for every class c      (reproduces an external run)
/// ```
public enum NoiseSource: Sendable, Equatable {
    case generated(seed: UInt64, dimension: Int)
    /// Rows of a CSV file (one noise per line), with the file's SHA-256.
    case file(path: String, sha256: String, rows: [[Double]])

    /// The noise of sample `sampleIndex` of class `classIndex`.
    /// - Precondition: for a file, `sampleIndex < rows.count`.
    public func noise(classIndex: Int, sampleIndex: Int) -> [Double] {
        switch self {
        case let .generated(seed, dimension):
            return NoiseGenerator.noise(seed: seed, classIndex: classIndex, sampleIndex: sampleIndex, dimension: dimension)
        case let .file(_, _, rows):
            return rows[sampleIndex]
        }
    }

    /// How many samples per class the source can give (`Int.max` for the generator).
    public var capacity: Int {
        switch self {
        case .generated: return Int.max
        case .file(_, _, let rows): return rows.count
        }
    }

    /// Reads a noises file: one noise per line, `dimension` numbers separated by commas and/or
    /// spaces; blank lines and lines starting with `#` are skipped.
    /// - Throws: ``ExperimentError/invalidNoises(file:place:problem:fix:)`` naming the line.
    public static func load(file path: String, dimension: Int) throws -> NoiseSource {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ExperimentError.invalidNoises(file: path, place: "file", problem: "cannot read the file (no such file or not readable)", fix: "check the path")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ExperimentError.invalidNoises(file: path, place: "file", problem: "is not UTF-8 text", fix: "write one noise per line as comma-separated numbers")
        }
        var rows: [[Double]] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let tokens = trimmed.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" || $0 == ";" })
            var row: [Double] = []
            for token in tokens {
                guard let value = Double(token), value.isFinite else {
                    throw ExperimentError.invalidNoises(file: path, place: "line \(number + 1)", problem: "'\(token)' is not a finite number", fix: "write \(dimension) comma-separated numbers per line")
                }
                row.append(value)
            }
            guard row.count == dimension else {
                throw ExperimentError.invalidNoises(file: path, place: "line \(number + 1)", problem: "has \(row.count) values but the generator takes \(dimension)", fix: "write exactly \(dimension) numbers per line")
            }
            rows.append(row)
        }
        guard !rows.isEmpty else {
            throw ExperimentError.invalidNoises(file: path, place: "file", problem: "contains no noise", fix: "write one noise per line")
        }
        return .file(path: path, sha256: SHA256.hex(of: [UInt8](data)), rows: rows)
    }
}
