/// Estimates of how wide text renders, for layout without a font engine.
///
/// The per-character widths are those of DejaVu Sans (the usual `sans-serif` on Linux and one
/// of the widest), so layouts computed from them leave room with narrower fonts too.
enum TextMetrics {
    /// The estimated width of `text` set at `fontSize` pixels, bold when `isBold`.
    static func width(of text: String, fontSize: Double, isBold: Bool = false) -> Double {
        var ems = 0.0
        for character in text {
            ems += emWidth(of: character)
        }
        return ems * fontSize * (isBold ? 1.08 : 1)
    }

    /// The advance width of `character` in ems.
    private static func emWidth(of character: Character) -> Double {
        switch character {
        case " ", ".", ",", ":", ";", "'", "|", "!", "i", "j", "l": return 0.30
        case "(", ")", "[", "]", "f", "t", "r", "I": return 0.40
        case "m", "w", "M", "W", "%", "—": return 0.92
        case "0"..."9", "\u{2212}", "+", "=", "×", "<", ">": return 0.64
        default:
            if character.isUppercase { return 0.72 }
            return 0.62
        }
    }
}
