import Foundation

/// Which build of the tool produced a verdict: the tool version, the git commit of the
/// checkout the binary was built in (when it can be found), and the Z3 library version.
/// Recorded in every certificate and results-file header, printed by `verify --version`.
public struct ToolVersion: Sendable, Hashable, Codable {
    /// The release version of the package; the only place it is written.
    public static let release = "0.15.0"

    /// ``release`` when the stamp was taken.
    public var version: String
    /// The commit of the checkout the running binary lies in (see
    /// ``commit(executable:)``), or nil when the binary is not inside a git checkout.
    public var commit: String?
    /// `Z3_get_version` of the linked library, e.g. "4.8.12.0".
    public var z3: String

    public init(version: String, commit: String?, z3: String) {
        self.version = version
        self.commit = commit
        self.z3 = z3
    }

    /// The stamp of the running process: the commit is looked up from the executable's path
    /// (the binary `verify`, or a test bundle, inside `.build/` of a checkout).
    public static let current = ToolVersion(
        version: release, commit: commit(executable: executablePath), z3: Z3Context.version)

    /// The three facts as one line: `verify 0.15.0, commit 1a2b…, Z3 4.8.12.0`, with
    /// `commit unknown` when the commit could not be found.
    public var description: String {
        "verify \(version), commit \(commit ?? "unknown"), Z3 \(z3)"
    }

    /// The certificate's JSON object: `{"version": …, "commit": … or null, "z3": …}`.
    public var jsonObject: [String: Any] {
        ["version": version, "commit": commit.map { $0 as Any } ?? NSNull(), "z3": z3]
    }

    /// Parses ``jsonObject``; nil when a field is missing or of the wrong type.
    public init?(jsonObject: Any?) {
        guard let object = jsonObject as? [String: Any], let version = object["version"] as? String,
              let z3 = object["z3"] as? String else { return nil }
        self.init(version: version, commit: object["commit"] as? String, z3: z3)
    }

    /// The running executable's path with symbolic links resolved.
    static var executablePath: String {
        let path = Bundle.main.executablePath ?? CommandLine.arguments.first ?? ""
        return URL(fileURLWithPath: path).resolvingSymlinksInPath().path
    }
}
