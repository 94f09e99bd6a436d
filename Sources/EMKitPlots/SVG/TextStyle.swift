/// How a piece of text is set: size, weight, colour, alignment and rotation.
public struct TextStyle: Sendable, Equatable {
    /// Which point of the text sits at its position, horizontally.
    public enum HorizontalAnchor: String, Sendable {
        /// The text starts at the position.
        case start
        /// The text is centred on the position.
        case middle
        /// The text ends at the position.
        case end
    }

    /// Which line of the text sits at its position, vertically.
    public enum VerticalAnchor: Sendable {
        /// The baseline is at the position (SVG's own behaviour).
        case baseline
        /// The middle of the lower-case and digit height is at the position.
        case middle
        /// The top of the capitals is at the position.
        case top
    }

    /// The font size in pixels.
    public var fontSize: Double
    /// Whether the text is bold.
    public var isBold: Bool
    /// The text colour.
    public var color: PlotColor
    /// The horizontal alignment.
    public var horizontalAnchor: HorizontalAnchor
    /// The vertical alignment, implemented as a baseline offset so that every renderer agrees.
    public var verticalAnchor: VerticalAnchor
    /// A rotation in degrees about the text's position, clockwise (−90 reads bottom to top).
    public var rotationDegrees: Double

    /// A style with the given settings; by default 12 px, regular, dark grey, left-aligned on the baseline.
    public init(
        fontSize: Double = 12, isBold: Bool = false, color: PlotColor = .ink,
        horizontalAnchor: HorizontalAnchor = .start, verticalAnchor: VerticalAnchor = .baseline,
        rotationDegrees: Double = 0
    ) {
        self.fontSize = fontSize
        self.isBold = isBold
        self.color = color
        self.horizontalAnchor = horizontalAnchor
        self.verticalAnchor = verticalAnchor
        self.rotationDegrees = rotationDegrees
    }

    /// How far below the position the baseline goes, in pixels, for the vertical anchor.
    var baselineOffset: Double {
        switch verticalAnchor {
        case .baseline: return 0
        case .middle: return 0.35 * fontSize
        case .top: return 0.72 * fontSize
        }
    }
}
