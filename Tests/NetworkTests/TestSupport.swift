import Foundation
import Network
import Support

/// SplitMix64 (from the Network module): seeded, so tests are deterministic.
typealias SeededGenerator = SplitMix64

/// The repository root, found from this file's path (no resource bundles needed).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

func fixturePath(_ relative: String) -> String {
    repositoryRoot.appendingPathComponent(relative).path
}

/// A random dense layer with weights in [-1, 1].
func randomAffine(_ input: Int, _ output: Int, using rng: inout SeededGenerator) -> AffineLayer {
    AffineLayer(inputSize: input, outputSize: output,
                weights: (0..<(input * output)).map { _ in Double.random(in: -1...1, using: &rng) },
                bias: (0..<output).map { _ in Double.random(in: -0.5...0.5, using: &rng) })
}

/// Writes `contents` to a fresh temporary file and returns its path.
func temporaryFile(_ name: String, _ contents: String) -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("verify-tests-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let url = directory.appendingPathComponent(name)
    try? contents.write(to: url, atomically: true, encoding: .utf8)
    return url.path
}
