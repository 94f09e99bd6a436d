/// How a shape is painted: its fill, its outline, and their opacities.
public struct ShapeStyle: Sendable, Equatable {
    /// The fill colour; `nil` for no fill.
    public var fill: PlotColor?
    /// The outline colour; `nil` for no outline.
    public var stroke: PlotColor?
    /// The outline width in pixels.
    public var strokeWidth: Double
    /// The fill's opacity, 0 (invisible) to 1 (opaque).
    public var fillOpacity: Double
    /// The outline's opacity, 0 (invisible) to 1 (opaque).
    public var strokeOpacity: Double
    /// Dash and gap lengths in pixels, alternating; empty for a solid line.
    public var dashPattern: [Double]
    /// Whether line ends and corners are rounded (else butt ends and mitred corners).
    public var roundsJoins: Bool

    /// A style with the given paint; by default neither filled nor outlined.
    public init(
        fill: PlotColor? = nil, stroke: PlotColor? = nil, strokeWidth: Double = 1, fillOpacity: Double = 1,
        strokeOpacity: Double = 1, dashPattern: [Double] = [], roundsJoins: Bool = false
    ) {
        self.fill = fill
        self.stroke = stroke
        self.strokeWidth = strokeWidth
        self.fillOpacity = fillOpacity
        self.strokeOpacity = strokeOpacity
        self.dashPattern = dashPattern
        self.roundsJoins = roundsJoins
    }

    /// A filled shape without outline.
    public static func filled(_ color: PlotColor, opacity: Double = 1) -> ShapeStyle {
        ShapeStyle(fill: color, fillOpacity: opacity)
    }

    /// An unfilled line or outline with round joins.
    public static func stroked(_ color: PlotColor, width: Double = 1, opacity: Double = 1) -> ShapeStyle {
        ShapeStyle(stroke: color, strokeWidth: width, strokeOpacity: opacity, roundsJoins: true)
    }

    /// The presentation attributes, each preceded by a space.
    var attributes: String {
        var text = " fill=\"\(fill?.hexString ?? "none")\""
        if fill != nil && fillOpacity < 1 { text += " fill-opacity=\"\(svgNumber(fillOpacity))\"" }
        guard let stroke else { return text }
        text += " stroke=\"\(stroke.hexString)\" stroke-width=\"\(svgNumber(strokeWidth))\""
        if strokeOpacity < 1 { text += " stroke-opacity=\"\(svgNumber(strokeOpacity))\"" }
        if !dashPattern.isEmpty { text += " stroke-dasharray=\"\(dashPattern.map(svgNumber).joined(separator: " "))\"" }
        if roundsJoins { text += " stroke-linejoin=\"round\" stroke-linecap=\"round\"" }
        return text
    }
}
