import Testing

@testable import EMKitPlots

/// The SVG document builder: structure, escaping and number formatting.
@Suite struct SVGDocumentTests {
    @Test func escapesTheFiveXMLSpecialCharacters() {
        #expect(SVGDocument.escaped("a < b & \"c\" > 'd'") == "a &lt; b &amp; &quot;c&quot; &gt; &apos;d&apos;")
        #expect(SVGDocument.escaped("π = 0.36 — ünïcødé") == "π = 0.36 — ünïcødé")
    }

    @Test func replacesCharactersXMLForbids() {
        #expect(SVGDocument.escaped("bell\u{07}tab\tnull\u{00}") == "bell\u{FFFD}tab\tnull\u{FFFD}")
    }

    @Test func writesAStandaloneSVGRoot() throws {
        var document = SVGDocument(width: 300, height: 200, title: "A & B")
        document.addCircle(center: PixelPoint(x: 10, y: 20), radius: 3, style: .filled(.black))
        let markup = document.markup
        #expect(markup.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg "))
        let svg = try ParsedSVG.parse(markup).get()
        let root = svg.rootAttributes
        #expect(svg.elements.first?.name == "svg")
        #expect(root["xmlns"] == "http://www.w3.org/2000/svg")
        #expect(root["version"] == "1.1")
        #expect(root["width"] == "300" && root["height"] == "200")
        #expect(root["viewBox"] == "0 0 300 200")
        #expect(root["font-family"] == "sans-serif")
        #expect(svg.elements(named: "title").map(\.text) == ["A & B"])
        let background = try #require(svg.elements(named: "rect").first)
        #expect(background.attributes["fill"] == "#FFFFFF")
        #expect(background.attributes["width"] == "300")
        #expect(svg.elements(named: "circle").count == 1)
    }

    @Test func escapesTextAndKeepsItIntact() throws {
        let nasty = "<script>alert('x') & \"quotes\"</script>"
        var document = SVGDocument(width: 100, height: 100, title: nasty)
        document.addText(nasty, at: PixelPoint(x: 5, y: 5), style: TextStyle())
        let markup = document.markup
        #expect(!markup.contains("<script>"))
        let svg = try ParsedSVG.parse(markup).get()
        #expect(svg.texts() == [nasty])
        #expect(svg.elements(named: "title").first?.text == nasty)
    }

    @Test func closesGroupsLeftOpen() throws {
        var document = SVGDocument(width: 50, height: 50)
        document.defineClipPath(id: "area", rectangle: PixelRectangle(x: 0, y: 0, width: 10, height: 10))
        document.beginGroup(clippedTo: "area", className: "outer")
        document.beginGroup(className: "inner")
        document.addLine(from: PixelPoint(x: 0, y: 0), to: PixelPoint(x: 5, y: 5), style: .stroked(.ink))
        let svg = try ParsedSVG.parse(document.markup).get()
        #expect(svg.elements(named: "line", inGroup: "inner").count == 1)
        #expect(svg.elements(named: "g").first?.attributes["clip-path"] == "url(#area)")
        #expect(svg.elements(named: "clipPath").first?.attributes["id"] == "area")
    }

    @Test func leavesOutDegenerateShapes() {
        var document = SVGDocument(width: 50, height: 50, background: nil)
        document.addPolyline([PixelPoint(x: 1, y: 1)], style: .stroked(.ink))
        document.addPolygon([PixelPoint(x: 1, y: 1), PixelPoint(x: 2, y: 2)], style: .filled(.ink))
        document.addPath(SVGPath(), style: .stroked(.ink))
        #expect(!document.markup.contains("<polyline"))
        #expect(!document.markup.contains("<polygon"))
        #expect(!document.markup.contains("<path"))
        #expect(!document.markup.contains("<rect"))
    }

    @Test func formatsCoordinatesCompactly() {
        #expect(svgNumber(12.5) == "12.5")
        #expect(svgNumber(3.14159) == "3.14")
        #expect(svgNumber(7) == "7")
        #expect(svgNumber(-2.005) == "-2" || svgNumber(-2.005) == "-2.01")
        #expect(svgNumber(-0.001) == "0")
        #expect(svgNumber(.nan) == "0")
        #expect(svgNumber(.infinity) == "0")
    }

    @Test func formatsFixedDecimals() {
        #expect(DecimalText.fixed(0.3567, decimals: 2) == "0.36")
        #expect(DecimalText.fixed(2, decimals: 1) == "2.0")
        #expect(DecimalText.fixed(0.04, decimals: 2) == "0.04")
        #expect(DecimalText.fixed(-1.5, decimals: 0) == "\u{2212}2")
        #expect(DecimalText.fixed(-0.001, decimals: 2) == "0.00")
        #expect(DecimalText.fixed(1234.5, decimals: 1, minusSign: "-") == "1234.5")
    }

    @Test func buildsPathData() {
        var path = SVGPath()
        path.addPolyline([PixelPoint(x: 0, y: 0), PixelPoint(x: 10, y: 0), PixelPoint(x: 10, y: 5.5)], closed: true)
        path.move(to: PixelPoint(x: 1, y: 1))
        path.line(to: PixelPoint(x: 2, y: 2))
        #expect(path.data == "M0 0 L10 0 L10 5.5ZM1 1 L2 2")
    }

    @Test func writesColoursAsHex() {
        #expect(PlotColor(hex: 0x0072B2).hexString == "#0072B2")
        #expect(PlotColor(red: 255, green: 0, blue: 10).hexString == "#FF000A")
    }

    @Test func paletteHasTenOrMoreDistinctColours() {
        let palette = PlotPalette.categorical
        #expect(palette.count >= 10)
        #expect(Set(palette).count == palette.count)
        #expect(!palette.contains(.black) && !palette.contains(.white))
        #expect(PlotPalette.color(forCategory: palette.count) == palette[0])
        #expect(PlotPalette.color(forCategory: -1) == .neutralGrey)
    }
}
