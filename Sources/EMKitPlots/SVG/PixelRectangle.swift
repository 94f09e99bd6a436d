/// An axis-aligned rectangle in an SVG document's user space, in pixels.
public struct PixelRectangle: Sendable, Equatable {
    /// The left edge.
    public var x: Double
    /// The top edge.
    public var y: Double
    /// The width, non-negative.
    public var width: Double
    /// The height, non-negative.
    public var height: Double

    /// A rectangle whose top-left corner is (`x`, `y`).
    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    /// The right edge, `x + width`.
    public var maxX: Double { x + width }
    /// The bottom edge, `y + height`.
    public var maxY: Double { y + height }
    /// The centre.
    public var center: PixelPoint { PixelPoint(x: x + width / 2, y: y + height / 2) }

    /// Whether `point` lies inside the rectangle or on its border.
    public func contains(_ point: PixelPoint) -> Bool {
        point.x >= x && point.x <= maxX && point.y >= y && point.y <= maxY
    }

    /// The rectangle grown by `margin` on every side (shrunk for a negative margin).
    public func insetBy(_ margin: Double) -> PixelRectangle {
        PixelRectangle(
            x: x + margin, y: y + margin, width: max(0, width - 2 * margin), height: max(0, height - 2 * margin))
    }
}
