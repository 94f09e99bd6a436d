/// An opaque sRGB colour, written into SVG as `#RRGGBB`.
public struct PlotColor: Sendable, Hashable {
    /// The red channel, 0–255.
    public var red: UInt8
    /// The green channel, 0–255.
    public var green: UInt8
    /// The blue channel, 0–255.
    public var blue: UInt8

    /// A colour from its three channels.
    public init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// A colour from a 24-bit `0xRRGGBB` value: `PlotColor(hex: 0x0072B2)`.
    public init(hex: UInt32) {
        self.init(
            red: UInt8(truncatingIfNeeded: hex >> 16), green: UInt8(truncatingIfNeeded: hex >> 8),
            blue: UInt8(truncatingIfNeeded: hex))
    }

    /// The colour as SVG writes it: `#` and six upper-case hexadecimal digits.
    public var hexString: String {
        let digits = Array("0123456789ABCDEF")
        var text = "#"
        for channel in [red, green, blue] {
            text.append(digits[Int(channel >> 4)])
            text.append(digits[Int(channel & 0x0F)])
        }
        return text
    }

    /// Black, `#000000`.
    public static let black = PlotColor(hex: 0x000000)
    /// White, `#FFFFFF`.
    public static let white = PlotColor(hex: 0xFFFFFF)
    /// The dark grey of axes, tick marks and text, `#333333`.
    public static let ink = PlotColor(hex: 0x333333)
    /// The light grey of grid lines, `#E6E6E6`.
    public static let gridGrey = PlotColor(hex: 0xE6E6E6)
    /// The grey of histogram bars and other background data, `#C8C8C8`.
    public static let barGrey = PlotColor(hex: 0xC8C8C8)
    /// A neutral mid grey, `#8C8C8C`, used for unlabelled points.
    public static let neutralGrey = PlotColor(hex: 0x8C8C8C)
}
