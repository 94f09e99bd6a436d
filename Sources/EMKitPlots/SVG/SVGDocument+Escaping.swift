extension SVGDocument {
    /// `text` made safe as XML character data or as an attribute value: `&`, `<`, `>`, `"` and
    /// `'` become entity references, and characters that XML 1.0 forbids (control characters
    /// other than tab, line feed and carriage return; unpaired surrogates cannot occur in a Swift
    /// `String`) become U+FFFD, the replacement character.
    ///
    /// ```swift
    /// SVGDocument.escaped("a < b & \"c\"")   // "a &lt; b &amp; &quot;c&quot;"
    /// ```
    public static func escaped(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            case "\t", "\n", "\r": result.unicodeScalars.append(scalar)
            default:
                let value = scalar.value
                let forbidden = value < 0x20 || value == 0xFFFE || value == 0xFFFF
                result.unicodeScalars.append(forbidden ? "\u{FFFD}" : scalar)
            }
        }
        return result
    }
}
