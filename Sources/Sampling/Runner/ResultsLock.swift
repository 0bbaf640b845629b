// An exclusive lock on a results file, so that two processes never append to the same file.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The exclusive `flock(2)` lock of a results file, held on the companion file `PATH.lock`
/// for as long as a run writes `PATH`.
///
/// The lock cannot sit on the results file itself: rewriting it (a new header, a merge) goes
/// through an atomic rename, which gives the path a new inode, and a lock on the old inode
/// would no longer exclude anyone. The companion file is created on first use and left in
/// place: an `flock` lock dies with its process, so a killed run never leaves a stale lock,
/// and deleting the file while no run holds it is harmless. The holder writes its process id
/// into it, which a refused run names in its error. Linux maps `flock` on NFS onto byte-range
/// locks that the server enforces, so the lock also holds between the nodes of a cluster
/// whose shared file system is NFS.
public final class ResultsLock: @unchecked Sendable {
    /// The results file this lock protects.
    public let resultsPath: String
    private var descriptor: Int32

    /// The companion lock file of `resultsPath`.
    public static func lockPath(for resultsPath: String) -> String { resultsPath + ".lock" }

    private init(resultsPath: String, descriptor: Int32) {
        self.resultsPath = resultsPath
        self.descriptor = descriptor
    }

    /// Takes the lock without waiting.
    /// - Throws: ``ExperimentError/invalidResults(file:place:problem:fix:)`` when another
    ///   process holds it (naming that process when it recorded its id) or the lock file cannot
    ///   be created.
    public static func acquire(for resultsPath: String) throws -> ResultsLock {
        let path = lockPath(for: resultsPath)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            throw ExperimentError.invalidResults(
                file: resultsPath, place: "file", problem: "cannot create its lock file \(path) (\(reason))",
                fix: "check that the directory exists and is writable")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = recordedHolder(fd)
            close(fd)
            let who = holder.map { "process \($0)" } ?? "another process"
            throw ExperimentError.invalidResults(
                file: resultsPath, place: "file", problem: "is being written by \(who) (it holds \(path))",
                fix: "wait for that run to finish, or write to another --results file")
        }
        let lock = ResultsLock(resultsPath: resultsPath, descriptor: fd)
        lock.recordHolder()
        return lock
    }

    /// Releases the lock (also released when the process ends, however it ends).
    public func release() {
        guard descriptor >= 0 else { return }
        flock(descriptor, LOCK_UN)
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }

    /// Replaces the lock file's content with this process's id (informative only).
    private func recordHolder() {
        let text = Array("\(getpid())\n".utf8)
        guard ftruncate(descriptor, 0) == 0 else { return }
        _ = text.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
    }

    /// The process id recorded in an open lock file, when it holds one.
    private static func recordedHolder(_ fd: Int32) -> Int? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        let text = String(decoding: buffer[0..<count], as: UTF8.self).trimmingWhitespace
        return Int(text).flatMap { $0 > 0 ? $0 : nil }
    }
}

private extension String {
    var trimmingWhitespace: String {
        String(self.drop(while: { $0.isWhitespace }).reversed().drop(while: { $0.isWhitespace }).reversed())
    }
}
