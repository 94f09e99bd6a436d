/// Number formatting for tables and CSV.
enum Format {
    /// A count or label: whole numbers without a decimal point (exactly, up to 2⁵³), anything else
    /// as Swift prints it. Never converts to `Int`, so no value can trap.
    static func count(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 9_007_199_254_740_992 { return String(Int64(value)) }
        return "\(value)"
    }

    /// `text` as a JSON string literal, quotes included: `"`, `\` and control characters escaped
    /// (RFC 8259), so that any message or name can go into `--format json` output.
    static func jsonString(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    /// A number with `digits` significant digits, without trailing noise.
    static func number(_ value: Double, digits: Int = 6) -> String {
        if value == 0 { return "0" }
        if !value.isFinite { return "\(value)" }
        let magnitude = abs(value)
        if magnitude >= 1e-4 && magnitude < 1e9 {
            let decimals = max(0, digits - 1 - Int((magnitude).log10Floor))
            return trimmed(fixed(value, decimals: decimals))
        }
        // Scientific notation with the same number of significant digits: 5.6725e-28.
        let exponent = magnitude.log10Floor
        var mantissa = value
        if exponent > 0 { for _ in 0..<exponent { mantissa /= 10 } } else { for _ in 0..<(-exponent) { mantissa *= 10 } }
        return trimmed(fixed(mantissa, decimals: max(0, digits - 1))) + "e" + String(exponent)
    }

    /// `value` with exactly `decimals` digits after the point.
    static func fixed(_ value: Double, decimals: Int) -> String {
        var scaled = (abs(value) * pow10(decimals)).rounded()
        var digits = ""
        if scaled == 0 { digits = "0" }
        while scaled >= 1 {
            let digit = Int(scaled.truncatingRemainder(dividingBy: 10))
            digits = String(digit) + digits
            scaled = (scaled / 10).rounded(.towardZero)
        }
        while digits.count <= decimals { digits = "0" + digits }
        let integer = digits.dropLast(decimals)
        let fraction = digits.suffix(decimals)
        let sign = value < 0 && digits.contains(where: { $0 != "0" }) ? "-" : ""
        return decimals == 0 ? sign + integer : sign + integer + "." + fraction
    }

    private static func trimmed(_ text: String) -> String {
        guard text.contains(".") else { return text }
        var t = text
        while t.hasSuffix("0") { t.removeLast() }
        if t.hasSuffix(".") { t.removeLast() }
        return t
    }

    private static func pow10(_ n: Int) -> Double {
        var result = 1.0
        for _ in 0..<n { result *= 10 }
        return result
    }

    /// Pads `text` on the left to `width` characters.
    static func left(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }

    /// A vector as `(a, b, c)`.
    static func vector(_ values: [Double], digits: Int = 4) -> String {
        "(" + list(values.map { number($0, digits: digits) }) + ")"
    }

    /// How many items of a list a summary shows: the model file and `--format json` have all.
    static let shownItems = 20

    /// `a, b, c`, or for long lists the first `shownItems` and `… (N more)`.
    static func list(_ items: [String]) -> String {
        guard items.count > shownItems else { return items.joined(separator: ", ") }
        return items.prefix(shownItems).joined(separator: ", ") + ", … (\(items.count - shownItems) more)"
    }
}

extension Double {
    /// ⌊log₁₀ |x|⌋ for finite non-zero x.
    fileprivate var log10Floor: Int {
        var m = abs(self)
        var e = 0
        while m >= 10 { m /= 10; e += 1 }
        while m < 1 { m *= 10; e -= 1 }
        return e
    }
}
