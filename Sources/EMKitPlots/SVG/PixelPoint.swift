/// A position in an SVG document's user space, in pixels: `x` grows to the right, `y` downwards.
public struct PixelPoint: Sendable, Equatable {
    /// The horizontal coordinate, from the document's left edge.
    public var x: Double
    /// The vertical coordinate, from the document's top edge.
    public var y: Double

    /// A point at (`x`, `y`).
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}
