import Foundation
import Network
import Support
import XCTest

/// `verify sample` and `verify walk` on the digits example. Oracles: the PNG/GIF files are
/// decoded by the independent Python decoders in Tests/Fixtures/pictures; the classes are
/// recomputed with `verify eval` on noises rebuilt here from their documented construction
/// (NoiseGenerator, RandomWalk), not through the code that drew the pictures.
final class PictureCommandTests: XCTestCase {
    let experiment = "examples/digits/experiment.json"
    let red: [UInt8] = [220, 30, 30]
    let white: [UInt8] = [255, 255, 255]

    // MARK: independent recomputation

    /// The experiment noise of (class, sample), as documented on `NoiseGenerator` (seed 0, p = 6).
    static func experimentNoise(seed: UInt64 = 0, classIndex: Int, sampleIndex: Int, dimension: Int) -> [Double] {
        let gamma: UInt64 = 0x9E37_79B9_7F4A_7C15
        func combine(_ h: UInt64, _ v: UInt64) -> UInt64 { SplitMix64.mix(h ^ (v &+ gamma)) }
        let key = combine(combine(SplitMix64.mix(seed &+ gamma), UInt64(classIndex)), UInt64(sampleIndex))
        var noise: [Double] = []
        var j: UInt64 = 0
        while noise.count < dimension {
            let u1 = Double((combine(key, 2 * j) >> 11) + 1) * 0x1p-53
            let u2 = Double((combine(key, 2 * j + 1) >> 11) + 1) * 0x1p-53
            noise.append((-2 * log(u1)).squareRoot() * cos(2 * .pi * u2))
            noise.append((-2 * log(u1)).squareRoot() * sin(2 * .pi * u2))
            j += 1
        }
        return Array(noise.prefix(dimension))
    }

    /// The walk points as documented on `RandomWalk`.
    static func walkPoints(start: [Double], steps: Int, stepSize: Double, seed: UInt64) -> [[Double]] {
        var generator = SplitMix64(seed: seed)
        var points = [start]
        var x = start
        for _ in 0..<steps {
            var z: [Double] = []
            while z.count < x.count {
                let u1 = Double((generator.next() >> 11) + 1) * 0x1p-53
                let u2 = Double((generator.next() >> 11) + 1) * 0x1p-53
                z += [(-2 * log(u1)).squareRoot() * cos(2 * .pi * u2), (-2 * log(u1)).squareRoot() * sin(2 * .pi * u2)]
            }
            for i in x.indices { x[i] += stepSize * z[i] }
            points.append(x)
        }
        return points
    }

