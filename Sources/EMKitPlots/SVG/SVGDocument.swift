/// A standalone SVG 1.1 document built element by element: an XML declaration, an `<svg>` root
/// with `xmlns`, `width`, `height` and `viewBox`, a sans-serif font, a background rectangle, an
/// optional `<title>`, clip paths in `<defs>`, and the drawing in the order it was added.
///
/// All text passes through `SVGDocument.escaped(_:)`, so any string is safe to draw.
///
/// ```swift
/// var document = SVGDocument(width: 200, height: 100, title: "Example")
/// document.addCircle(center: PixelPoint(x: 100, y: 50), radius: 20, style: .filled(.black))
/// let svg = document.markup
/// ```
public struct SVGDocument: Sendable {
    /// The width in pixels.
    public let width: Double
    /// The height in pixels.
    public let height: Double
    /// The document's title, shown by viewers as a tooltip and read by screen readers.
    public var title: String?
    /// The colour of the background rectangle; `nil` for a transparent background.
    public var background: PlotColor?
    /// The `<clipPath>` definitions.
    private var definitions: [String] = []
    /// The drawing elements, in painting order.
    private var elements: [String] = []
    /// The number of `<g>` elements begun but not yet ended.
    private var openGroupCount = 0

    /// An empty document of `width` × `height` pixels on a white background.
    ///
    /// - Precondition: both sizes are positive and finite.
    public init(width: Double, height: Double, title: String? = nil, background: PlotColor? = .white) {
        precondition(width > 0 && height > 0 && width.isFinite && height.isFinite, "an SVG document needs a positive size")
        self.width = width
        self.height = height
        self.title = title
        self.background = background
    }

    /// Adds a rectangle.
    public mutating func addRectangle(_ rectangle: PixelRectangle, style: ShapeStyle) {
        elements.append(
            "<rect x=\"\(svgNumber(rectangle.x))\" y=\"\(svgNumber(rectangle.y))\" width=\"\(svgNumber(rectangle.width))\" "
                + "height=\"\(svgNumber(rectangle.height))\"\(style.attributes)/>")
    }

    /// Adds a straight line from `start` to `end`; only the style's stroke is used.
    public mutating func addLine(from start: PixelPoint, to end: PixelPoint, style: ShapeStyle) {
        elements.append(
            "<line x1=\"\(svgNumber(start.x))\" y1=\"\(svgNumber(start.y))\" x2=\"\(svgNumber(end.x))\" "
                + "y2=\"\(svgNumber(end.y))\"\(style.attributes)/>")
    }

    /// Adds an open polyline through `points`; nothing for fewer than two points.
    public mutating func addPolyline(_ points: [PixelPoint], style: ShapeStyle) {
        guard points.count >= 2 else { return }
        elements.append("<polyline points=\"\(Self.pointList(points))\"\(style.attributes)/>")
    }

    /// Adds a closed polygon through `points`; nothing for fewer than three points.
    public mutating func addPolygon(_ points: [PixelPoint], style: ShapeStyle) {
        guard points.count >= 3 else { return }
        elements.append("<polygon points=\"\(Self.pointList(points))\"\(style.attributes)/>")
    }

    /// Adds a path; nothing for an empty one.
    public mutating func addPath(_ path: SVGPath, style: ShapeStyle) {
        guard !path.isEmpty else { return }
        elements.append("<path d=\"\(path.data)\"\(style.attributes)/>")
    }

    /// Adds a circle.
    public mutating func addCircle(center: PixelPoint, radius: Double, style: ShapeStyle) {
        elements.append(
            "<circle cx=\"\(svgNumber(center.x))\" cy=\"\(svgNumber(center.y))\" r=\"\(svgNumber(radius))\"\(style.attributes)/>")
    }

