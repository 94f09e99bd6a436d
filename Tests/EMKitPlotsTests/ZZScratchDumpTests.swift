import EMKit
import Foundation
import Testing

@testable import EMKitPlots

@Test func scratchDump() throws {
    let dir = URL(fileURLWithPath: "/tmp/plots-edge")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let iris = Datasets.iris
    let fit = try GaussianMixture.fit(iris.samples, componentCount: 3)
    let labels = try fit.model.predict(iris.samples)
    let seed = PlotFixtures.seed004
    let mix1 = HistogramPlotTests.twoComponents
    let long = (0..<120).map { i -> Double in i == 40 ? .nan : -1.2 - 3 / Double(i + 1) }
    let plots: [(String, String)] = [
        ("iris-scatter", MixturePlots.scatter(points: iris.samples, labels: labels, mixture: fit.model, title: "Iris, 4-D fit: petal length vs width", xLabel: "petal length (cm)", yLabel: "petal width (cm)", columns: (2, 3), labelNames: ["setosa?", "versicolor?", "virginica?"])),
        ("iris-scatter-sepal", MixturePlots.scatter(points: iris.samples, labels: iris.labels, mixture: fit.model, title: "Iris sepals", xLabel: "sepal length (cm)", yLabel: "sepal width (cm)", columns: (0, 1), labelNames: iris.classNames)),
        ("hist-equal", MixturePlots.histogram(values: [7, 7, 7, 7], mixture: mix1, title: "All equal", xLabel: "x")),
        ("hist-empty", MixturePlots.histogram(values: [], mixture: mix1, title: "No values", xLabel: "x")),
        ("hist-seed-y", MixturePlots.histogram(values: (0..<seed.points.rowCount).map { seed.points[$0, 1] }, mixture: seed.mixture, title: "Seed 004, y marginal", xLabel: "y", column: 1)),
        ("history-long", MixturePlots.logLikelihoodHistory(history: long, title: "Long history with a NaN")),
        ("history-empty", MixturePlots.logLikelihoodHistory(history: [], title: "Empty history")),
        ("history-one", MixturePlots.logLikelihoodHistory(history: [-1.25], title: "One value")),
        ("criterion-gaps", MixturePlots.criterion(componentCounts: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], series: [("full", [1000, 900, nil, 850, 860, 870, nil, 900, 950, 990]), ("diag", [1010, 930, 880, 870, 862, 868, 880, 890, 900, 910]), ("a <weird> & name", [1e3, 1e3, 1e3, 1e3, 1e3, 1e3, 1e3, 1e3, 1e3, 1e3])], criterionName: "AIC", title: "Gaps & weird names")),
        ("scatter-big", MixturePlots.scatter(points: Matrix(rows: seed.points.rows.map { [$0[0] * 1e6, $0[1] * 1e-5] }), labels: seed.trueLabels, mixture: try GaussianMixture(weights: seed.mixture.weights, means: Matrix(rows: seed.mixture.means.rows.map { [$0[0] * 1e6, $0[1] * 1e-5] }), covariances: seed.mixture.covariances.map { Matrix(rows: [[$0[0, 0] * 1e12, 0], [0, $0[1, 1] * 1e-10]]) }, covarianceType: .full), title: "Extreme scales", xLabel: "x", yLabel: "y")),
    ]
    for (name, svg) in plots {
        let file = dir.appendingPathComponent(name + ".svg")
        try Data(svg.utf8).write(to: file)
        try RasterRenderer.render(file, to: dir.appendingPathComponent(name + ".png"))
    }
}