    /// The class of `classifier ∘ generator_c` on each noise, by `verify eval` (a tie is -1).
    func evalArgmax(classIndex: Int, noises: [[Double]], directory: URL) throws -> [Int] {
        let file = directory.appendingPathComponent("noises-\(classIndex).txt")
        let text = noises.map { $0.map { String(format: "%.17g", $0) }.joined(separator: ",") }.joined(separator: "\n")
        try text.write(to: file, atomically: true, encoding: .utf8)
        let result = try runVerify(["eval", "examples/digits/classifier.onnx", "--compose",
                                    "examples/digits/generator_\(classIndex).onnx", "--input-file", file.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        return result.stdout.split(separator: "\n").compactMap { line in
            line.range(of: "class: ").map { Int(line[$0.upperBound...]) ?? -1 }
        }
    }

    // MARK: decoding

    func decode(_ script: String, _ path: String) throws -> [String] {
        let fixtures = repositoryRoot.appendingPathComponent("Tests/Fixtures/pictures")
        let candidates = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/python3" }
            + ["/usr/bin/python3"]
        guard let python = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw XCTSkip("python3 not found: the independent PNG/GIF decoders need it")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [fixtures.appendingPathComponent(script).path, path]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, errors)
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    // MARK: sample

    func testSampleGridFramesExactlyTheMisclassifiedSamples() throws {
        let directory = temporaryDirectory()
        let png = directory.appendingPathComponent("grid.png").path
        let (rows, columns, start, scale) = (2, 4, 30, 2)
        let result = try runVerify(["sample", experiment, "--class", "1", "--grid", "\(rows)x\(columns)",
                                    "--start", "\(start)", "--scale", "\(scale)", "--png", png])
        XCTAssertEqual(result.status, 0, result.stderr)

        let noises = (start..<(start + rows * columns)).map { Self.experimentNoise(classIndex: 1, sampleIndex: $0, dimension: 6) }
        let predictions = try evalArgmax(classIndex: 1, noises: noises, directory: directory)
        XCTAssertEqual(predictions.count, rows * columns)
        let wrong = predictions.enumerated().filter { $0.element != 1 }
        XCTAssertFalse(wrong.isEmpty, "the window should contain a misclassified sample (33 at the time of writing)")
        let listed = wrong.map { "\(start + $0.offset)->\($0.element)" }.joined(separator: " ")
        XCTAssertTrue(result.stdout.contains("\(wrong.count) misclassified: \(listed);"), result.stdout)

        // Geometry: padding 4, frame 2, image 8*scale, caption strip 11 when anything is misclassified.
        let lines = try decode("decode_png.py", png)
        let size = lines[0].split(separator: " ").compactMap { Int($0) }
        let box = (w: 8 * scale + 4, h: 8 * scale + 4 + 11)
        XCTAssertEqual(size, [columns * box.w + (columns + 1) * 4, rows * box.h + (rows + 1) * 4, 3])
        let pixels = lines[1].split(separator: " ").compactMap { UInt8($0) }
        for index in 0..<(rows * columns) {
            let left = 4 + (index % columns) * (box.w + 4), top = 4 + (index / columns) * (box.h + 4)
            let offset = (top * size[0] + left) * 3
            let corner = Array(pixels[offset..<(offset + 3)])
            XCTAssertEqual(corner, predictions[index] != 1 ? red : white, "cell \(index) (sample \(start + index))")
        }
    }

    func testSampleErrorsExitWithTwo() throws {
        let png = temporaryDirectory().appendingPathComponent("x.png").path
        let cases: [([String], String)] = [
            (["--class", "12", "--png", png], "--class 12 is not a class"),
            (["--class", "1", "--grid", "8by8", "--png", png], "--grid expects ROWSxCOLUMNS"),
            (["--class", "1", "--grid", "0x3", "--png", png], "--grid expects"),
            (["--class", "1"], "missing --png"),
            (["--png", png], "missing --class"),
            (["--class", "1", "--scale", "0", "--png", png], "--scale"),
        ]
        for (arguments, message) in cases {
            let result = try runVerify(["sample", experiment] + arguments)
            XCTAssertEqual(result.status, 2, "\(arguments)")
            XCTAssertTrue(result.stderr.contains(message), "\(arguments): \(result.stderr)")
            XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: png))
    }

    // MARK: walk

    func testWalkPredictionsMatchAnIndependentRecomputation() throws {
        let directory = temporaryDirectory()
        let png = directory.appendingPathComponent("walk.png").path
        let gif = directory.appendingPathComponent("walk.gif").path
        let steps = 9
        let result = try runVerify(["walk", experiment, "--class", "1", "--start-sample", "33", "--steps", "\(steps)",
                                    "--step-size", "0.25", "--seed", "0", "--scale", "2", "--columns", "4",
                                    "--png", png, "--gif", gif, "--delay", "15"])
        XCTAssertEqual(result.status, 0, result.stderr)

        let start = Self.experimentNoise(classIndex: 1, sampleIndex: 33, dimension: 6)
        let points = Self.walkPoints(start: start, steps: steps, stepSize: 0.25, seed: 0)
        let predictions = try evalArgmax(classIndex: 1, noises: points, directory: directory)
        XCTAssertEqual(predictions.count, steps + 1)
        let labels = predictions.map { $0 == 1 ? "1" : "\($0)*" }.joined(separator: " ")
        XCTAssertTrue(result.stdout.contains("t=0...9: \(labels)\n"), "expected \(labels) in\n\(result.stdout)")
        let changes = zip(predictions, predictions.dropFirst()).filter { $0 != $1 }.count
        let wrong = predictions.filter { $0 != 1 }.count
        XCTAssertTrue(result.stdout.contains("\(steps + 1) frames, \(changes) class changes, \(wrong) frames not class 1"), result.stdout)

        let strip = try decode("decode_png.py", png)
        let box = (w: 8 * 2 + 4, h: 8 * 2 + 4 + 11)
        XCTAssertEqual(strip[0], "\(4 * box.w + 5 * 2) \(3 * box.h + 4 * 2) 3")

        let animation = try decode("decode_gif.py", gif)
        XCTAssertEqual(animation[0], "frames \(steps + 1) delay 15 loop 0")
        XCTAssertEqual((animation.count - 1) / 2, steps + 1)
        let frameSizes = Set(stride(from: 1, to: animation.count, by: 2).map { animation[$0] })
        XCTAssertEqual(frameSizes.count, 1, "all frames share one size")
        // Every misclassified frame has a red border, every other one a white border.
        for (step, prediction) in predictions.enumerated() {
            let size = animation[1 + 2 * step].split(separator: " ").compactMap { Int($0) }
            let pixels = animation[2 + 2 * step].split(separator: " ").compactMap { UInt8($0) }
            let left = (size[0] - (8 * 2 + 6)) / 2
            XCTAssertEqual(Array(pixels[(left * 3)..<(left * 3 + 3)]), prediction != 1 ? red : white, "frame \(step)")
        }
    }

    func testWalkNeedsAnOutputAndValidFlags() throws {
        let gif = temporaryDirectory().appendingPathComponent("w.gif").path
        let cases: [([String], String)] = [
            (["--class", "1"], "give --png FILE, --gif FILE or both"),
            (["--class", "1", "--gif", gif, "--step-size", "-1"], "--step-size"),
            (["--class", "1", "--gif", gif, "--steps", "x"], "--steps"),
            (["--class", "a", "--gif", gif], "--class a is not a class"),
        ]
        for (arguments, message) in cases {
            let result = try runVerify(["walk", experiment] + arguments)
            XCTAssertEqual(result.status, 2, "\(arguments)")
            XCTAssertTrue(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: gif))
    }
}
