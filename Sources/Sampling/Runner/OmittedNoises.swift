// Archived results files: sample records without their generated noises, put back on reading.

import Foundation
import Support

/// The header entry of an archived results file (`verify archive`): its sample records leave
/// out the centre noise `x`, because the experiment generated it,
///
/// ```
/// x(c, i) = NoiseGenerator.noise(seed, c, i, dimension)
/// ```
///
/// and a reader puts it back. The generator's normals go through the platform's `log`, `cos`
/// and `sin` (``NoiseGenerator``), so another platform may differ in the last bit; the verdicts
/// are about the noises the run used, so the archive records their SHA-256 (``sha256``: every
/// record's noise in index order, each number's IEEE 754 bit pattern in little-endian order)
/// and a reader that regenerates other noises refuses the file instead of pairing a verdict
/// with a box nobody checked.
public struct OmittedNoises: Sendable, Hashable, Codable {
    public var seed: UInt64
    public var dimension: Int
    /// ``digest(_:)`` of the noises of the records, in index order.
    public var sha256: String

    public init(seed: UInt64, dimension: Int, sha256: String) {
        self.seed = seed
        self.dimension = dimension
        self.sha256 = sha256
    }

    /// The noise the experiment generated for sample `sample` of class `classIndex`.
    public func noise(classIndex: Int, sample: Int) -> [Double] {
        NoiseGenerator.noise(seed: seed, classIndex: classIndex, sampleIndex: sample, dimension: dimension)
    }

    /// The SHA-256 of `records`' noises in index order (each number's bit pattern, little-endian).
    public static func digest(_ records: [SampleRecord]) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(records.reduce(0) { $0 + 8 * $1.noise.count })
        for record in records.sorted(by: { $0.index < $1.index }) {
            for value in record.noise {
                let bits = value.bitPattern
                for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift))) }
            }
        }
        return SHA256.hex(of: bytes)
    }

    /// The entry for archiving `records` of a run whose header is `header`.
    /// - Throws: ``ExperimentError/invalidResults(file:place:problem:fix:)`` (naming `path`)
    ///   when the run read its noises from a file, or when a record's noise is not the one the
    ///   generator gives (bit for bit): such a record must keep its noise.
    public static func archiving(_ records: [SampleRecord], header: ResultsHeader, path: String) throws -> OmittedNoises {
        guard let (seed, dimension) = LoadedExperiment.generatedNoises(identity: header.identity) else {
            throw ExperimentError.invalidResults(file: path, place: "header", problem: "its noises were not generated from a seed (a noises file)",
                                                 fix: "keep the results file as it is: only generated noises can be left out")
        }
        let entry = OmittedNoises(seed: seed, dimension: dimension, sha256: digest(records))
        for record in records where record.noise != entry.noise(classIndex: record.classIndex, sample: record.sample) {
            throw ExperimentError.invalidResults(
                file: path, place: "sample \(record.index) (class \(record.classIndex), sample \(record.sample))",
                problem: "its noise is not the one this machine generates for it (seed \(seed))",
                fix: "archive the results on the platform that wrote them, or keep the file as it is")
        }
        return entry
    }

    /// Puts the generated noises back into `records` read from the archive `path` with header
    /// `header` (a record that kept its noise must hold the generated one) and checks their digest.
    /// The seed comes from the header's identity, which must hash to its experiment hash (the
    /// hash that resume, merge and `table` compare), so the noises are the identity's.
    /// - Throws: ``ExperimentError/invalidResults(file:place:problem:fix:)`` when the identity
    ///   does not hash to the experiment, the seed or dimension is not the identity's, a kept
    ///   noise differs or the digest does not match.
    func restore(_ records: inout [SampleRecord], header: ResultsHeader, path: String) throws {
        guard LoadedExperiment.hash(ofIdentity: header.identity) == header.experiment else {
            throw ExperimentError.invalidResults(
                file: path, place: "header field \"identity\"",
                problem: "does not hash to the header's experiment \(header.experiment.prefix(12))",
                fix: "restore the archive from the repository or use the full results file")
        }
        guard let recorded = LoadedExperiment.generatedNoises(identity: header.identity),
              recorded.seed == seed, recorded.dimension == dimension else {
            throw ExperimentError.invalidResults(
                file: path, place: "header field \"omitted_noises\"",
                problem: "seed \(seed) dimension \(dimension) is not the noise source of the header's identity",
                fix: "restore the archive from the repository or use the full results file")
        }
        for k in records.indices {
            let generated = noise(classIndex: records[k].classIndex, sample: records[k].sample)
            if records[k].noise.isEmpty && dimension > 0 {
                records[k].noise = generated
            } else if records[k].noise != generated {
                throw ExperimentError.invalidResults(
                    file: path, place: "sample \(records[k].index) (class \(records[k].classIndex), sample \(records[k].sample))",
                    problem: "keeps a noise that is not the generated one (seed \(seed))",
                    fix: "restore the archive from the repository or use the full results file")
            }
        }
        let regenerated = Self.digest(records)
        guard regenerated == sha256 else {
            throw ExperimentError.invalidResults(
                file: path, place: "header field \"omitted_noises\"",
                problem: "the noises regenerated here (SHA-256 \(regenerated.prefix(12))) are not those of the run (\(sha256.prefix(12))): this platform's log/cos/sin round differently",
                fix: "use the full results file the run wrote (with its noises)")
        }
    }
}
