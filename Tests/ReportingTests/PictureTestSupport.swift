import Foundation
import Network
import XCTest
@testable import Reporting
import Support

/// Helpers for the picture tests: the independent Python decoders in Tests/Fixtures/pictures.
enum PictureOracle {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/pictures")

    /// The python3 executable, or a skip naming what is missing.
    static func python() throws -> URL {
        let searchPath = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in searchPath.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/local/bin"] {
            let path = "\(directory)/python3"
            if FileManager.default.isExecutableFile(atPath: path) { return URL(fileURLWithPath: path) }
        }
        throw XCTSkip("python3 not found: the independent PNG/GIF decoders in Tests/Fixtures/pictures need it")
    }

    /// Runs a decoder script on `file`; returns (exit status, stdout, stderr).
    static func run(_ script: String, _ arguments: [String]) throws -> (Int32, String, String) {
        let process = Process()
        process.executableURL = try python()
        process.arguments = [fixtures.appendingPathComponent(script).path] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }

    /// Decoded images from a decoder's output: blocks of "width height channels" + samples lines.
    static func parseImages(_ text: String) -> [RasterImage] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var images: [RasterImage] = []
        var index = 0
        while index + 1 < lines.count, !lines[index].isEmpty {
            let size = lines[index].split(separator: " ").compactMap { Int($0) }
            let samples = lines[index + 1].split(separator: " ").compactMap { UInt8($0) }
            images.append(RasterImage(width: size[0], height: size[1], channels: size[2], pixels: samples))
            index += 2
        }
        return images
    }

    static func temporaryFile(_ name: String) -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pictures-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent(name).path
    }

    /// A random image; `levels` distinct sample values (2 = highly compressible, 256 = noise).
    static func randomImage(width: Int, height: Int, channels: Int, levels: Int, using generator: inout SplitMix64) -> RasterImage {
        let step = 255 / max(1, levels - 1)
        let pixels = (0..<(width * height * channels)).map { _ in UInt8(Int(generator.next() % UInt64(levels)) * step) }
        return RasterImage(width: width, height: height, channels: channels, pixels: pixels)
    }
}
