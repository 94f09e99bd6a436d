/// The affine map from an axis's data range to pixels.
public struct LinearScale: Sendable, Equatable {
    /// The data values shown, from the axis start to its end.
    public let domain: ClosedRange<Double>
    /// The pixel coordinate of `domain.lowerBound`.
    public let startPixel: Double
    /// The pixel coordinate of `domain.upperBound` (smaller than `startPixel` for a y axis,
    /// which grows upwards while SVG's y grows downwards).
    public let endPixel: Double

    /// A scale mapping `domain` onto `startPixel … endPixel`.
    ///
    /// - Precondition: the domain is finite with a positive width.
    public init(domain: ClosedRange<Double>, startPixel: Double, endPixel: Double) {
        precondition(
            domain.lowerBound.isFinite && domain.upperBound.isFinite && domain.upperBound > domain.lowerBound,
            "a scale's domain must be finite and wider than zero")
        self.domain = domain
        self.startPixel = startPixel
        self.endPixel = endPixel
    }

    /// The pixel coordinate of `value`.
    public func pixel(_ value: Double) -> Double {
        let fraction = (value - domain.lowerBound) / (domain.upperBound - domain.lowerBound)
        return startPixel + fraction * (endPixel - startPixel)
    }

    /// The data value at pixel coordinate `pixel`, the inverse of `pixel(_:)`.
    public func value(atPixel pixel: Double) -> Double {
        let fraction = (pixel - startPixel) / (endPixel - startPixel)
        return domain.lowerBound + fraction * (domain.upperBound - domain.lowerBound)
    }

    /// The number of pixels one data unit spans (absolute).
    public var pixelsPerUnit: Double {
        abs(endPixel - startPixel) / (domain.upperBound - domain.lowerBound)
    }
}
