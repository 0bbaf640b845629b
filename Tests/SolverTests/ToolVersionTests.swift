import Foundation
@testable import Solver
import XCTest

/// The commit stamp is read from the checkout around the executable; each layout below is
/// written by hand, so the expected commit is known.
final class ToolVersionTests: XCTestCase {
    let commitA = String(repeating: "a", count: 40)
    let commitB = String(repeating: "b", count: 40)

    func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("toolversion-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    func write(_ text: String, _ url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    func testLooseRefPackedRefAndDetachedHead() throws {
        let checkout = try scratch()
        let git = checkout.appendingPathComponent(".git")
        let executable = checkout.appendingPathComponent(".build/x86_64-unknown-linux-gnu/release/verify").path
        try write("ref: refs/heads/main\n", git.appendingPathComponent("HEAD"))
        try write("# pack-refs with: peeled fully-peeled sorted\n\(commitB) refs/heads/main\n", git.appendingPathComponent("packed-refs"))
        XCTAssertEqual(ToolVersion.commit(executable: executable), commitB, "packed ref")
        try write(commitA + "\n", git.appendingPathComponent("refs/heads/main"))
        XCTAssertEqual(ToolVersion.commit(executable: executable), commitA, "a loose ref wins over packed-refs")
        try write(commitB + "\n", git.appendingPathComponent("HEAD"))
        XCTAssertEqual(ToolVersion.commit(executable: executable), commitB, "detached HEAD")
        XCTAssertNil(ToolVersion.commit(executable: checkout.appendingPathComponent("bin/verify").path), "not under .build")
        try write("garbage\n", git.appendingPathComponent("HEAD"))
        XCTAssertNil(ToolVersion.commit(executable: executable))
    }

    /// `git worktree add`: `.git` is a file naming the worktree's git directory, whose
    /// `commondir` leads to the shared refs.
    func testWorktree() throws {
        let root = try scratch()
        let common = root.appendingPathComponent("main/.git")
        let worktreeGit = common.appendingPathComponent("worktrees/feature")
        let checkout = root.appendingPathComponent("feature")
        try write("gitdir: \(worktreeGit.path)\n", checkout.appendingPathComponent(".git"))
        try write("ref: refs/heads/feature\n", worktreeGit.appendingPathComponent("HEAD"))
        try write("../..\n", worktreeGit.appendingPathComponent("commondir"))
        try write(commitA + "\n", common.appendingPathComponent("refs/heads/feature"))
        XCTAssertEqual(ToolVersion.commit(executable: checkout.appendingPathComponent(".build/debug/verify").path), commitA)
    }

    func testDescriptionAndJSONRoundTrip() {
        let stamp = ToolVersion(version: "1.2.3", commit: nil, z3: "4.8.12.0")
        XCTAssertEqual(stamp.description, "verify 1.2.3, commit unknown, Z3 4.8.12.0")
        XCTAssertEqual(ToolVersion(jsonObject: stamp.jsonObject), stamp)
        let full = ToolVersion(version: "1.2.3", commit: commitA, z3: "4.8.12.0")
        XCTAssertEqual(ToolVersion(jsonObject: full.jsonObject), full)
        XCTAssertNotNil(ToolVersion.current.z3.range(of: #"^\d+\.\d+\.\d+"#, options: .regularExpression))
    }
}
