/// Fixed-point decimal text for `Double` values, without Foundation.
enum DecimalText {
    /// The minus sign for text a reader sees: U+2212, as wide as a plus sign.
    static let typographicMinus = "\u{2212}"

    /// `value` rounded to `decimals` places and written with exactly that many decimals:
    /// `fixed(0.3567, decimals: 2)` is `"0.36"`, `fixed(2, decimals: 1)` is `"2.0"`.
    ///
    /// A value that rounds to zero has no sign. Values too large for exact integer rounding
    /// (beyond about 10¹⁵ after scaling) and non-finite values use Swift's own description.
    static func fixed(_ value: Double, decimals: Int, minusSign: String = typographicMinus) -> String {
        precondition(decimals >= 0, "the number of decimals must be non-negative")
        guard value.isFinite else { return value.isNaN ? "NaN" : (value > 0 ? "∞" : minusSign + "∞") }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 1e15 else { return value < 0 ? minusSign + "\(-value)" : "\(value)" }
        let units = Int(scaled)
        var digits = String(units)
        if decimals > 0 {
            if digits.count <= decimals {
                digits = String(repeating: "0", count: decimals + 1 - digits.count) + digits
            }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -decimals))
        }
        return value < 0 && units != 0 ? minusSign + digits : digits
    }
}
