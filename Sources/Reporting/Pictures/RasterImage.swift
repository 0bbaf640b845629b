// An 8-bit raster image (grayscale or RGB) and the few operations pictures need.

/// An 8-bit image: `channels` is 1 (gray) or 3 (RGB); `pixels` is row-major and interleaved,
/// so the sample of channel `k` at column `x`, row `y` is
///
/// ```
/// pixels[(y * width + x) * channels + k]
/// ```
///
/// Postconditions (checked by every initializer): `width >= 1`, `height >= 1`,
/// `pixels.count == width * height * channels`.
public struct RasterImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// 1 (grayscale) or 3 (RGB).
    public let channels: Int
    public var pixels: [UInt8]

    /// An opaque 8-bit colour. Drawn into a gray image it becomes its luma
    /// `round(0.299 r + 0.587 g + 0.114 b)` (ITU-R BT.601).
    public struct Color: Sendable, Equatable, Hashable {
        public var red: UInt8
        public var green: UInt8
        public var blue: UInt8

        public init(red: UInt8, green: UInt8, blue: UInt8) {
            self.red = red
            self.green = green
            self.blue = blue
        }

        /// The gray `value` (all three channels equal).
        public init(gray value: UInt8) {
            self.init(red: value, green: value, blue: value)
        }

        /// BT.601 luma, rounded to the nearest integer.
        public var luma: UInt8 {
            let value = 0.299 * Double(red) + 0.587 * Double(green) + 0.114 * Double(blue)
            return UInt8(min(255, max(0, value.rounded())))
        }

        public static let black = Color(gray: 0)
        public static let white = Color(gray: 255)
        public static let gray = Color(gray: 128)
        /// Frames of misclassified images.
        public static let red = Color(red: 220, green: 30, blue: 30)
        /// Frames of correctly classified images where a frame is wanted.
        public static let green = Color(red: 30, green: 160, blue: 60)
        public static let blue = Color(red: 40, green: 90, blue: 220)
        public static let yellow = Color(red: 240, green: 200, blue: 30)
    }

    /// An image from its pixels; see the type's layout.
    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) {
        precondition(width >= 1 && height >= 1, "image size must be at least 1x1, got \(width)x\(height)")
        precondition(channels == 1 || channels == 3, "channels must be 1 or 3, got \(channels)")
        precondition(pixels.count == width * height * channels,
                     "\(width)x\(height)x\(channels) image needs \(width * height * channels) samples, got \(pixels.count)")
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// An image filled with `color` (gray images store its luma).
    public init(width: Int, height: Int, channels: Int, color: Color) {
        precondition(channels == 1 || channels == 3, "channels must be 1 or 3, got \(channels)")
        let sample: [UInt8] = channels == 1 ? [color.luma] : [color.red, color.green, color.blue]
        var pixels = [UInt8]()
        pixels.reserveCapacity(max(0, width * height * channels))
        for _ in 0..<max(0, width * height) { pixels.append(contentsOf: sample) }
        self.init(width: width, height: height, channels: channels, pixels: pixels)
    }

    /// The colour at column `x`, row `y` (a gray pixel reads as a gray colour). Setting a pixel
    /// of a gray image stores the colour's luma.
    public subscript(x: Int, y: Int) -> Color {
        get {
            precondition(contains(x: x, y: y), "pixel (\(x), \(y)) outside \(width)x\(height)")
            let index = (y * width + x) * channels
            if channels == 1 { return Color(gray: pixels[index]) }
            return Color(red: pixels[index], green: pixels[index + 1], blue: pixels[index + 2])
        }
        set {
            precondition(contains(x: x, y: y), "pixel (\(x), \(y)) outside \(width)x\(height)")
            let index = (y * width + x) * channels
            if channels == 1 {
                pixels[index] = newValue.luma
            } else {
                pixels[index] = newValue.red
                pixels[index + 1] = newValue.green
                pixels[index + 2] = newValue.blue
            }
        }
    }

    /// Whether `(x, y)` is a pixel of the image.
    public func contains(x: Int, y: Int) -> Bool {
        x >= 0 && y >= 0 && x < width && y < height
    }

    /// Sets the pixels of the rectangle `[x, x + width) x [y, y + height)` that lie inside the image.
    public mutating func fill(x: Int, y: Int, width w: Int, height h: Int, color: Color) {
        for row in max(0, y)..<max(max(0, y), min(height, y + h)) {
            for column in max(0, x)..<max(max(0, x), min(width, x + w)) {
                self[column, row] = color
            }
        }
    }

    /// The same image with three channels (gray `v` becomes `(v, v, v)`); RGB images unchanged.
    public func convertedToRGB() -> RasterImage {
        if channels == 3 { return self }
        var rgb = [UInt8]()
        rgb.reserveCapacity(pixels.count * 3)
        for value in pixels { rgb.append(value); rgb.append(value); rgb.append(value) }
        return RasterImage(width: width, height: height, channels: 3, pixels: rgb)
    }

    /// Nearest-neighbour upscaling: every pixel becomes a `factor x factor` block.
    /// `factor == 1` returns the image unchanged.
    public func upscaled(by factor: Int) -> RasterImage {
        precondition(factor >= 1, "upscale factor must be >= 1, got \(factor)")
        if factor == 1 { return self }
        let newWidth = width * factor
        var result = [UInt8]()
        result.reserveCapacity(pixels.count * factor * factor)
        for y in 0..<height {
            var row = [UInt8]()
            row.reserveCapacity(newWidth * channels)
            for x in 0..<width {
                let start = (y * width + x) * channels
                for _ in 0..<factor { row.append(contentsOf: pixels[start..<(start + channels)]) }
            }
            for _ in 0..<factor { result.append(contentsOf: row) }
        }
        return RasterImage(width: newWidth, height: height * factor, channels: channels, pixels: result)
    }

    /// This image with `other` drawn over it, its top-left corner at `(x, y)`; parts outside
    /// are clipped. An RGB `other` drawn on a gray image is stored as luma.
    public func drawing(_ other: RasterImage, atX x: Int, y: Int) -> RasterImage {
        var result = self
        result.draw(other, atX: x, y: y)
        return result
    }

    /// Draws `other` over this image in place; see ``drawing(_:atX:y:)``.
    public mutating func draw(_ other: RasterImage, atX x: Int, y: Int) {
        for row in 0..<other.height where y + row >= 0 && y + row < height {
            for column in 0..<other.width where x + column >= 0 && x + column < width {
                if other.channels == channels {
                    let source = (row * other.width + column) * channels
                    let target = ((y + row) * width + x + column) * channels
                    for k in 0..<channels { pixels[target + k] = other.pixels[source + k] }
                } else {
                    self[x + column, y + row] = other[column, row]
                }
            }
        }
    }

    /// The image surrounded by a border of `thickness` pixels of `color` (the result is
    /// `2 * thickness` wider and taller; nothing of the image is covered).
    public func framed(color: Color, thickness: Int) -> RasterImage {
        precondition(thickness >= 0, "frame thickness must be >= 0, got \(thickness)")
        let canvas = RasterImage(width: width + 2 * thickness, height: height + 2 * thickness,
                                 channels: channels, color: color)
        return canvas.drawing(self, atX: thickness, y: thickness)
    }
}
