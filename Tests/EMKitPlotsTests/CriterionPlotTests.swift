import Testing

@testable import EMKitPlots

/// `MixturePlots.criterion`.
@Suite struct CriterionPlotTests {
    @Test func drawsOneLinePerSeriesAndHighlightsTheLowestPoint() throws {
        let counts = [1, 2, 3, 4]
        let series: [(name: String, values: [Double?])] = [
            ("full", [900, 850, nil, 870]),
            ("diagonal", [910, 840, 845, 860]),
        ]
        let svg = try ParsedSVG.parse(
            MixturePlots.criterion(componentCounts: counts, series: series, criterionName: "BIC", title: "Selection")
        ).get()
        #expect(svg.texts(inGroup: "legend") == ["full", "diagonal", "lowest BIC: diagonal, K = 2"])
        // The missing value breaks the first line in two; the lone point at K = 4 is a marker only.
        #expect(svg.elements(named: "polyline", inGroup: "plot-data").count == 2)
        let circles = svg.elements(named: "circle", inGroup: "plot-data")
        #expect(circles.count == 3 + 1)  // three circle markers, one highlight ring
        #expect(svg.elements(named: "rect", inGroup: "plot-data").count == 4)  // the square markers
        #expect(svg.texts(inGroup: "x-axis") == ["1", "2", "3", "4"])
        #expect(svg.texts(inGroup: "titles") == ["Selection", "number of components", "BIC"])
    }

    @Test func sortsComponentCountsAndSkipsNaN() throws {
        let svg = try ParsedSVG.parse(
            MixturePlots.criterion(
                componentCounts: [3, 1, 2], series: [("aic", [5, 7, .nan])], criterionName: "AIC", title: "t")
        ).get()
        #expect(svg.texts(inGroup: "legend") == ["aic", "lowest AIC: aic, K = 3"])
        #expect(svg.elements(named: "circle", inGroup: "plot-data").count == 2 + 1)
        #expect(svg.elements(named: "polyline", inGroup: "plot-data").isEmpty)
    }

    @Test func drawsTheRealModelSelection() throws {
        let criteria = try PlotFixtures.seed004Criteria()
        let svg = try ParsedSVG.parse(
            MixturePlots.criterion(
                componentCounts: criteria.componentCounts, series: criteria.series, title: "BIC on seed 004")
        ).get()
        #expect(svg.texts(inGroup: "legend").count == criteria.series.count + 1)
        #expect(svg.elements(named: "polyline", inGroup: "plot-data").count >= criteria.series.count)
    }

    @Test func saysSoWhenThereAreNoValues() throws {
        let svg = try ParsedSVG.parse(
            MixturePlots.criterion(componentCounts: [1, 2], series: [("full", [nil, nil])], title: "t")
        ).get()
        #expect(svg.texts(inGroup: "plot-data") == ["no values"])
        #expect(svg.texts(inGroup: "legend") == ["full"])
        let empty = try ParsedSVG.parse(MixturePlots.criterion(componentCounts: [], series: [], title: "t")).get()
        #expect(empty.texts(inGroup: "plot-data") == ["no values"])
    }

    @Test func requiresOneValuePerComponentCount() async {
        await #expect(processExitsWith: .failure) {
            _ = MixturePlots.criterion(componentCounts: [1, 2, 3], series: [("full", [1, 2])], title: "t")
        }
    }
}
