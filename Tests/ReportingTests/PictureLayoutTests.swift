import Foundation
import Network
import XCTest
@testable import Reporting
import Sampling

/// Image layouts, the "image" experiment field, the font, labels and grids.
final class PictureLayoutTests: XCTestCase {
    private func generator(outputs: Int, last: Layer?) throws -> NeuralNetwork {
        let affine = AffineLayer(inputSize: 2, outputSize: outputs, weights: [Double](repeating: 0.5, count: 2 * outputs),
                                 bias: [Double](repeating: 0, count: outputs))
        return try NeuralNetwork(inputShape: [2], outputShape: [outputs], layers: [.affine(affine)] + (last.map { [$0] } ?? []))
    }

    private func experiment(image: String? = nil) throws -> Experiment {
        let imageField = image.map { ", \"image\": \($0)" } ?? ""
        let text = "{\"classifier\": \"c.onnx\", \"generators\": {\"0\": \"g.onnx\"}, \"eps\": 0.1\(imageField)}"
        return try Experiment.parse(Data(text.utf8), file: "e.json", baseDirectory: "")
    }

    func testInferredSizesAndRanges() throws {
        let plain = try experiment()
        XCTAssertEqual(try ImageLayout.infer(generator: generator(outputs: 64, last: .sigmoid), experiment: plain),
                       ImageLayout(width: 8, height: 8, channels: 1, range: 0...1))
        XCTAssertEqual(try ImageLayout.infer(generator: generator(outputs: 48, last: .tanh), experiment: plain),
                       ImageLayout(width: 4, height: 4, channels: 3, range: -1...1))
        XCTAssertEqual(try ImageLayout.infer(generator: generator(outputs: 10, last: .clip(lower: -2, upper: 3)), experiment: plain),
                       ImageLayout(width: 10, height: 1, channels: 1, range: -2...3))
        XCTAssertEqual(try ImageLayout.infer(generator: generator(outputs: 1, last: nil), experiment: plain),
                       ImageLayout(width: 1, height: 1, channels: 1, range: nil))
        XCTAssertNil(try ImageLayout.infer(generator: generator(outputs: 4, last: .relu), experiment: plain).range)
    }

    func testImageFieldWinsAndIsCheckedAgainstTheGenerator() throws {
        let wide = try experiment(image: "{\"width\": 16, \"height\": 4, \"channels\": 1, \"range\": [-1, 2]}")
        XCTAssertEqual(wide.image, Experiment.ImageSpec(width: 16, height: 4, channels: 1, range: -1...2))
        XCTAssertEqual(try ImageLayout.infer(generator: generator(outputs: 64, last: .sigmoid), experiment: wide),
                       ImageLayout(width: 16, height: 4, channels: 1, range: -1...2))
        XCTAssertThrowsError(try ImageLayout.infer(generator: generator(outputs: 63, last: nil), experiment: wide)) { error in
            XCTAssertTrue("\(error)".contains("generator outputs 63"), "\(error)")
        }
    }

    func testImageFieldErrorsNameTheField() {
        let cases = [
            ("[8, 8]", "field \"image\""),
            ("{\"width\": 8}", "field \"image.height\": is missing"),
            ("{\"width\": 8, \"height\": 8, \"channels\": 2}", "field \"image.channels\""),
            ("{\"width\": 8, \"height\": 8, \"range\": [1, 0]}", "field \"image.range\": must have lo < hi"),
            ("{\"width\": 8, \"height\": 8, \"range\": [0]}", "field \"image.range\""),
            ("{\"width\": 8.5, \"height\": 8}", "field \"image.width\""),
            ("{\"width\": 8, \"height\": 8, \"depth\": 8}", "field \"image.depth\": is not an image field"),
        ]
        for (field, message) in cases {
            XCTAssertThrowsError(try experiment(image: field), field) { error in
                XCTAssertTrue("\(error)".contains(message), "\(field): \(error)")
                XCTAssertTrue("\(error)".hasPrefix("e.json: "), "\(error)")
            }
        }
    }

