import EMKit
import Testing

@testable import EMKitPlots

/// `MixturePlots.scatter`.
@Suite struct ScatterPlotTests {
    @Test func drawsOneCirclePerPointContoursMeansAndLegend() throws {
        let seed004 = PlotFixtures.seed004
        let labels = try seed004.mixture.predict(seed004.points)
        let markup = MixturePlots.scatter(
            points: seed004.points, labels: labels, mixture: seed004.mixture, title: "Seed 004", xLabel: "x",
            yLabel: "y")
        let svg = try ParsedSVG.parse(markup).get()
        #expect(svg.elements(named: "circle", inGroup: "plot-data").count == seed004.points.rowCount)

        let paths = svg.elements(named: "path", inGroup: "plot-data")
        let contours = paths.filter { $0.attributes["stroke"] == PlotColor.ink.hexString }
        #expect(contours.count == MixturePlots.contourLevelCount)
        #expect(contours.allSatisfy { ($0.attributes["d"] ?? "").hasPrefix("M") })
        // Each mean is a cross: a white halo path under a black one.
        #expect(paths.filter { $0.attributes["stroke"] == PlotColor.black.hexString }.count == 3)

        #expect(
            svg.texts(inGroup: "legend") == ["cluster 1", "cluster 2", "cluster 3", "mixture density", "component mean"])
        #expect(svg.texts(inGroup: "titles") == ["Seed 004", "x", "y"])
        #expect(svg.texts(inGroup: "x-axis").count >= 4)
        #expect(svg.texts(inGroup: "y-axis").count >= 4)
        let clip = try #require(svg.elements(named: "clipPath").first?.attributes["id"])
        #expect(svg.elements(named: "g").contains { $0.attributes["clip-path"] == "url(#\(clip))" })
    }

    @Test func colorsPointsByLabel() throws {
        let points = Matrix(rows: [[0, 0], [1, 1], [2, 0], [3, 1]])
        let svg = try ParsedSVG.parse(
            MixturePlots.scatter(
                points: points, labels: [0, 1, 1, -1], mixture: PlotFixtures.seed004.mixture, title: "t", xLabel: "x",
                yLabel: "y", labelNames: ["setosa", "versicolor"])
        ).get()
        let fills = svg.elements(named: "circle", inGroup: "plot-data").map { $0.attributes["fill"] ?? "" }
        #expect(
            fills == [
                PlotPalette.categorical[0].hexString, PlotPalette.categorical[1].hexString,
                PlotPalette.categorical[1].hexString, PlotColor.neutralGrey.hexString,
            ])
        #expect(
            svg.texts(inGroup: "legend") == ["setosa", "versicolor", "unassigned", "mixture density", "component mean"])
    }

    @Test func skipsPointsWithNonFiniteCoordinates() throws {
        let seed004 = PlotFixtures.seed004
        var rows = seed004.points.rows
        rows[5][0] = .nan
        rows[17][1] = .infinity
        let svg = try ParsedSVG.parse(
            MixturePlots.scatter(
                points: Matrix(rows: rows), labels: seed004.trueLabels, mixture: seed004.mixture, title: "t",
                xLabel: "x", yLabel: "y")
        ).get()
        #expect(svg.elements(named: "circle", inGroup: "plot-data").count == rows.count - 2)
    }

    @Test func drawsTwoCoordinatesOfAHigherDimensionalMixture() throws {
        let iris = Datasets.iris
        let fit = try GaussianMixture.fit(iris.samples, componentCount: 3)
        let labels = try fit.model.predict(iris.samples)
        let svg = try ParsedSVG.parse(
            MixturePlots.scatter(
                points: iris.samples, labels: labels, mixture: fit.model, title: "Iris", xLabel: "petal length (cm)",
                yLabel: "petal width (cm)", columns: (2, 3))
        ).get()
        #expect(svg.elements(named: "circle", inGroup: "plot-data").count == 150)
        #expect(!svg.elements(named: "path", inGroup: "plot-data").isEmpty)
        // The x ticks cover the petal lengths (1.0 … 6.9 cm), not the sepal lengths.
        let xTicks = svg.texts(inGroup: "x-axis").compactMap(numericValue(ofTickLabel:))
        #expect(xTicks.min().map { $0 < 2 } == true)
    }

    @Test func drawsContoursWithoutPoints() throws {
        let svg = try ParsedSVG.parse(
            MixturePlots.scatter(
                points: Matrix(rowCount: 0, columnCount: 2), labels: [], mixture: PlotFixtures.seed004.mixture,
                title: "t", xLabel: "x", yLabel: "y")
        ).get()
        #expect(svg.elements(named: "circle", inGroup: "plot-data").isEmpty)
        #expect(svg.elements(named: "path", inGroup: "plot-data").count > MixturePlots.contourLevelCount)
        #expect(svg.texts(inGroup: "plot-data") == ["no finite points"])
        #expect(svg.texts(inGroup: "legend") == ["mixture density", "component mean"])
    }

    @Test func drawsASinglePoint() throws {
        let svg = try ParsedSVG.parse(
            MixturePlots.scatter(
                points: Matrix(rows: [[1, 2]]), labels: [2], mixture: PlotFixtures.seed004.mixture, title: "t",
                xLabel: "x", yLabel: "y")
        ).get()
        #expect(svg.elements(named: "circle", inGroup: "plot-data").count == 1)
    }

    @Test func requiresOneLabelPerPoint() async {
        await #expect(processExitsWith: .failure) {
            _ = MixturePlots.scatter(
                points: Matrix(rows: [[1, 2], [3, 4]]), labels: [0], mixture: Datasets.seed004Mixture, title: "t",
                xLabel: "x", yLabel: "y")
        }
    }
}
