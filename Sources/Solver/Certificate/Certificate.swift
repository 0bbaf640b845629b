import Foundation
import Support
import Encoding
import Network

/// A certificate file (`verify local --json`, `verify vnnlib --json`), written and read by
/// the same `Codable` types: ``data()`` writes it, ``read(_:file:)`` reads it for
/// `verify check`.
///
/// The text is ``JSONText``'s (sorted keys, two-space indentation, shortest round-trip
/// digits), so a reader recovers the same Doubles. The layout's version is the top-level key
/// `format`: 1 for every certificate without a ReLU-phase proof, 2 when some query record
/// carries one (`phase_proof`, ``PhaseProof``; format 2 is format 1 plus that key), 3 when
/// some proof sub-box is closed by optimised slopes (format 1 or 2 plus the leaf method
/// `slopes` with its `slopes` key, ``LeafCertificate/slopes``), 4 when some phase proof
/// records the slopes that tightened its root's intermediate bounds (format 2 or 3 plus
/// `root_intermediates`, ``PhaseProof/rootIntermediates``), 5 when some phase proof records
/// the trees that tightened them further (format 4 or less plus `root_branching`,
/// ``PhaseProof/rootBranching``). A file
/// without the key has format 1 (the layout carried no key when it was first written); a
/// file with any format outside ``readableFormats`` is refused, since this build cannot know
/// what its fields mean.
public enum Certificate: Sendable, Equatable {
    /// One local-robustness query (``LocalCertificate``).
    case local(LocalCertificate)
    /// Every query of a VNN-LIB property (``VNNLibCertificate``).
    case vnnlib(VNNLibCertificate)

    /// The layout this build writes without a phase proof.
    public static let formatVersion = 1
    /// The layout this build writes when a query record holds a phase proof.
    public static let phaseProofFormatVersion = 2
    /// The layout this build writes when a proof sub-box records its closing slopes.
    public static let slopeLeafFormatVersion = 3
    /// The layout this build writes when a phase proof records the slopes that tightened the
    /// root's intermediate bounds (``PhaseProof/rootIntermediates``): a checker that does not
    /// know them would bound the root more loosely and reject valid proofs.
    public static let rootIntermediatesFormatVersion = 4
    /// The layout this build writes when a phase proof records the trees that tightened the
    /// root's intermediate bounds by branching (``PhaseProof/rootBranching``).
    public static let rootBranchingFormatVersion = 5
    /// The layouts this build reads.
    public static let readableFormats = [formatVersion, phaseProofFormatVersion, slopeLeafFormatVersion, rootIntermediatesFormatVersion,
                                         rootBranchingFormatVersion]

    /// The format this certificate is written in.
    public var format: Int {
        let records: [QueryCertificate]
        switch self {
        case .local(let certificate): records = [certificate.query]
        case .vnnlib(let certificate): records = certificate.queries
        }
        if records.contains(where: { $0.phaseProof?.hasRootBranching == true }) { return Self.rootBranchingFormatVersion }
        if records.contains(where: { $0.phaseProof?.hasRootIntermediates == true }) { return Self.rootIntermediatesFormatVersion }
        if records.contains(where: { ($0.proofLeaves ?? []).contains { $0.method == .slopes } }) { return Self.slopeLeafFormatVersion }
        return records.contains { $0.phaseProof != nil } ? Self.phaseProofFormatVersion : Self.formatVersion
    }

    /// What to do about a malformed certificate (the end of its error line).
    static let malformedFix = "give a certificate written by 'verify local --json' or 'verify vnnlib --json'"

    /// The file's bytes, stamped with `tool` (the running build by default).
    public func data(tool: ToolVersion = .current) throws -> Data {
        var stamped = self
        switch stamped {
        case .local(var certificate): certificate.tool = ToolStamp(tool); stamped = .local(certificate)
        case .vnnlib(var certificate): certificate.tool = ToolStamp(tool); stamped = .vnnlib(certificate)
        }
        var tree: JSONValue
        switch stamped {
        case .local(let certificate): tree = try JSONTreeEncoder.encode(certificate)
        case .vnnlib(let certificate): tree = try JSONTreeEncoder.encode(certificate)
        }
        if case .object(var object) = tree {
            object["format"] = .integer(format)
            tree = .object(object)
        }
        return Data((JSONText.encode(tree, pretty: true) + "\n").utf8)
    }

