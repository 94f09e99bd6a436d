import Testing

@testable import EMKitPlots

/// `MixturePlots.logLikelihoodHistory`.
@Suite struct LogLikelihoodHistoryPlotTests {
    @Test func drawsALineWithAMarkerPerIteration() throws {
        let history = [-2.5, -1.9, -1.7, -1.65, -1.64, -1.638]
        let svg = try ParsedSVG.parse(MixturePlots.logLikelihoodHistory(history: history, title: "EM")).get()
        #expect(svg.elements(named: "polyline", inGroup: "plot-data").count == 1)
        #expect(svg.elements(named: "circle", inGroup: "plot-data").count == history.count)
        #expect(svg.texts(inGroup: "titles") == ["EM", "iteration", "mean log-likelihood (nats)"])
        let xTicks = svg.texts(inGroup: "x-axis")
        #expect(xTicks.first == "0")
        #expect(xTicks.allSatisfy { numericValue(ofTickLabel: $0).map { $0 == $0.rounded() } == true })
        #expect(svg.texts(inGroup: "y-axis").contains { $0.hasPrefix("\u{2212}") })
        #expect(svg.elements(named: "g").allSatisfy { $0.attributes["class"] != "legend" })
    }

    @Test func drawsAnEmptyFrameForAnEmptyHistory() throws {
        let svg = try ParsedSVG.parse(MixturePlots.logLikelihoodHistory(history: [], title: "nothing")).get()
        #expect(svg.elements(named: "polyline", inGroup: "plot-data").isEmpty)
        #expect(svg.elements(named: "circle", inGroup: "plot-data").isEmpty)
        #expect(svg.texts(inGroup: "plot-data") == ["no iterations"])
        #expect(!svg.texts(inGroup: "x-axis").isEmpty)
    }

    @Test(arguments: [[-1.25], [3.0, 3, 3, 3]])
    func drawsASingleValueOrAFlatLine(history: [Double]) throws {
        let svg = try ParsedSVG.parse(MixturePlots.logLikelihoodHistory(history: history, title: "t")).get()
        #expect(svg.elements(named: "circle", inGroup: "plot-data").count == history.count)
        #expect(svg.elements(named: "polyline", inGroup: "plot-data").count == (history.count > 1 ? 1 : 0))
        #expect(svg.texts(inGroup: "y-axis").count >= 2)
    }

    @Test func breaksTheLineAtNonFiniteValues() throws {
        let history = [-3, -2, .nan, -1.5, -1.4, .infinity, -1.3]
        let svg = try ParsedSVG.parse(MixturePlots.logLikelihoodHistory(history: history, title: "t")).get()
        #expect(svg.elements(named: "polyline", inGroup: "plot-data").count == 2)
        #expect(svg.elements(named: "circle", inGroup: "plot-data").count == 5)
    }

    @Test func saysSoWhenNoValueIsFinite() throws {
        let svg = try ParsedSVG.parse(MixturePlots.logLikelihoodHistory(history: [.nan, .nan], title: "t")).get()
        #expect(svg.texts(inGroup: "plot-data") == ["no finite values"])
    }

    @Test func leavesOutMarkersOnLongHistories() throws {
        let history = (0..<500).map { -1 - 1 / Double($0 + 1) }
        let svg = try ParsedSVG.parse(MixturePlots.logLikelihoodHistory(history: history, title: "t")).get()
        #expect(svg.elements(named: "circle", inGroup: "plot-data").isEmpty)
        #expect(svg.elements(named: "polyline", inGroup: "plot-data").count == 1)
    }
}
