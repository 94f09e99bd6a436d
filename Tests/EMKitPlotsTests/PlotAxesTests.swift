import Testing

@testable import EMKitPlots

/// The plot frame: layout, legend placement and tick spacing.
@Suite struct PlotAxesTests {
    /// A frame over 0…10 × 0…10 with a two-entry legend.
    static func axes() -> PlotAxes {
        var axes = PlotAxes(title: "t", xTitle: "x", yTitle: "y", xRange: 0...10, yRange: 0...10)
        axes.legendEntries = [
            LegendEntry(label: "first", symbol: .line(.black, width: 2)),
            LegendEntry(label: "second", symbol: .swatch(.barGrey, opacity: 1)),
        ]
        return axes
    }

    @Test func putsTheLegendInTheTopRightCornerWhenItIsFree() throws {
        let layout = Self.axes().layout()
        let origin = try #require(layout.legendOrigin)
        #expect(!layout.legendIsOutside)
        #expect(origin.y < layout.plotArea.center.y && origin.x > layout.plotArea.center.x)
    }

    @Test func movesTheLegendToAFreeCorner() throws {
        var axes = Self.axes()
        axes.occupiedPaths = [[DataPoint(x: 0, y: 9.5), DataPoint(x: 10, y: 9.5)]]  // along the top
        let layout = axes.layout()
        let origin = try #require(layout.legendOrigin)
        #expect(!layout.legendIsOutside)
        #expect(origin.y > layout.plotArea.center.y && origin.x > layout.plotArea.center.x)
    }

    @Test func putsTheLegendOutsideWhenEveryCornerHoldsData() throws {
        var axes = Self.axes()
        axes.occupiedPaths = [[DataPoint(x: 0, y: 0), DataPoint(x: 10, y: 10)], [DataPoint(x: 0, y: 10), DataPoint(x: 10, y: 0)]]
        let layout = axes.layout()
        let origin = try #require(layout.legendOrigin)
        #expect(layout.legendIsOutside)
        #expect(origin.x > layout.plotArea.maxX)
        let legendWidth = LegendBox(entries: axes.legendEntries).size.width
        #expect(origin.x + legendWidth <= axes.width)
    }

    @Test(arguments: [(0.0...1e5, 300.0), (123_456.0...987_654.0, 360), (-0.001_23...0.004_56, 400), (0.0...1, 2000)])
    func keepsTickLabelsApart(range: ClosedRange<Double>, width: Double) {
        let axes = PlotAxes(title: "", xTitle: "", yTitle: "", xRange: range, yRange: range, width: width)
        let layout = axes.layout()
        let positions = layout.xTicks.values.map(layout.xScale.pixel)
        let widths = layout.xTicks.labels.map { TextMetrics.width(of: $0, fontSize: PlotAxes.tickFontSize) }
        #expect(layout.xTicks.values.count >= 2)
        for i in 1..<max(1, positions.count) {
            #expect(positions[i] - positions[i - 1] >= (widths[i] + widths[i - 1]) / 2 + 8)
        }
        let lastRightEdge = (positions.last ?? 0) + (widths.last ?? 0) / 2
        #expect(lastRightEdge <= width)
        let yPositions = layout.yTicks.values.map(layout.yScale.pixel)
        for i in 1..<max(1, yPositions.count) {
            #expect(yPositions[i - 1] - yPositions[i] >= 2 * PlotAxes.tickFontSize)
        }
    }

    @Test func shrinksTitlesTooLongForTheDocument() throws {
        var axes = Self.axes()
        axes.title = String(repeating: "A very long title ", count: 8)
        let svg = try ParsedSVG.parse(axes.render { _, _ in }).get()
        let title = try #require(svg.elements(named: "text", inGroup: "titles").first)
        let fontSize = try #require(title.attributes["font-size"].flatMap(Double.init))
        #expect(fontSize < PlotAxes.titleFontSize && fontSize >= 10)
    }

    @Test func namesClipPathsAfterTheirRectangle() throws {
        let inside = try ParsedSVG.parse(Self.axes().render { _, _ in }).get()
        var crowded = Self.axes()
        crowded.occupiedPaths = [[DataPoint(x: 0, y: 0), DataPoint(x: 10, y: 10)], [DataPoint(x: 0, y: 10), DataPoint(x: 10, y: 0)]]
        let outside = try ParsedSVG.parse(crowded.render { _, _ in }).get()
        let insideID = try #require(inside.elements(named: "clipPath").first?.attributes["id"])
        let outsideID = try #require(outside.elements(named: "clipPath").first?.attributes["id"])
        #expect(insideID.hasPrefix("emkit-plot-area-") && outsideID.hasPrefix("emkit-plot-area-"))
        #expect(insideID != outsideID)
        #expect(inside.elements(named: "g", inGroup: nil).contains { $0.attributes["clip-path"] == "url(#\(insideID))" })
    }

    @Test func mapsDataToPixelsWithYUpwards() {
        let layout = Self.axes().layout()
        let origin = layout.pixel(x: 0, y: 0)
        let corner = layout.pixel(x: 10, y: 10)
        #expect(abs(origin.x - layout.plotArea.x) < 1e-9 && abs(origin.y - layout.plotArea.maxY) < 1e-9)
        #expect(abs(corner.x - layout.plotArea.maxX) < 1e-9 && abs(corner.y - layout.plotArea.y) < 1e-9)
        #expect(abs(layout.xScale.value(atPixel: layout.xScale.pixel(3.7)) - 3.7) < 1e-12)
    }
}
