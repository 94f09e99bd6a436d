/// The resolved geometry of a 2-D plot: where the plot area is, how data maps to pixels, the
/// ticks of both axes and where the legend goes. `PlotAxes.layout()` computes it.
public struct PlotLayout: Sendable {
    /// The rectangle the data is drawn in (and clipped to).
    public let plotArea: PixelRectangle
    /// The x axis's map from data to pixels.
    public let xScale: LinearScale
    /// The y axis's map from data to pixels (upwards).
    public let yScale: LinearScale
    /// The x axis's ticks.
    public let xTicks: AxisTicks
    /// The y axis's ticks.
    public let yTicks: AxisTicks
    /// The top-left corner of the legend box; `nil` when there is no legend.
    public let legendOrigin: PixelPoint?
    /// Whether the legend sits right of the plot area (because every corner inside it holds data).
    public let legendIsOutside: Bool

    /// The pixel position of the data point (`x`, `y`).
    public func pixel(x: Double, y: Double) -> PixelPoint {
        PixelPoint(x: xScale.pixel(x), y: yScale.pixel(y))
    }

    /// The pixel position of `point`.
    public func pixel(_ point: DataPoint) -> PixelPoint {
        pixel(x: point.x, y: point.y)
    }

    /// A copy with the legend placed at `origin`.
    func placingLegend(at origin: PixelPoint?, outside: Bool) -> PlotLayout {
        PlotLayout(
            plotArea: plotArea, xScale: xScale, yScale: yScale, xTicks: xTicks, yTicks: yTicks,
            legendOrigin: origin, legendIsOutside: outside)
    }
}
