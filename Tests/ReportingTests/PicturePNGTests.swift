import Foundation
import Network
import XCTest
@testable import Reporting
import Support

/// PNG files decoded by an independent decoder (Python's zlib + struct, optionally Pillow).
final class PicturePNGTests: XCTestCase {
    func testRandomImagesDecodeIdenticallyInPython() throws {
        var generator = SplitMix64(seed: 11)
        let sizes = [(1, 1), (1, 7), (7, 1), (3, 5), (17, 9), (64, 33), (200, 120)]
        var images: [RasterImage] = []
        for (width, height) in sizes {
            for channels in [1, 3] {
                for levels in [2, 256] {
                    images.append(PictureOracle.randomImage(width: width, height: height, channels: channels,
                                                            levels: levels, using: &generator))
                }
            }
        }
        // A smooth gradient exercises the Sub/Up/Paeth filters.
        var gradient = [UInt8]()
        for index in 0..<(50 * 40 * 3) {
            let column = index / 3 % 50, row = index / 150, channel = index % 3
            gradient.append(UInt8((column * 5 + row * 3 + channel) % 256))
        }
        images.append(RasterImage(width: 50, height: 40, channels: 3, pixels: gradient))
        var paths: [String] = []
        for image in images {
            paths.append(PictureOracle.temporaryFile("image.png"))
            try PNGEncoder.write(image, to: paths.last!)
        }
        // One decoder run for all files (starting Python is the slow part).
        let (status, out, err) = try PictureOracle.run("decode_png.py", paths)
        XCTAssertEqual(status, 0, err)
        let decoded = PictureOracle.parseImages(out)
        XCTAssertEqual(decoded.count, images.count)
        for (image, result) in zip(images, decoded) {
            XCTAssertEqual(result, image, "\(image.width)x\(image.height)x\(image.channels)")
        }
    }

    func testPillowReadsOurFilesWhenInstalled() throws {
        var generator = SplitMix64(seed: 5)
        let images = [1, 3, 3].map { channels in
            PictureOracle.randomImage(width: 13, height: 11, channels: channels, levels: channels == 1 ? 256 : 3, using: &generator)
        }
        let paths = try images.map { image in
            let path = PictureOracle.temporaryFile("pillow.png")
            try PNGEncoder.write(image, to: path)
            return path
        }
        do {
            let (status, out, err) = try PictureOracle.run("decode_png.py", paths + ["--pillow"])
            if status == 3 { throw XCTSkip("Pillow is not installed for \((try? PictureOracle.python().path) ?? "python3"); the standard-library decoder still checks every file") }
            XCTAssertEqual(status, 0, err)
            XCTAssertEqual(PictureOracle.parseImages(out), images)
        }
    }

    func testCorruptedFileIsRejectedByTheOracle() throws {
        // The oracle must be able to fail: flip one byte of the IDAT data.
        let image = RasterImage(width: 4, height: 4, channels: 1, color: .gray)
        var bytes = PNGEncoder.encode(image)
        bytes[bytes.count - 20] ^= 0x55
        let path = PictureOracle.temporaryFile("corrupt.png")
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        let (status, _, err) = try PictureOracle.run("decode_png.py", [path])
        XCTAssertEqual(status, 1)
        XCTAssertTrue(err.contains("CRC"), err)
    }

    func testWriteLeavesNoTemporaryFileAndFailsCleanly() throws {
        let path = PictureOracle.temporaryFile("out.png")
        try PNGEncoder.write(RasterImage(width: 2, height: 2, channels: 3, color: .red), to: path)
        let directory = (path as NSString).deletingLastPathComponent
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory), ["out.png"])
        XCTAssertThrowsError(try PNGEncoder.write(RasterImage(width: 1, height: 1, channels: 1, color: .white),
                                                  to: "/nonexistent-dir/x.png")) { error in
            XCTAssertTrue("\(error)".contains("/nonexistent-dir/x.png"))
        }
    }
}
