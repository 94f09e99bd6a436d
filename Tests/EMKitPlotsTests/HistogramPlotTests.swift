import EMKit
import Testing

@testable import EMKitPlots

/// `MixturePlots.histogram`.
@Suite struct HistogramPlotTests {
    /// A hand-made two-component 1-D mixture.
    static let twoComponents: GaussianMixture = {
        do {
            return try GaussianMixture(
                weights: [0.36, 0.64], means: Matrix(rows: [[0], [4]]),
                covariances: [Matrix(rows: [[1]]), Matrix(rows: [[0.25]])], covarianceType: .full)
        } catch {
            preconditionFailure("valid test mixture: \(error)")
        }
    }()

    @Test func drawsBarsCurvesLegendAndAxes() throws {
        let fit = try PlotFixtures.petalWidthFit()
        let values = PlotFixtures.petalWidths
        let markup = MixturePlots.histogram(
            values: values, mixture: fit.model, title: "Iris petal width", xLabel: "petal width (cm)")
        let svg = try ParsedSVG.parse(markup).get()
        #expect(svg.rootAttributes["viewBox"] == "0 0 720 480")

        let bins = try #require(HistogramBins.freedmanDiaconis(values))
        #expect(svg.elements(named: "rect", inGroup: "plot-data").count == bins.counts.filter { $0 > 0 }.count)
        #expect(svg.elements(named: "polyline", inGroup: "plot-data").count == fit.model.componentCount + 1)

        let legend = svg.texts(inGroup: "legend")
        #expect(legend.count == fit.model.componentCount + 1)
        for k in 0..<fit.model.componentCount {
            #expect(legend[k] == "component \(k + 1) (π = \(DecimalText.fixed(fit.model.weights[k], decimals: 2)))")
        }
        #expect(legend.last == "mixture")

        let titles = svg.texts(inGroup: "titles")
        #expect(titles == ["Iris petal width", "petal width (cm)", "density"])
        let xLabels = svg.texts(inGroup: "x-axis")
        let yLabels = svg.texts(inGroup: "y-axis")
        #expect(xLabels.count >= 4 && yLabels.count >= 4)
        #expect(xLabels.allSatisfy { numericValue(ofTickLabel: $0) != nil })
        #expect(yLabels.first == "0.0")
    }

    @Test func legendShowsTheWeights() throws {
        let svg = try ParsedSVG.parse(
            MixturePlots.histogram(
                values: [-1, 0, 0.5, 3.8, 4, 4.1, 4.3], mixture: Self.twoComponents, title: "", xLabel: "x")
        ).get()
        #expect(svg.texts(inGroup: "legend") == ["component 1 (π = 0.36)", "component 2 (π = 0.64)", "mixture"])
        #expect(svg.texts(inGroup: "titles") == ["x", "density"])
        #expect(svg.elements(named: "title").isEmpty)
    }

    @Test func escapesTitles() throws {
        let title = "Petals <cm> & \"widths\" 'n'"
        let markup = MixturePlots.histogram(values: [1, 2, 3], mixture: Self.twoComponents, title: title, xLabel: "a<b")
        #expect(markup.contains("Petals &lt;cm&gt; &amp; &quot;widths&quot; &apos;n&apos;"))
        let svg = try ParsedSVG.parse(markup).get()
        #expect(svg.texts(inGroup: "titles").prefix(2) == [title, "a<b"])
    }

    @Test(arguments: [[2.5], [7.0, 7, 7, 7, 7]])
    func drawsOneBarForEqualValues(values: [Double]) throws {
        let svg = try ParsedSVG.parse(
            MixturePlots.histogram(values: values, mixture: Self.twoComponents, title: "t", xLabel: "x")
        ).get()
        #expect(svg.elements(named: "rect", inGroup: "plot-data").count == 1)
        #expect(svg.texts(inGroup: "x-axis").count >= 2)
    }

    @Test func skipsNonFiniteValues() throws {
        let values: [Double] = [1, .nan, 2, 2, .infinity, 3, -.infinity]
        let svg = try ParsedSVG.parse(
            MixturePlots.histogram(values: values, mixture: Self.twoComponents, title: "t", xLabel: "x")
        ).get()
        let bins = try #require(HistogramBins.freedmanDiaconis(values))
        #expect(bins.total == 4)
        #expect(svg.elements(named: "rect", inGroup: "plot-data").count == bins.counts.filter { $0 > 0 }.count)
    }

    @Test(arguments: [[], [Double.nan, .infinity]])
    func drawsTheCurvesAloneWithoutFiniteValues(values: [Double]) throws {
        let svg = try ParsedSVG.parse(
            MixturePlots.histogram(values: values, mixture: Self.twoComponents, title: "t", xLabel: "x")
        ).get()
        #expect(svg.elements(named: "rect", inGroup: "plot-data").isEmpty)
        #expect(svg.elements(named: "polyline", inGroup: "plot-data").count == 3)
        #expect(svg.texts(inGroup: "plot-data") == ["no finite values"])
    }

    @Test func drawsAMarginalOfAHigherDimensionalMixture() throws {
        let seed004 = PlotFixtures.seed004
        let ys = (0..<seed004.points.rowCount).map { seed004.points[$0, 1] }
        let svg = try ParsedSVG.parse(
            MixturePlots.histogram(values: ys, mixture: seed004.mixture, title: "y marginal", xLabel: "y", column: 1)
        ).get()
        #expect(svg.texts(inGroup: "legend").count == 4)
        #expect(svg.texts(inGroup: "legend").first == "component 1 (π = 0.60)")
    }
}
