/// A position in a plot's data coordinates (the units of its axes).
public struct DataPoint: Sendable, Equatable {
    /// The horizontal (x-axis) coordinate.
    public var x: Double
    /// The vertical (y-axis) coordinate.
    public var y: Double

    /// A point at (`x`, `y`).
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }

    /// Whether both coordinates are finite.
    public var isFinite: Bool { x.isFinite && y.isFinite }
}
