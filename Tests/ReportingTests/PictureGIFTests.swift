import Foundation
import Network
import XCTest
@testable import Reporting
import Support

/// GIF animations decoded by an independent LZW/GIF decoder written in Python.
final class PictureGIFTests: XCTestCase {
    private func decode(_ frames: [RasterImage], delay: Int = 7, loop: Bool = true,
                        pillow: Bool = false) throws -> (header: String, frames: [RasterImage]) {
        let path = PictureOracle.temporaryFile("animation.gif")
        try GIFEncoder.writeAnimation(frames: frames, delayCentiseconds: delay, loop: loop, to: path)
        let (status, out, err) = try PictureOracle.run("decode_gif.py", [path] + (pillow ? ["--pillow"] : []))
        if pillow, status == 3 { throw XCTSkip("Pillow is not installed for the python3 on PATH") }
        XCTAssertEqual(status, 0, err)
        let header = String(out.prefix { $0 != "\n" })
        return (header, PictureOracle.parseImages(String(out.drop { $0 != "\n" }.dropFirst())))
    }

    func testGrayFramesWithFewColoursRoundTripExactly() throws {
        var generator = SplitMix64(seed: 21)
        let frames = (0..<4).map { _ in PictureOracle.randomImage(width: 9, height: 5, channels: 1, levels: 16, using: &generator) }
        let (header, decoded) = try decode(frames, delay: 12, loop: true)
        XCTAssertEqual(header, "frames 4 delay 12 loop 0")
        XCTAssertEqual(decoded, frames.map { $0.convertedToRGB() })
    }

    func testLongIncompressibleFrameCrossesTheTableLimitAndClears() throws {
        // 256 levels of noise on 300 x 200 = 60000 pixels fills the 4096-entry table many times.
        var generator = SplitMix64(seed: 22)
        let frame = PictureOracle.randomImage(width: 300, height: 200, channels: 1, levels: 256, using: &generator)
        let (_, decoded) = try decode([frame])
        XCTAssertEqual(decoded, [frame.convertedToRGB()])
    }

    func testHighlyRepetitiveFramesRoundTrip() throws {
        // Long runs make KwKwK codes (a code used right after it is defined).
        let flat = RasterImage(width: 257, height: 31, channels: 3, color: .red)
        var striped = RasterImage(width: 64, height: 64, channels: 3, color: .white)
        striped.fill(x: 0, y: 10, width: 64, height: 3, color: .blue)
        striped.drawText("7 -> 3", atX: 2, y: 30, color: .black)
        let (_, decoded) = try decode([flat, striped], loop: false)
        XCTAssertEqual(decoded, [flat, striped])
    }

    func testOnePixelAndOddSizes() throws {
        let frames = [RasterImage(width: 1, height: 1, channels: 3, color: .green),
                      RasterImage(width: 3, height: 7, channels: 1, color: .gray)]
        let (header, decoded) = try decode(frames, delay: 0, loop: false)
        XCTAssertEqual(header, "frames 2 delay 0 loop -1")
        XCTAssertEqual(decoded, frames.map { $0.convertedToRGB() })
    }

    func testMoreThan256ColoursAreApproximatedCloselyForGrayWithLabels() throws {
        // 256 grays plus a red frame: 257 colours, so the palette is lossy (224 grays + red).
        var gradient = RasterImage(width: 256, height: 4, channels: 3, color: .black)
        for x in 0..<256 { gradient.fill(x: x, y: 0, width: 1, height: 3, color: .init(gray: UInt8(x))) }
        gradient.fill(x: 0, y: 3, width: 256, height: 1, color: .red)
        let (_, decoded) = try decode([gradient])
        let image = try XCTUnwrap(decoded.first)
        for y in 0..<4 {
            for x in 0..<256 {
                let expected = gradient[x, y], actual = image[x, y]
                for (e, a) in [(expected.red, actual.red), (expected.green, actual.green), (expected.blue, actual.blue)] {
                    XCTAssertLessThanOrEqual(abs(Int(e) - Int(a)), 1, "pixel (\(x), \(y))")
                }
            }
        }
    }

    func testRandomRGBIsWithinHalfACubeStepInRGBDistance() throws {
        var generator = SplitMix64(seed: 23)
        let frame = PictureOracle.randomImage(width: 40, height: 30, channels: 3, levels: 256, using: &generator)
        let (_, decoded) = try decode([frame])
        let image = try XCTUnwrap(decoded.first)
        // The nearest palette entry is at most as far as the nearest cube point: 25.5 per channel.
        for y in 0..<frame.height {
            for x in 0..<frame.width {
                let e = frame[x, y], a = image[x, y]
                let dr = Int(e.red) - Int(a.red), dg = Int(e.green) - Int(a.green), db = Int(e.blue) - Int(a.blue)
                XCTAssertLessThanOrEqual(Double(dr * dr + dg * dg + db * db), 3 * 25.5 * 25.5, "pixel (\(x), \(y))")
            }
        }
    }

    func testPillowReadsOurAnimationsWhenInstalled() throws {
        var generator = SplitMix64(seed: 24)
        let frames = (0..<3).map { _ in PictureOracle.randomImage(width: 20, height: 10, channels: 3, levels: 4, using: &generator) }
        let (_, decoded) = try decode(frames, pillow: true)
        XCTAssertEqual(decoded, frames)
    }
}
