import EMKit
import Foundation
import Testing

@testable import EMKitPlots

/// Renders one plot of each kind with `rsvg-convert`, when it is installed, and checks that the
/// result is a PNG. Setting `EMKIT_PLOTS_OUTPUT` to a directory keeps the SVG and PNG files there.
@Suite struct RasterizationTests {
    /// The eight bytes every PNG file starts with.
    static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    @Test(.enabled(if: RasterRenderer.isAvailable, "rsvg-convert is not on PATH"))
    func everyPlotKindRendersToPNG() throws {
        let petalFit = try PlotFixtures.petalWidthFit()
        let seed004 = PlotFixtures.seed004
        let predicted = try seed004.mixture.predict(seed004.points)
        let criteria = try PlotFixtures.seed004Criteria()
        let plots: [(name: String, svg: String)] = [
            (
                "histogram",
                MixturePlots.histogram(
                    values: PlotFixtures.petalWidths, mixture: petalFit.model,
                    title: "Iris petal width: 3-component Gaussian mixture", xLabel: "petal width (cm)")
            ),
            (
                "scatter",
                MixturePlots.scatter(
                    points: seed004.points, labels: predicted, mixture: seed004.mixture,
                    title: "Seed 004: three-component mixture", xLabel: "x", yLabel: "y")
            ),
            ("history", MixturePlots.logLikelihoodHistory(history: petalFit.history, title: "EM on Iris petal width")),
            (
                "criterion",
                MixturePlots.criterion(
                    componentCounts: criteria.componentCounts, series: criteria.series, criterionName: "BIC",
                    title: "Model selection on seed 004's sample")
            ),
        ]
        let directory: URL
        if let kept = ProcessInfo.processInfo.environment["EMKIT_PLOTS_OUTPUT"] {
            directory = URL(fileURLWithPath: kept, isDirectory: true)
        } else {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("emkit-plots-\(UUID().uuidString)")
        }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer {
            if ProcessInfo.processInfo.environment["EMKIT_PLOTS_OUTPUT"] == nil {
                try? FileManager.default.removeItem(at: directory)
            }
        }
        for plot in plots {
            let svg = directory.appendingPathComponent(plot.name + ".svg")
            let png = directory.appendingPathComponent(plot.name + ".png")
            try Data(plot.svg.utf8).write(to: svg)
            try RasterRenderer.render(svg, to: png)
            let bytes = try Data(contentsOf: png)
            #expect(Array(bytes.prefix(8)) == Self.pngSignature, "\(plot.name).png is not a PNG")
            #expect(bytes.count > 1000, "\(plot.name).png is suspiciously small")
        }
    }
}
