/// A 2-D plot frame: a title, two axes with "nice" ticks, grid lines, axis titles, a legend and
/// a clipped plot area for the data.
///
/// Configure it, then call `render(drawingData:)` with a closure that draws the data through
/// the layout's data-to-pixel map; the frame is painted around it and the SVG text returned.
/// The legend goes in whichever inside corner of the plot area is free of the data listed in
/// `occupiedPaths`, or right of the plot area when no corner is free.
///
/// ```swift
/// var axes = PlotAxes(title: "Line", xTitle: "x", yTitle: "y", xRange: 0...10, yRange: -1...1)
/// axes.legendEntries = [LegendEntry(label: "sine", symbol: .line(PlotPalette.categorical[0], width: 2))]
/// let svg = axes.render { document, layout in
///     let points = stride(from: 0.0, through: 10, by: 0.1).map { layout.pixel(x: $0, y: sin($0)) }
///     document.addPolyline(points, style: .stroked(PlotPalette.categorical[0], width: 2))
/// }
/// ```
public struct PlotAxes: Sendable {
    /// The document width in pixels.
    public var width: Double
    /// The document height in pixels.
    public var height: Double
    /// The title above the plot; empty for none.
    public var title: String
    /// The x axis's title; empty for none.
    public var xTitle: String
    /// The y axis's title, drawn vertically; empty for none.
    public var yTitle: String
    /// The data range the x axis shows.
    public var xRange: ClosedRange<Double>
    /// The data range the y axis shows.
    public var yRange: ClosedRange<Double>
    /// Whether x ticks must be whole numbers (iterations, component counts).
    public var xTicksAreIntegers = false
    /// Whether y ticks must be whole numbers.
    public var yTicksAreIntegers = false
    /// The legend's entries, top to bottom; no legend when empty.
    public var legendEntries: [LegendEntry] = []
    /// Polylines, in data coordinates, along which data is drawn (a single point for a marker):
    /// the legend avoids covering them.
    public var occupiedPaths: [[DataPoint]] = []
    /// The start of the plot area's clip path identifier; a hash of the plot area is appended.
    public var clipPathID = "emkit-plot-area"

    /// The title's font size in pixels.
    public static let titleFontSize = 17.0
    /// The axis titles' font size in pixels.
    public static let axisTitleFontSize = 14.0
    /// The tick labels' font size in pixels.
    public static let tickFontSize = 12.0
    /// The length of the tick marks outside the plot area.
    static let tickLength = 5.0
    /// The space between a tick mark and its label.
    static let tickLabelGap = 4.0
    /// The space between the document edge and the outermost text.
    static let edgeMargin = 10.0

    /// A frame of `width` × `height` pixels (720 × 480 by default) showing `xRange` × `yRange`.
    ///
    /// - Precondition: both ranges are finite and wider than zero (see `DataRange.padded`).
    public init(
        title: String, xTitle: String, yTitle: String, xRange: ClosedRange<Double>, yRange: ClosedRange<Double>,
        width: Double = 720, height: Double = 480
    ) {
        self.title = title
        self.xTitle = xTitle
        self.yTitle = yTitle
        self.xRange = xRange
        self.yRange = yRange
        self.width = width
        self.height = height
    }

    /// The geometry: margins sized to the text they hold, ticks spaced so that their labels do
    /// not collide, and the legend placed where it hides no data.
    public func layout() -> PlotLayout {
        let inside = frameLayout(rightReserve: 0)
        guard !legendEntries.isEmpty else { return inside }
        let legend = LegendBox(entries: legendEntries).size
        if let corner = freeLegendCorner(in: inside, legendWidth: legend.width, legendHeight: legend.height) {
            return inside.placingLegend(at: corner, outside: false)
        }
        let outside = frameLayout(rightReserve: legend.width + 14)
        return outside.placingLegend(
            at: PixelPoint(x: outside.plotArea.maxX + 14, y: outside.plotArea.y), outside: true)
    }

