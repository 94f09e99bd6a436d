/// Formats a coordinate or length for an SVG attribute: at most two decimals, no trailing zeros,
/// an ASCII minus sign, and `0` for anything that is not finite (SVG has no NaN).
///
/// `svgNumber(12.5)` is `"12.5"`, `svgNumber(3.14159)` is `"3.14"`, `svgNumber(-0.001)` is `"0"`.
func svgNumber(_ value: Double) -> String {
    guard value.isFinite else { return "0" }
    let text = DecimalText.fixed(value, decimals: 2, minusSign: "-")
    guard text.contains(".") else { return text }
    var trimmed = Substring(text)
    while trimmed.last == "0" { trimmed.removeLast() }
    if trimmed.last == "." { trimmed.removeLast() }
    return String(trimmed)
}
