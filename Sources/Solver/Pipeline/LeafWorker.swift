import Foundation

/// The leaf worker: the small executable `verify-leaf` (target `verify-leaf`) that solves one
/// exact Z3 leaf for ``IsolatedLeaf``, so that a Z3 call that never returns costs a killed
/// process instead of a hung worker thread.
///
/// Where it is: beside the running executable. SwiftPM builds every executable product of
/// the package into one directory (`.build/debug`, `.build/release`), `verify` depends on
/// `verify-leaf` so building `verify` builds the worker too, and test bundles run from that
/// same directory; an installation copies both files into one directory.
public enum LeafWorker {
    /// The worker's file name.
    public static let executableName = "verify-leaf"

    /// The worker beside the running executable.
    ///
    /// The running executable is `/proc/self/exe` resolved (Linux), else `Bundle.main`'s
    /// executable path; a symbolic link to `verify` is followed, so the worker is looked up
    /// beside the real file.
    /// - Throws: ``LeafWorkerError/missing(expected:)`` when no executable file is there.
    public static func besideRunningExecutable() throws(LeafWorkerError) -> String {
        let candidate = runningExecutableDirectory().appendingPathComponent(executableName).path
        guard FileManager.default.isExecutableFile(atPath: candidate) else { throw .missing(expected: candidate) }
        return candidate
    }

    /// The directory of the running executable, symbolic links resolved.
    static func runningExecutableDirectory() -> URL {
        let path: String
        if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            path = target
        } else {
            path = Bundle.main.executablePath ?? CommandLine.arguments[0]
        }
        return URL(fileURLWithPath: path).resolvingSymlinksInPath().deletingLastPathComponent()
    }
}

/// The leaf worker could not be found.
public enum LeafWorkerError: Error, Equatable, CustomStringConvertible {
    /// No executable `verify-leaf` at `expected` (beside the running executable).
    case missing(expected: String)

    public var description: String {
        switch self {
        case .missing(let expected):
            return "the Z3 leaf worker \(expected) is missing: build it with 'swift build --product verify-leaf' (built with verify) and keep it beside verify, or pass --leaf-process off"
        }
    }
}
