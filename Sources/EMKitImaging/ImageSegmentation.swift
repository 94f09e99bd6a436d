import Foundation
import EMKit

/// Unsupervised image segmentation by a Gaussian mixture on per-pixel features (seed 000): the
/// image becomes an N × d matrix, one row per pixel, and each pixel takes its most probable component.
public enum ImageSegmentation {
    /// What describes a pixel.
    public enum Features: String, Sendable, CaseIterable {
        /// Red, green, blue in 0–255 (d = 3).
        case rgb
        /// RGB and the pixel's position, x and y scaled to 0–255 (d = 5): regions become compact.
        case rgbxy
        /// CIE L*a*b* (D65), a perceptually more uniform colour space (d = 3).
        case lab
    }

    /// The feature matrix of `image`, `pixelCount × d`.
    public static func features(of image: RGBImage, _ features: Features) -> Matrix {
        let n = image.pixelCount
        let d = features == .rgbxy ? 5 : 3
        var elements = [Double](repeating: 0, count: n * d)
        for p in 0..<n {
            let r = Double(image.pixels[3 * p]), g = Double(image.pixels[3 * p + 1]), b = Double(image.pixels[3 * p + 2])
            switch features {
            case .rgb:
                elements[p * 3] = r
                elements[p * 3 + 1] = g
                elements[p * 3 + 2] = b
            case .rgbxy:
                elements[p * 5] = r
                elements[p * 5 + 1] = g
                elements[p * 5 + 2] = b
                elements[p * 5 + 3] = Double(p % image.width) * 255 / Double(max(image.width - 1, 1))
                elements[p * 5 + 4] = Double(p / image.width) * 255 / Double(max(image.height - 1, 1))
            case .lab:
                let lab = labColour(r, g, b)
                elements[p * 3] = lab.0
                elements[p * 3 + 1] = lab.1
                elements[p * 3 + 2] = lab.2
            }
        }
        return Matrix(rowCount: n, columnCount: d, elements: elements)
    }

    /// sRGB (0–255) to CIE L*a*b* under D65 (IEC 61966-2-1 and CIE 15).
    static func labColour(_ r: Double, _ g: Double, _ b: Double) -> (Double, Double, Double) {
        func linear(_ c: Double) -> Double {
            let v = c / 255
            return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4)
        }
        let (lr, lg, lb) = (linear(r), linear(g), linear(b))
        let x = (0.4124564 * lr + 0.3575761 * lg + 0.1804375 * lb) / 0.95047
        let y = 0.2126729 * lr + 0.7151522 * lg + 0.0721750 * lb
        let z = (0.0193339 * lr + 0.1191920 * lg + 0.9503041 * lb) / 1.08883
        func f(_ t: Double) -> Double { t > 216.0 / 24389 ? cbrt(t) : (24389.0 / 27 * t + 16) / 116 }
        return (116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z)))
    }

    /// How segments are coloured.
    public enum Palette: String, Sendable, CaseIterable {
        /// Each segment in its component's mean colour (in RGB features: the mean itself).
        case means
        /// Distinct, easily told-apart colours.
        case distinct
    }

    /// Colour-blind-friendly distinct colours (Okabe & Ito 2008, then extras).
    static let distinctColours: [(UInt8, UInt8, UInt8)] = [
        (230, 159, 0), (86, 180, 233), (0, 158, 115), (240, 228, 66), (0, 114, 178), (213, 94, 0), (204, 121, 167),
        (0, 0, 0), (153, 153, 153), (255, 255, 255),
    ]

    /// The image with every pixel replaced by its segment's colour.
    public static func colouredSegments(of image: RGBImage, labels: [Int], componentCount: Int, palette: Palette) -> RGBImage {
        var colours: [(UInt8, UInt8, UInt8)]
        switch palette {
        case .distinct:
            colours = (0..<componentCount).map { distinctColours[$0 % distinctColours.count] }
        case .means:
            // The mean colour of the pixels in each segment (whatever the features were).
            var sums = [[Double]](repeating: [0, 0, 0, 0], count: componentCount)
            for (p, label) in labels.enumerated() {
                for c in 0..<3 { sums[label][c] += Double(image.pixels[3 * p + c]) }
                sums[label][3] += 1
            }
            colours = sums.map { s in
                let n = max(s[3], 1)
                return (UInt8((s[0] / n).rounded()), UInt8((s[1] / n).rounded()), UInt8((s[2] / n).rounded()))
            }
        }
        var pixels = [UInt8](repeating: 0, count: image.pixels.count)
        for (p, label) in labels.enumerated() {
            let colour = colours[label]
            pixels[3 * p] = colour.0
            pixels[3 * p + 1] = colour.1
            pixels[3 * p + 2] = colour.2
        }
        return RGBImage(width: image.width, height: image.height, pixels: pixels)
    }
}
