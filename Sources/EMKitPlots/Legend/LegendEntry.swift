/// One row of a plot's legend: a symbol and the label that explains it.
public struct LegendEntry: Sendable, Equatable {
    /// What the symbol in front of the label looks like.
    public enum Symbol: Sendable, Equatable {
        /// A filled square, for areas such as histogram bars.
        case swatch(PlotColor, opacity: Double)
        /// A short horizontal line, for curves.
        case line(PlotColor, width: Double)
        /// A single marker, for points.
        case marker(MarkerShape, PlotColor)
        /// A short line with a marker on it, for series drawn as connected markers.
        case lineWithMarker(MarkerShape, PlotColor, width: Double)
    }

    /// The text, drawn escaped.
    public var label: String
    /// The symbol.
    public var symbol: Symbol

    /// An entry showing `symbol` next to `label`.
    public init(label: String, symbol: Symbol) {
        self.label = label
        self.symbol = symbol
    }
}
