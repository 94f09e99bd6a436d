/// The shape of a point marker. Series can differ in shape as well as colour, so they stay
/// apart in grey-scale print and for readers who do not tell the colours apart.
public enum MarkerShape: Sendable, CaseIterable {
    /// A filled disc.
    case circle
    /// A filled square.
    case square
    /// A filled triangle pointing up.
    case triangle
    /// A filled diamond (a square standing on a corner).
    case diamond
    /// A filled triangle pointing down.
    case invertedTriangle
    /// An upright cross, `+`, drawn with a white halo so it shows on any background.
    case plus
    /// A diagonal cross, `×`, drawn with a white halo so it shows on any background.
    case cross
    /// An unfilled circle, for highlighting a point drawn with another marker.
    case ring

    /// The filled shapes, in the order successive series use them.
    public static let seriesShapes: [MarkerShape] = [.circle, .square, .triangle, .diamond, .invertedTriangle]

    /// Draws the marker centred on `center`, about `size` pixels across, in `color`.
    public func draw(at center: PixelPoint, size: Double, color: PlotColor, into document: inout SVGDocument) {
        let r = size / 2
        let outline = ShapeStyle(fill: color, stroke: .white, strokeWidth: 0.75)
        switch self {
        case .circle:
            document.addCircle(center: center, radius: r, style: outline)
        case .square:
            let side = size * 0.88
            document.addRectangle(
                PixelRectangle(x: center.x - side / 2, y: center.y - side / 2, width: side, height: side), style: outline)
        case .triangle, .invertedTriangle:
            let direction = self == .triangle ? 1.0 : -1.0
            let h = r * 1.15
            document.addPolygon(
                [
                    PixelPoint(x: center.x, y: center.y - direction * h),
                    PixelPoint(x: center.x + h * 0.9, y: center.y + direction * h * 0.75),
                    PixelPoint(x: center.x - h * 0.9, y: center.y + direction * h * 0.75),
                ], style: outline)
        case .diamond:
            let h = r * 1.2
            document.addPolygon(
                [
                    PixelPoint(x: center.x, y: center.y - h), PixelPoint(x: center.x + h, y: center.y),
                    PixelPoint(x: center.x, y: center.y + h), PixelPoint(x: center.x - h, y: center.y),
                ], style: outline)
        case .plus, .cross:
            var path = SVGPath()
            if self == .plus {
                path.addPolyline([PixelPoint(x: center.x - r, y: center.y), PixelPoint(x: center.x + r, y: center.y)])
                path.addPolyline([PixelPoint(x: center.x, y: center.y - r), PixelPoint(x: center.x, y: center.y + r)])
            } else {
                let d = r * 0.8
                path.addPolyline([PixelPoint(x: center.x - d, y: center.y - d), PixelPoint(x: center.x + d, y: center.y + d)])
                path.addPolyline([PixelPoint(x: center.x - d, y: center.y + d), PixelPoint(x: center.x + d, y: center.y - d)])
            }
            let stroke = max(1.5, size / 6)
            document.addPath(path, style: .stroked(.white, width: stroke + 2.5))
            document.addPath(path, style: .stroked(color, width: stroke))
        case .ring:
            document.addCircle(center: center, radius: r, style: .stroked(color, width: max(1.5, size / 8)))
        }
    }
}
