/// The geometry and drawing of a legend: its entries stacked in a white, lightly outlined box.
struct LegendBox {
    /// The entries, top to bottom.
    let entries: [LegendEntry]

    /// The label font size in pixels.
    static let fontSize = 12.0
    /// The height of one entry.
    static let rowHeight = 18.0
    /// The width of the symbol column.
    static let symbolWidth = 28.0
    /// The space between the symbol and the label.
    static let symbolGap = 6.0
    /// The space between the box's border and its contents.
    static let padding = 7.0

    /// The box's width and height in pixels.
    var size: (width: Double, height: Double) {
        let widest = entries.map { TextMetrics.width(of: $0.label, fontSize: Self.fontSize) }.max() ?? 0
        return (
            Self.padding * 2 + Self.symbolWidth + Self.symbolGap + widest,
            Self.padding * 2 + Self.rowHeight * Double(entries.count) - (Self.rowHeight - Self.fontSize) / 2
        )
    }

    /// Draws the box with its top-left corner at `origin`.
    func draw(at origin: PixelPoint, into document: inout SVGDocument) {
        let (width, height) = size
        document.addRectangle(
            PixelRectangle(x: origin.x, y: origin.y, width: width, height: height),
            style: ShapeStyle(fill: .white, stroke: PlotColor(hex: 0xBBBBBB), strokeWidth: 1, fillOpacity: 0.92))
        let textStyle = TextStyle(fontSize: Self.fontSize, verticalAnchor: .middle)
        for (row, entry) in entries.enumerated() {
            let centerY = origin.y + Self.padding + Self.rowHeight * (Double(row) + 0.5) - (Self.rowHeight - Self.fontSize) / 4
            let symbolLeft = origin.x + Self.padding
            let symbolCenter = PixelPoint(x: symbolLeft + Self.symbolWidth / 2, y: centerY)
            drawSymbol(entry.symbol, left: symbolLeft, center: symbolCenter, into: &document)
            document.addText(
                entry.label, at: PixelPoint(x: symbolLeft + Self.symbolWidth + Self.symbolGap, y: centerY), style: textStyle)
        }
    }

    /// Draws one entry's symbol in its column.
    private func drawSymbol(_ symbol: LegendEntry.Symbol, left: Double, center: PixelPoint, into document: inout SVGDocument) {
        let lineStart = PixelPoint(x: left, y: center.y)
        let lineEnd = PixelPoint(x: left + Self.symbolWidth, y: center.y)
        switch symbol {
        case .swatch(let color, let opacity):
            let side = Self.fontSize
            document.addRectangle(
                PixelRectangle(x: center.x - side / 2, y: center.y - side / 2, width: side, height: side),
                style: ShapeStyle(fill: color, stroke: .ink, strokeWidth: 0.5, fillOpacity: opacity))
        case .line(let color, let width):
            document.addLine(from: lineStart, to: lineEnd, style: .stroked(color, width: width))
        case .marker(let shape, let color):
            shape.draw(at: center, size: 9, color: color, into: &document)
        case .lineWithMarker(let shape, let color, let width):
            document.addLine(from: lineStart, to: lineEnd, style: .stroked(color, width: width))
            shape.draw(at: center, size: 8, color: color, into: &document)
        }
    }
}
