// Composing many small pictures into one: a grid of cells with frames and captions.

/// A grid compositor. Every cell is laid out in a box of the same size:
///
/// ```
/// cell box  = (w + 2 f) x (h + 2 f + caption height)     w, h: the largest image; f: frame thickness
/// canvas    = columns * box width  + (columns + 1) * padding   wide
///             rows    * box height + (rows + 1)    * padding   tall,   rows = ceil(cells / columns)
/// ```
///
/// An image sits inside its frame (in `frame` colour, or the background when nil), the
/// caption (if any cell has one) in a strip below it. The result is RGB.
public struct ImageGrid: Sendable {
    public struct Cell: Sendable {
        public var image: RasterImage
        /// Frame colour; nil draws no visible frame (the space is kept so cells align).
        public var frame: RasterImage.Color?
        public var caption: String?
        public var captionColor: RasterImage.Color

        public init(image: RasterImage, frame: RasterImage.Color? = nil, caption: String? = nil,
                    captionColor: RasterImage.Color = .black) {
            self.image = image
            self.frame = frame
            self.caption = caption
            self.captionColor = captionColor
        }
    }

    public var columns: Int
    public var padding: Int
    public var frameThickness: Int
    public var background: RasterImage.Color
    public var captionScale: Int

    public init(columns: Int, padding: Int = 4, frameThickness: Int = 2, background: RasterImage.Color = .white,
                captionScale: Int = 1) {
        precondition(columns >= 1, "a grid needs at least one column")
        self.columns = columns
        self.padding = padding
        self.frameThickness = frameThickness
        self.background = background
        self.captionScale = captionScale
    }

    /// The grid image of `cells`, left to right, top to bottom.
    public func render(_ cells: [Cell]) -> RasterImage {
        precondition(!cells.isEmpty, "a grid needs at least one cell")
        let imageWidth = cells.map(\.image.width).max()!, imageHeight = cells.map(\.image.height).max()!
        let boxWidth = imageWidth + 2 * frameThickness
        let hasCaptions = cells.contains { $0.caption != nil }
        let captionHeight = hasCaptions ? BitmapFont.glyphHeight * captionScale + 4 : 0
        let boxHeight = imageHeight + 2 * frameThickness + captionHeight
        let columnCount = min(columns, cells.count)
        let rows = (cells.count + columnCount - 1) / columnCount
        var canvas = RasterImage(width: columnCount * boxWidth + (columnCount + 1) * padding,
                                 height: rows * boxHeight + (rows + 1) * padding, channels: 3, color: background)
        for (index, cell) in cells.enumerated() {
            let left = padding + (index % columnCount) * (boxWidth + padding)
            let top = padding + (index / columnCount) * (boxHeight + padding)
            let framed = cell.image.convertedToRGB().framed(color: cell.frame ?? background, thickness: frameThickness)
            canvas.draw(framed, atX: left, y: top)
            if let caption = cell.caption {
                let strip = LabelStrip.render(caption, width: boxWidth, scale: captionScale, foreground: cell.captionColor,
                                              background: background)
                canvas.draw(strip, atX: left, y: top + imageHeight + 2 * frameThickness)
            }
        }
        return canvas
    }
}
