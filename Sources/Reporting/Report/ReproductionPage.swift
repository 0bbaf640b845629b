// One self-contained HTML page for a whole paper reproduction: classifier x generator tables,
// pictures (adversarial pairs, random walks), text outputs and links, in the order given.

import Foundation

/// The page `verify report --table ... --picture ... --text ... --link ...` writes: inline
/// CSS, images as `data:` URIs (PNG or GIF), no script and nothing fetched; links are the only
/// references out of the file (e.g. to the manual-score page beside it). Every text from a
/// user (titles, captions, file contents, hrefs) goes through ``HTMLText/escape(_:)``.
public struct ReproductionPage: Sendable {
    /// One block of the page, shown in the order of ``sections``.
    public enum Section: Sendable {
        /// A `verify table --json` result: pooled correctness per cell with its interval, the
        /// test accuracy, the delta verdicts, per-class correctness and, where run, exact
        /// robustness (``CorrectnessTable+HTML``).
        case table(title: String, table: CorrectnessTable)
        /// An image file's bytes, shown inline.
        case picture(title: String, image: InlineImage)
        /// Preformatted text (e.g. the output of `verify attack`).
        case text(title: String, content: String)
        /// A link to a file beside the page or a URL.
        case link(text: String, href: String)
    }

    /// The bytes of a PNG or GIF file and its media type.
    public struct InlineImage: Sendable, Equatable {
        public enum Kind: String, Sendable, CaseIterable {
            case png = "image/png"
            case gif = "image/gif"
        }
        public var kind: Kind
        public var bytes: [UInt8]

        /// Recognises the file by its signature (`\x89PNG\r\n\x1a\n`, `GIF87a`/`GIF89a`); nil
        /// for anything else.
        public init?(bytes: [UInt8]) {
            if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
                kind = .png
            } else if bytes.starts(with: Array("GIF87a".utf8)) || bytes.starts(with: Array("GIF89a".utf8)) {
                kind = .gif
            } else {
                return nil
            }
            self.bytes = bytes
        }

        public var dataURI: String { "data:\(kind.rawValue);base64," + Data(bytes).base64EncodedString() }
    }

    public var title: String
    public var sections: [Section]

    public init(title: String, sections: [Section]) {
        self.title = title
        self.sections = sections
    }

    public func render() -> String {
        var body = "<main><h1>\(HTMLText.escape(title))</h1>"
        let contents = sections.enumerated().compactMap { index, section -> String? in
            guard let heading = Self.heading(section) else { return nil }
            return "<li><a href=\"#s\(index)\">\(HTMLText.escape(heading))</a></li>"
        }
        if !contents.isEmpty { body += "<nav><ol>\(contents.joined())</ol></nav>" }
        var links: [String] = []
        for (index, section) in sections.enumerated() {
            switch section {
            case let .table(title, table):
                body += "<section id=\"s\(index)\"><h2>\(HTMLText.escape(title))</h2>\(table.htmlSection())</section>"
            case let .picture(title, image):
                body += "<section id=\"s\(index)\"><h2>\(HTMLText.escape(title))</h2>"
                body += "<p><img class=\"figure\" alt=\"\(HTMLText.escape(title))\" src=\"\(image.dataURI)\"/></p></section>"
            case let .text(title, content):
                body += "<section id=\"s\(index)\"><h2>\(HTMLText.escape(title))</h2><pre>\(HTMLText.escape(content))</pre></section>"
            case let .link(text, href):
                links.append("<li><a href=\"\(HTMLText.escape(href))\">\(HTMLText.escape(text))</a></li>")
            }
        }
        if !links.isEmpty { body += "<section id=\"links\"><h2>Links</h2><ul>\(links.joined())</ul></section>" }
        body += "<p class=\"muted\">Written by <code>verify report</code>; self-contained (no scripts, no network access).</p></main>"
        return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"/><title>\(HTMLText.escape(title))</title>
        <style>
        \(ReportStyle.css)
        img.figure { max-width: 100%; image-rendering: pixelated; border: 1px solid #ddd; }
        pre { background: #f6f6f6; padding: 0.6em; overflow-x: auto; font-size: 12px; }
        table.classes td, table.classes th { padding: 2px 6px; }
        </style></head>
        <body>\(body)</body></html>

        """
    }

    static func heading(_ section: Section) -> String? {
        switch section {
        case .table(let title, _), .picture(let title, _), .text(let title, _): return title
        case .link: return nil
        }
    }
}
