/// The geometry of an SVG `<path>`: a sequence of straight-line subpaths, built up command by command.
///
/// ```swift
/// var path = SVGPath()
/// path.move(to: PixelPoint(x: 0, y: 0))
/// path.line(to: PixelPoint(x: 10, y: 5))
/// path.close()
/// ```
public struct SVGPath: Sendable, Equatable {
    /// The path data, the value of the `d` attribute.
    public private(set) var data: String = ""

    /// An empty path.
    public init() {}

    /// Whether the path has no commands.
    public var isEmpty: Bool { data.isEmpty }

    /// Starts a new subpath at `point`.
    public mutating func move(to point: PixelPoint) {
        append("M", point)
    }

    /// A straight line from the current point to `point`.
    public mutating func line(to point: PixelPoint) {
        append("L", point)
    }

    /// Closes the current subpath with a line back to its start.
    public mutating func close() {
        data += "Z"
    }

    /// Appends an open polyline through `points` as a new subpath; nothing for no points.
    public mutating func addPolyline(_ points: [PixelPoint], closed: Bool = false) {
        guard let first = points.first else { return }
        move(to: first)
        for point in points.dropFirst() { line(to: point) }
        if closed { close() }
    }

    private mutating func append(_ command: String, _ point: PixelPoint) {
        if !data.isEmpty && !data.hasSuffix("Z") { data += " " }
        data += command + svgNumber(point.x) + " " + svgNumber(point.y)
    }
}
