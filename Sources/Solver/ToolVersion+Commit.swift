import Foundation

extension ToolVersion {
    /// The commit checked out in the repository that `executable` was built in, or nil.
    ///
    /// SwiftPM has no build-time stamp without plugins, so the commit is read at run time:
    /// a binary built by `swift build` lies under `<checkout>/.build/…`; the checkout's
    /// `.git` (a directory, or in a worktree a file `gitdir: PATH`) gives `HEAD`, which is
    /// either a commit or `ref: refs/heads/NAME`, resolved through the loose ref file
    /// (in the worktree's git directory or the common one named by `commondir`) or
    /// `packed-refs`. It is the commit checked out now: a checkout moved after the build
    /// reports the new commit. Nil for a binary outside a `.build` folder of a checkout.
    public static func commit(executable: String) -> String? {
        var directory = URL(fileURLWithPath: executable).deletingLastPathComponent()
        while directory.path != "/" && !directory.path.isEmpty {
            if directory.lastPathComponent == ".build" {
                return commit(checkout: directory.deletingLastPathComponent())
            }
            directory.deleteLastPathComponent()
        }
        return nil
    }

    /// The commit `HEAD` names in the git checkout `checkout`, or nil.
    static func commit(checkout: URL) -> String? {
        let dotGit = checkout.appendingPathComponent(".git")
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dotGit.path, isDirectory: &isDirectory) else { return nil }
        var gitDirectory = dotGit
        if !isDirectory.boolValue {
            guard let text = read(dotGit), text.hasPrefix("gitdir:") else { return nil }
            gitDirectory = resolve(String(text.dropFirst("gitdir:".count)).trimmingCharacters(in: .whitespaces), against: checkout)
        }
        let common = read(gitDirectory.appendingPathComponent("commondir"))
            .map { resolve($0, against: gitDirectory) } ?? gitDirectory
        guard let head = read(gitDirectory.appendingPathComponent("HEAD")) else { return nil }
        guard head.hasPrefix("ref:") else { return isCommit(head) ? head : nil }
        let reference = String(head.dropFirst("ref:".count)).trimmingCharacters(in: .whitespaces)
        for root in [gitDirectory, common] {
            if let value = read(root.appendingPathComponent(reference)), isCommit(value) { return value }
        }
        for line in (read(common.appendingPathComponent("packed-refs")) ?? "").split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2, parts[1] == reference, isCommit(String(parts[0])) { return String(parts[0]) }
        }
        return nil
    }

    /// A file's text without surrounding white space, or nil.
    private static func read(_ url: URL) -> String? {
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func resolve(_ path: String, against base: URL) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : base.appendingPathComponent(path).standardizedFileURL
    }

    /// 40 (SHA-1) or 64 (SHA-256) lower-case hexadecimal digits.
    private static func isCommit(_ text: String) -> Bool {
        (text.count == 40 || text.count == 64) && text.allSatisfy { $0.isHexDigit && !$0.isUppercase }
    }
}