    func testRasterIsChannelFirstAndClamps() {
        let layout = ImageLayout(width: 2, height: 1, channels: 3, range: 0...1)
        // CHW: R = [0, 1], G = [0.5, 2], B = [-1, 0.25]
        let image = layout.raster([0, 1, 0.5, 2, -1, 0.25])
        XCTAssertEqual(image.pixels, [0, 128, 0, 255, 255, 64])
        let automatic = ImageLayout(width: 3, height: 1, channels: 1, range: nil)
        XCTAssertEqual(automatic.raster([2, 3, 4]).pixels, [0, 128, 255])
        XCTAssertEqual(automatic.fixingRange(over: [[2, 3, 4], [0, 0, 8]]).range, 0...8)
        XCTAssertEqual(automatic.raster([5, 5, 5]).pixels, [128, 128, 128])
    }

    func testFontHasEveryAdvertisedCharacterAndDrawsThem() {
        for character in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcxyz :.,->=()%" {
            XCTAssertTrue(BitmapFont.supports(character), "\(character)")
        }
        XCTAssertFalse(BitmapFont.supports("~"))
        // Every non-space glyph sets at least one pixel, and distinct characters look distinct.
        var seen: [[UInt8]: Character] = [:]
        for character in BitmapFont.glyphs.keys where character != " " {
            let rows = BitmapFont.glyph(character)
            XCTAssertEqual(rows.count, 7)
            XCTAssertTrue(rows.contains { $0 != 0 } && rows.allSatisfy { $0 < 32 }, "\(character)")
            XCTAssertNil(seen[rows], "\(character) looks like \(seen[rows].map(String.init) ?? "")")
            seen[rows] = character
        }
        var image = RasterImage(width: 11, height: 7, channels: 1, color: .white)
        image.drawText("1-", atX: 0, y: 0, color: .black)
        // "1": column 2 is set in every row; "-": row 3 is set in columns 6...10.
        for row in 0..<7 { XCTAssertEqual(image[2, row], .black) }
        for column in 6...10 { XCTAssertEqual(image[column, 3], .black) }
        XCTAssertEqual(image[6, 0], .white)
        XCTAssertEqual(BitmapFont.width(of: "7 -> 3", scale: 2), (6 * 6 - 1) * 2)
    }

    func testLabelStripCentresAndShrinks() {
        let strip = LabelStrip.render("7", width: 15, scale: 2, padding: 1)
        XCTAssertEqual(strip.height, 16)
        // "7" at scale 2 is 10 px wide, centred at x = 2...11; its top row is fully set.
        XCTAssertEqual(strip[2, 1], .black)
        XCTAssertEqual(strip[11, 1], .black)
        XCTAssertEqual(strip[1, 1], .white)
        let narrow = LabelStrip.render("CLASS 4 (P=0.93)", width: 20, scale: 3)
        XCTAssertEqual(narrow.height, 7 + 4)
        let labeled = RasterImage(width: 20, height: 5, channels: 1, color: .gray).labeled("7 -> 3")
        XCTAssertEqual(labeled.height, 5 + 11)
        XCTAssertEqual(labeled[0, 0], .init(gray: 128))
    }

    func testImageOperations() {
        var image = RasterImage(width: 2, height: 1, channels: 1, pixels: [10, 200])
        XCTAssertEqual(image.upscaled(by: 2).pixels, [10, 10, 200, 200, 10, 10, 200, 200])
        XCTAssertEqual(image.convertedToRGB().pixels, [10, 10, 10, 200, 200, 200])
        let framed = image.framed(color: .white, thickness: 1)
        XCTAssertEqual(framed.width, 4)
        XCTAssertEqual(framed.height, 3)
        XCTAssertEqual(framed.pixels, [255, 255, 255, 255, 255, 10, 200, 255, 255, 255, 255, 255])
        image[1, 0] = .red
        XCTAssertEqual(image.pixels[1], RasterImage.Color.red.luma)
        let canvas = RasterImage(width: 3, height: 2, channels: 3, color: .black)
            .drawing(RasterImage(width: 2, height: 2, channels: 1, color: .white), atX: 2, y: 1)
        XCTAssertEqual(canvas[2, 1], .white)
        XCTAssertEqual(canvas[1, 1], .black)
    }

    func testGridGeometryFramesAndCaptions() {
        let cell = RasterImage(width: 4, height: 3, channels: 1, color: .gray)
        let grid = ImageGrid(columns: 2, padding: 1, frameThickness: 1)
        let image = grid.render([.init(image: cell, frame: .red, caption: "7"), .init(image: cell), .init(image: cell)])
        // Box 6 x (5 + 11); 2 columns, 2 rows.
        XCTAssertEqual(image.width, 2 * 6 + 3)
        XCTAssertEqual(image.height, 2 * 16 + 3)
        XCTAssertEqual(image[1, 1], .red)          // frame of the first cell
        XCTAssertEqual(image[2, 2], .init(gray: 128))  // its image
        XCTAssertEqual(image[8, 1], .white)        // the second cell has no visible frame
        XCTAssertEqual(image[14, 20], .white)      // the missing fourth cell is background
    }

    func testTiesCountAsMisclassified() {
        func picture(_ logits: [Double], _ c: Int) -> GeneratedPicture {
            GeneratedPicture(noise: [], values: [], logits: logits, classIndex: c)
        }
        XCTAssertFalse(picture([0, 2, 1], 1).isMisclassified)
        XCTAssertTrue(picture([3, 2, 1], 1).isMisclassified)
        XCTAssertEqual(picture([3, 2, 1], 1).predictedLabel, "0")
        XCTAssertTrue(picture([1, 1], 0).isMisclassified)
        XCTAssertEqual(picture([1, 1], 0).predictedLabel, "TIE")
        XCTAssertTrue(picture([1, 1], 1).isMisclassified)
        XCTAssertEqual(picture([1, 1], 1).predictedLabel, "TIE", "a tie is no class, whichever class is tied")
        XCTAssertTrue(picture([.nan, 0], 0).isMisclassified)
        XCTAssertTrue(picture([0, .nan], 0).isMisclassified)
    }

    func testWalkStartsAtTheNoiseAndStepsByGaussians() {
        let start = [0.5, -1, 2]
        XCTAssertEqual(RandomWalk.points(start: start, steps: 0, stepSize: 1, seed: 1), [start])
        XCTAssertEqual(RandomWalk.points(start: start, steps: 5, stepSize: 0, seed: 1), Array(repeating: start, count: 6))
        // 2000 steps of size 1 in 3 dimensions: increments have mean ~0 and variance ~1
        // (bounds at > 5 standard errors, so the check is not flaky for a fixed seed anyway).
        let points = RandomWalk.points(start: start, steps: 2000, stepSize: 1, seed: 7)
        var increments: [Double] = []
        for (a, b) in zip(points, points.dropFirst()) { increments += zip(a, b).map { $1 - $0 } }
        let mean = increments.reduce(0, +) / Double(increments.count)
        let variance = increments.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(increments.count - 1)
        XCTAssertEqual(mean, 0, accuracy: 0.1)
        XCTAssertEqual(variance, 1, accuracy: 0.15)
        XCTAssertEqual(RandomWalk.points(start: start, steps: 3, stepSize: 0.2, seed: 9),
                       RandomWalk.points(start: start, steps: 3, stepSize: 0.2, seed: 9))
    }

    func testImageFieldDoesNotChangeTheIdentityHash() throws {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples/digits")
        let base = try Experiment.load(contentsOf: directory.appendingPathComponent("experiment.json").path)
        var withImage = base
        withImage.image = Experiment.ImageSpec(width: 64, height: 1, channels: 1, range: 0...2)
        XCTAssertEqual(try LoadedExperiment(base).hash, try LoadedExperiment(withImage).hash)
    }
}