    /// Adds a single line of text, escaped, at `position` as `style` anchors it.
    public mutating func addText(_ text: String, at position: PixelPoint, style: TextStyle) {
        let y = position.y + style.baselineOffset
        var element = "<text x=\"\(svgNumber(position.x))\" y=\"\(svgNumber(y))\" font-size=\"\(svgNumber(style.fontSize))\""
        if style.isBold { element += " font-weight=\"bold\"" }
        if style.horizontalAnchor != .start { element += " text-anchor=\"\(style.horizontalAnchor.rawValue)\"" }
        element += " fill=\"\(style.color.hexString)\""
        if style.rotationDegrees != 0 {
            element +=
                " transform=\"rotate(\(svgNumber(style.rotationDegrees)) \(svgNumber(position.x)) \(svgNumber(position.y)))\""
        }
        elements.append(element + ">" + Self.escaped(text) + "</text>")
    }

    /// Defines a rectangular clip path named `id`, for `beginGroup(clippedTo:)`.
    ///
    /// - Precondition: `id` is a valid XML name (letters, digits, `-`, `_`, starting with a letter).
    public mutating func defineClipPath(id: String, rectangle: PixelRectangle) {
        precondition(Self.isValidIdentifier(id), "\(id) is not a valid SVG identifier")
        definitions.append(
            "<clipPath id=\"\(id)\"><rect x=\"\(svgNumber(rectangle.x))\" y=\"\(svgNumber(rectangle.y))\" "
                + "width=\"\(svgNumber(rectangle.width))\" height=\"\(svgNumber(rectangle.height))\"/></clipPath>")
    }

    /// Starts a group; what is added until the matching `endGroup()` is clipped to the clip path
    /// `clipPathID` when one is given, and the group carries the class `className` when one is
    /// given (for styling by a page that inlines the SVG, and for finding parts in tests).
    ///
    /// - Precondition: `clipPathID` and `className` are valid identifiers (see `defineClipPath`).
    public mutating func beginGroup(clippedTo clipPathID: String? = nil, className: String? = nil) {
        var element = "<g"
        if let className {
            precondition(Self.isValidIdentifier(className), "\(className) is not a valid class name")
            element += " class=\"\(className)\""
        }
        if let clipPathID {
            precondition(Self.isValidIdentifier(clipPathID), "\(clipPathID) is not a valid SVG identifier")
            element += " clip-path=\"url(#\(clipPathID))\""
        }
        elements.append(element + ">")
        openGroupCount += 1
    }

    /// Ends the innermost group.
    ///
    /// - Precondition: a group is open.
    public mutating func endGroup() {
        precondition(openGroupCount > 0, "endGroup() without a matching beginGroup()")
        elements.append("</g>")
        openGroupCount -= 1
    }

    /// The complete document, UTF-8 text. Groups still open are closed.
    public var markup: String {
        let w = svgNumber(width)
        let h = svgNumber(height)
        var lines = [
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
            "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"\(w)\" height=\"\(h)\" "
                + "viewBox=\"0 0 \(w) \(h)\" font-family=\"sans-serif\">",
        ]
        if let title { lines.append("<title>\(Self.escaped(title))</title>") }
        if !definitions.isEmpty { lines.append("<defs>" + definitions.joined() + "</defs>") }
        if let background {
            lines.append("<rect x=\"0\" y=\"0\" width=\"\(w)\" height=\"\(h)\" fill=\"\(background.hexString)\"/>")
        }
        lines += elements
        lines += Array(repeating: "</g>", count: openGroupCount)
        lines.append("</svg>")
        return lines.joined(separator: "\n") + "\n"
    }

    /// `points` as an SVG point list, `"x1,y1 x2,y2 …"`.
    private static func pointList(_ points: [PixelPoint]) -> String {
        points.map { svgNumber($0.x) + "," + svgNumber($0.y) }.joined(separator: " ")
    }

    /// Whether `id` is an identifier this document accepts: an ASCII letter followed by ASCII
    /// letters, digits, `-` and `_`.
    private static func isValidIdentifier(_ id: String) -> Bool {
        guard let first = id.unicodeScalars.first, first.isASCII, first.properties.isAlphabetic else { return false }
        return id.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_")
        }
    }
}