    /// Reads a certificate file's bytes; `file` names it in errors.
    ///
    /// A VNN-LIB certificate is one with a `queries` list or `kind` `vnnlib`; any other is a
    /// local-robustness certificate.
    /// - Throws: ``NetworkError/invalidContent(file:place:problem:fix:)`` naming the field
    ///   that is missing or of the wrong type.
    public static func read(_ data: Data, file: String) throws -> Certificate {
        let fix = malformedFix
        let tree: Any
        do { tree = try JSONText.parse(data) } catch {
            throw NetworkError.invalidContent(file: file, place: "top level", problem: "not JSON (\(error))", fix: fix)
        }
        guard let object = tree as? [String: Any] else {
            throw NetworkError.invalidContent(file: file, place: "top level", problem: "not a JSON object", fix: fix)
        }
        if let format = object["format"], !readableFormats.contains(where: { Double($0) == format as? Double }) {
            let number = format as? Double
            let written = number.flatMap { $0 == $0.rounded() && abs($0) < 1e15 ? String(Int($0)) : nil } ?? JSONText.encode(format, pretty: false)
            throw NetworkError.invalidContent(file: file, place: "format", problem: "certificate format \(written) is not one this build reads (\(readableFormats.dropLast().map(String.init).joined(separator: ", ")) or \(readableFormats.last!))",
                                              fix: "check it with the build that wrote it (its 'tool' field)")
        }
        do {
            if object["queries"] != nil || object["kind"] as? String == "vnnlib" {
                return .vnnlib(try JSONTreeDecoder.decode(VNNLibCertificate.self, from: object))
            }
            return .local(try JSONTreeDecoder.decode(LocalCertificate.self, from: object))
        } catch let error as DecodingError {
            let (place, problem) = JSONTreeDecoder.place(of: error)
            throw NetworkError.invalidContent(file: file, place: place, problem: problem, fix: fix)
        }
    }

    /// The build that wrote the certificate, when recorded.
    public var tool: ToolVersion? {
        switch self {
        case .local(let certificate): return certificate.tool?.version
        case .vnnlib(let certificate): return certificate.tool?.version
        }
    }
}

/// A local-robustness certificate: the query record's fields at the top level, next to the
/// question (centre, eps, class, adapter) and the network files with their SHA-256 digests.
public struct LocalCertificate: Codable, Sendable, Equatable {
    /// `local-robustness`.
    public var kind: String?
    public var trueClass: Int
    public var eps: Double
    public var center: [Double]
    /// The adapter between generator and classifier, when one was given.
    public var adapter: AdapterCertificate?
    /// `model`, or `classifier` and `generator`.
    public var files: CertifiedFiles
    public var tool: ToolStamp?
    public var query: QueryCertificate

    enum CodingKeys: String, CodingKey {
        case kind, eps, center, adapter, tool
        case trueClass = "class"
    }

    public init(trueClass: Int, eps: Double, center: [Double], adapter: Adapter?, files: CertifiedFiles, query: QueryCertificate) {
        kind = "local-robustness"
        self.trueClass = trueClass
        self.eps = eps
        self.center = center
        self.adapter = adapter.map { AdapterCertificate(scale: .init($0.scale), shift: .init($0.shift)) }
        self.files = files
        self.query = query
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        kind = try container.decodeIfPresent(String.self, forKey: .kind)
        trueClass = try container.decode(Int.self, forKey: .trueClass)
        eps = try container.decode(Double.self, forKey: .eps)
        center = try container.decode([Double].self, forKey: .center)
        adapter = try container.decodeIfPresent(AdapterCertificate.self, forKey: .adapter)
        tool = try container.decodeIfPresent(ToolStamp.self, forKey: .tool)
        files = try CertifiedFiles(from: decoder)
        query = try QueryCertificate(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        try query.encode(to: encoder)
        try files.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(kind, forKey: .kind)
        try container.encode(trueClass, forKey: .trueClass)
        try container.encode(eps, forKey: .eps)
        try container.encode(center, forKey: .center)
        try container.encodeIfPresent(adapter, forKey: .adapter)
        try container.encodeIfPresent(tool, forKey: .tool)
    }
}

/// A VNN-LIB certificate: the answer, and one record per query of the property, in the
/// order the tool solves them (``VNNLibQueries``).
public struct VNNLibCertificate: Codable, Sendable, Equatable {
    /// `vnnlib`.
    public var kind: String?
    public var answer: VNNLibAnswer
    public var queries: [QueryCertificate]
    /// `model` and `property`.
    public var files: CertifiedFiles
    public var tool: ToolStamp?

