// Reading and appending JSON-lines results files, with detection of a partially written last line.

import Codecs
import Foundation

/// A results file: a header line (``ResultsHeader``) and one ``SampleRecord`` per line.
///
/// Lines are appended whole (one `write` of the line and its newline), so the only damage an
/// interruption can leave is a last line without its newline: reading discards it (and
/// reports it), it is never counted. A gzip-compressed file (as the committed example results
/// are, `ROW__COLUMN.jsonl.gz`) is read as its decompressed lines, whatever its name; it can be
/// summarised, reported and merged, but not appended to.
public struct ResultsFile: Sendable {
    public var path: String
    public var header: ResultsHeader
    /// Records in file order.
    public var records: [SampleRecord]
    /// True when a partially written last line was found and left out.
    public var discardedPartialLine: Bool
    /// Bytes up to and including the last complete line (of the decompressed text).
    public var completeLength: Int
    /// True when the file is gzip data (the gzip magic number `1f 8b`).
    public var isGzipped: Bool

    static let encoder = makeEncoder(omittingNoises: false)
    /// The encoder of archives: records without their noises (``OmittedNoises``).
    static let archiveEncoder = makeEncoder(omittingNoises: true)

    private static func makeEncoder(omittingNoises: Bool) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        encoder.userInfo[SampleRecord.omitsNoise] = omittingNoises
        return encoder
    }

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }()

    /// One line (with its newline) for a header or record.
    static func line<T: Encodable>(_ value: T, using encoder: JSONEncoder = encoder) throws -> Data {
        var data = try encoder.encode(value)
        data.append(0x0A)
        return data
    }

    /// Reads a results file.
    /// - Throws: ``ExperimentError/invalidResults(file:place:problem:fix:)`` naming the line
    ///   for a missing header, a corrupt complete line, a record of another experiment or a
    ///   repeated sample index.
    public static func read(_ path: String) throws -> ResultsFile {
        func fail(_ place: String, _ problem: String, _ fix: String) -> ExperimentError {
            .invalidResults(file: path, place: place, problem: problem, fix: fix)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw fail("file", "cannot read the file (no such file or not readable)", "check the path")
        }
        let isGzipped = Gzip.isGzip([UInt8](data.prefix(2)))
        let bytes: [UInt8]
        do {
            bytes = isGzipped ? try Gzip.decompress([UInt8](data)) : [UInt8](data)
        } catch let error as InflateError {
            throw fail("gzip data at compressed byte \(error.byteOffset)", "does not decompress: \(error.problem)",
                       "the file is truncated or corrupt (gzip -t tests it); restore it from the repository or rerun")
        }
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        for (offset, byte) in bytes.enumerated() where byte == 0x0A {
            lines.append(bytes[start..<offset])
            start = offset + 1
        }
        let partial = start < bytes.count
        guard let first = lines.first else {
            throw fail("line 1", partial ? "the header line is incomplete" : "the file is empty",
                       "delete the file and start the run again")
        }
        let header: ResultsHeader
        do {
            header = try decoder.decode(ResultsHeader.self, from: Data(first))
            guard header.kind == "header" else { throw CocoaError(.coderInvalidValue) }
        } catch {
            throw fail("line 1", "is not a results header", "pass a file written by 'verify robustness --results' or 'verify merge'")
        }
        var records: [SampleRecord] = []
        var seen: [Int: Int] = [:]
        for (offset, line) in lines.enumerated().dropFirst() {
            let number = offset + 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) { continue }
            let record: SampleRecord
            do {
                record = try decoder.decode(SampleRecord.self, from: Data(line))
            } catch {
                let (place, problem) = recordProblem(error, line: Data(line), number: number)
                throw fail(place, problem, "delete that line (its sample will be recomputed with --resume)")
            }
            guard record.experiment == header.experiment else {
                throw fail("line \(number)", "belongs to experiment \(record.experiment.prefix(12)), the header to \(header.experiment.prefix(12))",
                           "do not concatenate results of different experiments")
            }
            if let earlier = seen[record.index] {
                throw fail("line \(number)", "repeats sample index \(record.index) (first on line \(earlier))",
                           "delete the repeated line")
            }
            if record.noise.isEmpty, header.noiseDimension > 0, header.omittedNoises == nil {
                throw fail("line \(number)", "has no \"noise\" key, and the header is not an archive's (\"omitted_noises\")",
                           "pass the results file the run wrote, or an archive written by 'verify archive'")
            }
            seen[record.index] = number
            records.append(record)
        }
        try header.omittedNoises?.restore(&records, header: header, path: path)
        return ResultsFile(path: path, header: header, records: records, discardedPartialLine: partial,
                           completeLength: start, isGzipped: isGzipped)
    }

    /// Writes a complete file (header and records sorted by index, with their noises) atomically.
    public static func write(_ path: String, header: ResultsHeader, records: [SampleRecord]) throws {
        var header = header
        header.omittedNoises = nil
        try write(path, lines: [try line(header)] + records.sorted(by: { $0.index < $1.index }).map { try line($0) })
    }

    /// Writes the archive of a complete file (``OmittedNoises``): `header` with
    /// `omitted_noises` and the records sorted by index without their generated noises,
    /// atomically. Reading it gives the records back with their noises.
    /// - Throws: as ``OmittedNoises/archiving(_:header:path:)`` (naming `source`) when a
    ///   noise was not generated, or when the file cannot be written.
    public static func writeArchive(_ path: String, header: ResultsHeader, records: [SampleRecord], source: String) throws {
        var header = header
        header.omittedNoises = try OmittedNoises.archiving(records, header: header, path: source)
        try write(path, lines: [try line(header)] + records.sorted(by: { $0.index < $1.index }).map { try line($0, using: archiveEncoder) })
    }

    private static func write(_ path: String, lines: [Data]) throws {
        var data = Data()
        for line in lines { data.append(line) }
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw ExperimentError.invalidResults(file: path, place: "file", problem: "cannot write the file (\(error.localizedDescription))",
                                                 fix: "check that the directory exists and is writable")
        }
    }
}

