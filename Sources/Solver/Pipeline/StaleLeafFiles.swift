import Foundation

/// Leaf query files (`verify-leaf-PID-UUID.smt2` in the temporary directory, see
/// ``IsolatedLeaf``) left behind by a `verify` process that was killed (SIGKILL, a crash)
/// before it could delete them. A file whose PID no longer names a process is stale:
/// `kill(PID, 0)` fails with `ESRCH`. A live process (`kill` succeeds, or `EPERM` for
/// another user's) keeps its files, so a reused PID only means a file is kept a while longer.
enum StaleLeafFiles {
    static let prefix = "verify-leaf-"

    /// The name of a leaf file of process `pid`.
    static func name(pid: Int32) -> String { "\(prefix)\(pid)-\(UUID().uuidString).smt2" }

    /// Deletes the stale leaf files in `directory`; returns their names.
    @discardableResult
    static func sweep(directory: URL = FileManager.default.temporaryDirectory) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return [] }
        var removed: [String] = []
        for name in names where name.hasPrefix(prefix) && name.hasSuffix(".smt2") {
            let rest = name.dropFirst(prefix.count)
            guard let pid = Int32(rest.prefix { $0 != "-" }), pid > 0, pid != getpid() else { continue }
            guard kill(pid, 0) != 0, errno == ESRCH else { continue }
            if (try? FileManager.default.removeItem(at: directory.appendingPathComponent(name))) != nil {
                removed.append(name)
            }
        }
        return removed
    }

    /// Sweeps the temporary directory once per process (on the first isolated leaf).
    static let sweptOnce: Void = { sweep() }()
}
