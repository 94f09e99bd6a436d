import EMKit

/// The bridge from the CLI to the plotting library (filled in when EMKitPlots lands).
enum PlotRendering {
    static func criterion(counts: [Int], series: [(name: String, values: [Double?])], name: String, title: String) -> String {
        ""
    }
}