    /// The frame's geometry with `rightReserve` pixels kept free right of the plot area; no legend.
    private func frameLayout(rightReserve: Double) -> PlotLayout {
        let tickFont = Self.tickFontSize
        let top = title.isEmpty ? 14 : Self.edgeMargin + Self.titleFontSize * 1.2 + 12
        let xTitleSpace = xTitle.isEmpty ? 0 : Self.axisTitleFontSize * 1.2 + 8
        let bottom = Self.tickLength + Self.tickLabelGap + tickFont * 1.1 + xTitleSpace + Self.edgeMargin
        let plotHeight = max(40, height - top - bottom)
        let yTicks = AxisTicks.nice(
            covering: yRange, maximumCount: max(2, Int(plotHeight / (tickFont * 3.6))), integerStep: yTicksAreIntegers)
        let widestYLabel = yTicks.labels.map { TextMetrics.width(of: $0, fontSize: tickFont) }.max() ?? 0
        let yTitleSpace = yTitle.isEmpty ? 0 : Self.axisTitleFontSize * 1.2 + 8
        let left = Self.edgeMargin + yTitleSpace + widestYLabel + Self.tickLabelGap + Self.tickLength
        var right = 18 + rightReserve
        var xTicks = xTicksFitting(plotWidth: max(40, width - left - right))
        // The last x label is centred on its tick and may reach beyond the plot area.
        if let lastValue = xTicks.values.last, let lastLabel = xTicks.labels.last {
            let plotWidth = max(40, width - left - right)
            let tickX = left + (lastValue - xRange.lowerBound) / (xRange.upperBound - xRange.lowerBound) * plotWidth
            let overhang = tickX + TextMetrics.width(of: lastLabel, fontSize: tickFont) / 2 + 4 - (width - rightReserve)
            if overhang > 0 {
                right += overhang
                xTicks = xTicksFitting(plotWidth: max(40, width - left - right))
            }
        }
        let area = PixelRectangle(x: left, y: top, width: max(40, width - left - right), height: plotHeight)
        return PlotLayout(
            plotArea: area,
            xScale: LinearScale(domain: xRange, startPixel: area.x, endPixel: area.maxX),
            yScale: LinearScale(domain: yRange, startPixel: area.maxY, endPixel: area.y),
            xTicks: xTicks, yTicks: yTicks, legendOrigin: nil, legendIsOutside: false)
    }

    /// The x ticks with the finest step whose labels, centred on their ticks, keep at least 14
    /// pixels apart on a plot area `plotWidth` pixels wide.
    private func xTicksFitting(plotWidth: Double) -> AxisTicks {
        let pixelsPerUnit = plotWidth / (xRange.upperBound - xRange.lowerBound)
        var count = max(2, Int(plotWidth / 40))
        while true {
            let ticks = AxisTicks.nice(covering: xRange, maximumCount: count, integerStep: xTicksAreIntegers)
            let widest = ticks.labels.map { TextMetrics.width(of: $0, fontSize: Self.tickFontSize) }.max() ?? 0
            if count <= 2 || ticks.step * pixelsPerUnit >= widest + 14 { return ticks }
            count -= 1
        }
    }

    /// The top-left corner of the first inside corner — top right, top left, bottom right, bottom
    /// left — where a legend of the given size covers none of `occupiedPaths`; `nil` when none is free.
    private func freeLegendCorner(in layout: PlotLayout, legendWidth: Double, legendHeight: Double) -> PixelPoint? {
        let inset = 8.0
        let area = layout.plotArea
        guard legendWidth + 2 * inset <= area.width, legendHeight + 2 * inset <= area.height else { return nil }
        let left = area.x + inset
        let right = area.maxX - inset - legendWidth
        let top = area.y + inset
        let bottom = area.maxY - inset - legendHeight
        let corners = [
            PixelPoint(x: right, y: top), PixelPoint(x: left, y: top),
            PixelPoint(x: right, y: bottom), PixelPoint(x: left, y: bottom),
        ]
        let boxes = corners.map { PixelRectangle(x: $0.x, y: $0.y, width: legendWidth, height: legendHeight).insetBy(-4) }
        var isFree = Array(repeating: true, count: boxes.count)
        for path in occupiedPaths {
            let pixels = path.filter(\.isFinite).map(layout.pixel)
            for point in Self.samples(along: pixels, spacing: 2) {
                for (index, box) in boxes.enumerated() where isFree[index] && box.contains(point) {
                    isFree[index] = false
                }
            }
            if !isFree.contains(true) { return nil }
        }
        return isFree.firstIndex(of: true).map { corners[$0] }
    }

    /// Points along the polyline `points` no more than `spacing` pixels apart (its vertices included).
    private static func samples(along points: [PixelPoint], spacing: Double) -> [PixelPoint] {
        guard var previous = points.first else { return [] }
        var result = [previous]
        for point in points.dropFirst() {
            let dx = point.x - previous.x
            let dy = point.y - previous.y
            let steps = min(10_000, Int(((dx * dx + dy * dy).squareRoot() / spacing).rounded(.up)))
            if steps > 1 {
                for step in 1..<steps {
                    let t = Double(step) / Double(steps)
                    result.append(PixelPoint(x: previous.x + t * dx, y: previous.y + t * dy))
                }
            }
            result.append(point)
            previous = point
        }
        return result
    }
}