/// Appends records to a results file, one whole line per `write`.
final class ResultsAppender {
    let path: String
    let handle: FileHandle
    /// The file's lock, released by ``close()``.
    var lock: ResultsLock?

    /// Opens `path` for appending after cutting it to `length` bytes (dropping a partial line).
    init(path: String, truncatingTo length: Int?) throws {
        self.path = path
        guard let handle = FileHandle(forUpdatingAtPath: path) else {
            throw ExperimentError.invalidResults(file: path, place: "file", problem: "cannot open the file for writing",
                                                 fix: "check that the directory exists and is writable")
        }
        self.handle = handle
        do {
            if let length { try handle.truncate(atOffset: UInt64(length)) }
            try handle.seekToEnd()
        } catch {
            throw ExperimentError.invalidResults(file: path, place: "file", problem: "cannot prepare the file for appending (\(error.localizedDescription))",
                                                 fix: "check permissions and free space")
        }
    }

    /// Creates (or replaces) `path` with just the header line.
    static func create(path: String, header: ResultsHeader) throws -> ResultsAppender {
        try ResultsFile.write(path, header: header, records: [])
        return try ResultsAppender(path: path, truncatingTo: nil)
    }

    func append(_ record: SampleRecord) throws {
        let data = try ResultsFile.line(record)
        do {
            try handle.write(contentsOf: data)
        } catch {
            throw ExperimentError.invalidResults(file: path, place: "sample \(record.index)", problem: "cannot write (\(error.localizedDescription))",
                                                 fix: "check free space; resume with --resume")
        }
    }

    func close() {
        try? handle.synchronize()
        try? handle.close()
        lock?.release()
    }
}
