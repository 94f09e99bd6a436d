extension PlotAxes {
    /// The complete SVG document: background, grid, the data that `drawData` draws (clipped to
    /// the plot area), the frame with ticks and labels, the titles and the legend. Each part is a
    /// group with a class: `grid`, `plot-data`, `x-axis`, `y-axis`, `titles` and `legend`.
    ///
    /// - Parameter drawData: draws the data into the document, using the layout's `pixel(_:)`
    ///   to place it; what falls outside the plot area is clipped.
    public func render(drawingData drawData: (inout SVGDocument, PlotLayout) -> Void) -> String {
        let layout = layout()
        var document = SVGDocument(width: width, height: height, title: title.isEmpty ? nil : title)
        let area = layout.plotArea
        let clipID = uniqueClipPathID(for: area)
        document.defineClipPath(id: clipID, rectangle: area)
        document.beginGroup(className: "grid")
        drawGrid(layout, into: &document)
        document.endGroup()
        document.beginGroup(clippedTo: clipID, className: "plot-data")
        drawData(&document, layout)
        document.endGroup()
        drawFrame(layout, into: &document)
        document.beginGroup(className: "titles")
        drawTitles(layout, into: &document)
        document.endGroup()
        if let origin = layout.legendOrigin {
            document.beginGroup(className: "legend")
            LegendBox(entries: legendEntries).draw(at: origin, into: &document)
            document.endGroup()
        }
        return document.markup
    }

    /// `clipPathID` followed by a hash of the clip rectangle. Documents inlined in one HTML page
    /// share one identifier space; with the hash, two plots share a clip path identifier only
    /// when their clip rectangles are the same, so neither clips the other's data wrongly.
    private func uniqueClipPathID(for area: PixelRectangle) -> String {
        var hash: UInt32 = 2_166_136_261  // 32-bit FNV-1a
        for byte in [area.x, area.y, area.width, area.height].map(svgNumber).joined(separator: ",").utf8 {
            hash = (hash ^ UInt32(byte)) &* 16_777_619
        }
        return clipPathID + "-" + String(hash, radix: 16)
    }

    /// A short message in the middle of the plot area, for plots with nothing to show.
    public static func drawNote(_ note: String, in layout: PlotLayout, into document: inout SVGDocument) {
        document.addText(
            note, at: layout.plotArea.center,
            style: TextStyle(fontSize: 14, color: .neutralGrey, horizontalAnchor: .middle, verticalAnchor: .middle))
    }

    /// The light grid lines at every tick.
    private func drawGrid(_ layout: PlotLayout, into document: inout SVGDocument) {
        let area = layout.plotArea
        let gridStyle = ShapeStyle.stroked(.gridGrey, width: 1)
        for value in layout.xTicks.values {
            let x = layout.xScale.pixel(value)
            document.addLine(from: PixelPoint(x: x, y: area.y), to: PixelPoint(x: x, y: area.maxY), style: gridStyle)
        }
        for value in layout.yTicks.values {
            let y = layout.yScale.pixel(value)
            document.addLine(from: PixelPoint(x: area.x, y: y), to: PixelPoint(x: area.maxX, y: y), style: gridStyle)
        }
    }

    /// The frame around the plot area, the tick marks and the tick labels.
    private func drawFrame(_ layout: PlotLayout, into document: inout SVGDocument) {
        let area = layout.plotArea
        document.addRectangle(area, style: ShapeStyle(stroke: .ink, strokeWidth: 1))
        document.beginGroup(className: "x-axis")
        let tickStyle = ShapeStyle(stroke: .ink, strokeWidth: 1)
        let xLabelStyle = TextStyle(fontSize: Self.tickFontSize, horizontalAnchor: .middle, verticalAnchor: .top)
        for (value, label) in zip(layout.xTicks.values, layout.xTicks.labels) {
            let x = layout.xScale.pixel(value)
            document.addLine(
                from: PixelPoint(x: x, y: area.maxY), to: PixelPoint(x: x, y: area.maxY + Self.tickLength), style: tickStyle)
            document.addText(
                label, at: PixelPoint(x: x, y: area.maxY + Self.tickLength + Self.tickLabelGap), style: xLabelStyle)
        }
        document.endGroup()
        document.beginGroup(className: "y-axis")
        let yLabelStyle = TextStyle(fontSize: Self.tickFontSize, horizontalAnchor: .end, verticalAnchor: .middle)
        for (value, label) in zip(layout.yTicks.values, layout.yTicks.labels) {
            let y = layout.yScale.pixel(value)
            document.addLine(
                from: PixelPoint(x: area.x - Self.tickLength, y: y), to: PixelPoint(x: area.x, y: y), style: tickStyle)
            document.addText(
                label, at: PixelPoint(x: area.x - Self.tickLength - Self.tickLabelGap, y: y), style: yLabelStyle)
        }
        document.endGroup()
    }

    /// The plot title and the two axis titles.
    private func drawTitles(_ layout: PlotLayout, into document: inout SVGDocument) {
        let area = layout.plotArea
        if !title.isEmpty {
            // A title too long for the document is set smaller (down to 10 px) and centred on the page.
            let available = width - 2 * Self.edgeMargin
            let naturalWidth = TextMetrics.width(of: title, fontSize: Self.titleFontSize, isBold: true)
            let fontSize = naturalWidth > available ? max(10, Self.titleFontSize * available / naturalWidth) : Self.titleFontSize
            let setWidth = naturalWidth * fontSize / Self.titleFontSize
            let fitsOverPlot = area.center.x - setWidth / 2 >= Self.edgeMargin && area.center.x + setWidth / 2 <= width - Self.edgeMargin
            document.addText(
                title, at: PixelPoint(x: fitsOverPlot ? area.center.x : width / 2, y: Self.edgeMargin + 2),
                style: TextStyle(fontSize: fontSize, isBold: true, horizontalAnchor: .middle, verticalAnchor: .top))
        }
        if !xTitle.isEmpty {
            document.addText(
                xTitle, at: PixelPoint(x: area.center.x, y: height - Self.edgeMargin),
                style: TextStyle(fontSize: Self.axisTitleFontSize, horizontalAnchor: .middle))
        }
        if !yTitle.isEmpty {
            document.addText(
                yTitle, at: PixelPoint(x: Self.edgeMargin, y: area.center.y),
                style: TextStyle(
                    fontSize: Self.axisTitleFontSize, horizontalAnchor: .middle, verticalAnchor: .top, rotationDegrees: -90))
        }
    }
}
