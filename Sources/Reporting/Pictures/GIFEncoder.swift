// An animated GIF writer: one global palette, a looping extension, one frame per image.
//
// Reference: CompuServe, "Graphics Interchange Format Version 89a" (1990), sections 18-23
// and appendix F (variable-length-code LZW); the NETSCAPE2.0 application extension for looping.

/// Encodes frames as a GIF89a animation:
///
/// ```
/// "GIF89a" | screen width, height (u16 LE) | 0xF7 (global table of 256 colours) | 0 | 0
/// global colour table (256 x RGB)
/// [21 FF 0B "NETSCAPE2.0" 03 01 loop-count(u16 LE, 0 = forever) 00]      when loop
/// per frame: 21 F9 04 00 delay(u16 LE, 1/100 s) 00 00                  graphic control
///            2C 0 0 width height (u16 LE) 00                            image descriptor
///            08 | LZW codes in sub-blocks of <= 255 bytes | 00          image data
/// 3B
/// ```
///
/// The palette is exact when all frames together use at most 256 colours; otherwise see
/// ``GIFPalette``. Frames may differ in size; the screen is the largest width and height and
/// every frame sits at the top-left corner.
public enum GIFEncoder {
    public static func encodeAnimation(frames: [RasterImage], delayCentiseconds: Int, loop: Bool) -> [UInt8] {
        precondition(!frames.isEmpty, "a GIF needs at least one frame")
        precondition((0...65535).contains(delayCentiseconds), "GIF delay must be 0...65535 centiseconds")
        let width = frames.map(\.width).max()!, height = frames.map(\.height).max()!
        precondition(width <= 65535 && height <= 65535, "GIF images are at most 65535 pixels wide and tall")
        var palette = GIFPalette(frames: frames)
        var bytes = Array("GIF89a".utf8)
        bytes += littleEndian(width) + littleEndian(height)
        bytes += [0xF7, 0, 0]
        for index in 0..<256 {
            let color = index < palette.colors.count ? palette.colors[index] : .black
            bytes += [color.red, color.green, color.blue]
        }
        if loop {
            bytes += [0x21, 0xFF, 0x0B] + Array("NETSCAPE2.0".utf8) + [0x03, 0x01, 0x00, 0x00, 0x00]
        }
        for frame in frames {
            bytes += [0x21, 0xF9, 0x04, 0x00] + littleEndian(delayCentiseconds) + [0x00, 0x00]
            bytes += [0x2C] + littleEndian(0) + littleEndian(0) + littleEndian(frame.width) + littleEndian(frame.height) + [0x00]
            bytes.append(8)
            let codes = GIFLZW.compress(palette.indices(of: frame), minimumCodeSize: 8)
            var start = 0
            while start < codes.count {
                let end = min(codes.count, start + 255)
                bytes.append(UInt8(end - start))
                bytes += codes[start..<end]
                start = end
            }
            bytes.append(0)
        }
        bytes.append(0x3B)
        return bytes
    }

    /// Writes the animation to `path` through a temporary file and a rename.
    public static func writeAnimation(frames: [RasterImage], delayCentiseconds: Int, loop: Bool, to path: String) throws {
        try PictureFile.writeAtomically(encodeAnimation(frames: frames, delayCentiseconds: delayCentiseconds, loop: loop), to: path)
    }

    static func littleEndian(_ value: Int) -> [UInt8] {
        [UInt8(value & 0xFF), UInt8((value >> 8) & 0xFF)]
    }
}

/// The 256-entry palette of an animation.
///
/// - At most 256 distinct colours in all frames: exactly those colours (lossless).
/// - Otherwise: the distinct non-gray colours if there are at most 32 of them (label and frame
///   colours), and the rest of the 256 entries evenly spaced grays `round(255 i / (n - 1))`;
///   with more non-gray colours, the 6x6x6 colour cube (levels 0, 51, ..., 255) plus 40 grays.
///   Every pixel maps to the entry nearest in squared RGB distance (ties: the lower index).
///
/// Postconditions: `colors.count <= 256`; a gray image in a lossy palette is off by at most
/// 1 level per channel when 32 or fewer entries are non-gray (224 grays leave gaps of < 2).
public struct GIFPalette {
    public let colors: [RasterImage.Color]
    private var lookup: [RasterImage.Color: UInt8] = [:]

    public init(frames: [RasterImage]) {
        var distinct = Set<RasterImage.Color>()
        var ordered: [RasterImage.Color] = []
        outer: for frame in frames {
            for y in 0..<frame.height {
                for x in 0..<frame.width {
                    let color = frame[x, y]
                    if distinct.insert(color).inserted {
                        ordered.append(color)
                        if ordered.count > 256 { break outer }
                    }
                }
            }
        }
        if ordered.count <= 256 {
            colors = ordered
            for (index, color) in ordered.enumerated() { lookup[color] = UInt8(index) }
            return
        }
        var nonGray = Set<RasterImage.Color>()
        for frame in frames where frame.channels == 3 {
            for y in 0..<frame.height {
                for x in 0..<frame.width {
                    let color = frame[x, y]
                    if color.red != color.green || color.green != color.blue { nonGray.insert(color) }
                }
                if nonGray.count > 32 { break }
            }
        }
        var palette: [RasterImage.Color]
        if nonGray.count <= 32 {
            palette = nonGray.sorted { ($0.red, $0.green, $0.blue) < ($1.red, $1.green, $1.blue) }
        } else {
            palette = []
            for r in 0..<6 { for g in 0..<6 { for b in 0..<6 {
                palette.append(RasterImage.Color(red: UInt8(r * 51), green: UInt8(g * 51), blue: UInt8(b * 51)))
            } } }
        }
        let grays = 256 - palette.count
        for i in 0..<grays {
            palette.append(RasterImage.Color(gray: UInt8((255.0 * Double(i) / Double(grays - 1)).rounded())))
        }
        colors = palette
    }

    /// The palette index of every pixel of `frame`, row-major.
    public mutating func indices(of frame: RasterImage) -> [UInt8] {
        var result = [UInt8]()
        result.reserveCapacity(frame.width * frame.height)
        for y in 0..<frame.height {
            for x in 0..<frame.width {
                result.append(index(of: frame[x, y]))
            }
        }
        return result
    }

    /// The palette entry nearest to `color` (exact when `color` is in the palette).
    public mutating func index(of color: RasterImage.Color) -> UInt8 {
        if let known = lookup[color] { return known }
        var best = 0, bestDistance = Int.max
        for (index, entry) in colors.enumerated() {
            let dr = Int(entry.red) - Int(color.red), dg = Int(entry.green) - Int(color.green), db = Int(entry.blue) - Int(color.blue)
            let distance = dr * dr + dg * dg + db * db
            if distance < bestDistance { best = index; bestDistance = distance }
        }
        lookup[color] = UInt8(best)
        return UInt8(best)
    }
}