    enum CodingKeys: String, CodingKey {
        case kind, answer, queries, tool
    }

    public init(answer: VNNLibAnswer, queries: [QueryCertificate], files: CertifiedFiles) {
        kind = "vnnlib"
        self.answer = answer
        self.queries = queries
        self.files = files
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        kind = try container.decodeIfPresent(String.self, forKey: .kind)
        answer = try container.decode(VNNLibAnswer.self, forKey: .answer)
        queries = try container.decode([QueryCertificate].self, forKey: .queries)
        tool = try container.decodeIfPresent(ToolStamp.self, forKey: .tool)
        files = try CertifiedFiles(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        try files.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(kind, forKey: .kind)
        try container.encode(answer, forKey: .answer)
        try container.encode(queries, forKey: .queries)
        try container.encodeIfPresent(tool, forKey: .tool)
    }
}

/// `verify vnnlib`'s answer, as printed and written.
public enum VNNLibAnswer: String, Codable, Sendable, CaseIterable {
    /// Every query holds.
    case unsat
    /// A counterexample of the exact property.
    case sat
    /// Undecided because the time limit passed.
    case timeout
    /// Undecided for another reason.
    case unknown
}

/// The files a certificate names, by role: `ROLE` holds the path and `ROLE_sha256` the
/// SHA-256 of the file's bytes.
public struct CertifiedFiles: Codable, Sendable, Equatable {
    public enum Role: String, Sendable, CaseIterable, Codable {
        case model, property, classifier, generator
    }

    public struct File: Sendable, Equatable {
        public var path: String
        public var sha256: String
        public init(path: String, sha256: String) {
            self.path = path
            self.sha256 = sha256
        }
    }

    public var files: [Role: File]

    public init(_ files: [Role: File]) { self.files = files }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Reads every role whose path is present; its digest must be present too.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        files = [:]
        for role in Role.allCases where container.contains(Key(role.rawValue)) {
            files[role] = File(path: try container.decode(String.self, forKey: Key(role.rawValue)),
                               sha256: try container.decode(String.self, forKey: Key(role.rawValue + "_sha256")))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        for (role, file) in files {
            try container.encode(file.path, forKey: Key(role.rawValue))
            try container.encode(file.sha256, forKey: Key(role.rawValue + "_sha256"))
        }
    }
}

/// The adapter `image * scale + shift`; each is one number (a scalar) or one per element.
public struct AdapterCertificate: Codable, Sendable, Equatable {
    public var scale: NumberOrList
    public var shift: NumberOrList

    public var adapter: Adapter { Adapter(scale: scale.values, shift: shift.values) }
}

/// One number, or a list of numbers; written as a number when the list has one entry.
public struct NumberOrList: Codable, Sendable, Equatable {
    public var values: [Double]

    public init(_ values: [Double]) { self.values = values }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Double.self) {
            values = [number]
        } else {
            do { values = try container.decode([Double].self) } catch {
                throw DecodingError.typeMismatch([Double].self, .init(codingPath: decoder.codingPath,
                                                                       debugDescription: "expected a number or a list of numbers"))
            }
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if values.count == 1 { try container.encode(values[0]) } else { try container.encode(values) }
    }
}

/// ``ToolVersion`` as certificates write it: `commit` is `null` when unknown.
public struct ToolStamp: Codable, Sendable, Equatable {
    public var version: ToolVersion

    public init(_ version: ToolVersion) { self.version = version }

    enum CodingKeys: String, CodingKey { case version, commit, z3 }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        version = ToolVersion(version: try container.decode(String.self, forKey: .version),
                              commit: try container.decodeIfPresent(String.self, forKey: .commit),
                              z3: try container.decode(String.self, forKey: .z3))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(version.version, forKey: .version)
        if let commit = version.commit { try container.encode(commit, forKey: .commit) } else { try container.encodeNil(forKey: .commit) }
        try container.encode(version.z3, forKey: .z3)
    }
}
