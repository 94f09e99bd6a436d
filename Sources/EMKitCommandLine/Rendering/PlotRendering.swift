import EMKit
import EMKitPlots

/// The bridge from the CLI to the plotting library.
enum PlotRendering {
    /// The criterion of `emkit select` against K, one line per covariance type.
    static func criterion(counts: [Int], series: [(name: String, values: [Double?])], name: String, title: String) -> String {
        MixturePlots.criterion(componentCounts: counts, series: series, criterionName: name, title: title)
    }
}
