/// The labels of an axis's ticks, all in one notation: fixed-point with the decimals the step
/// needs (`0.5 1.0 1.5`), or, for very large or very small values, compact scientific notation
/// (`2e6 4e6`, `2.5e−5`). Negative values use the typographic minus sign (U+2212).
struct TickLabelFormat {
    /// Each tick's value as an integer times 10^`exponent`.
    let mantissas: [Int]
    /// The common decimal exponent of the values.
    let exponent: Int

    /// The largest magnitude shown in fixed-point notation; larger switches to scientific.
    static let largestFixedMagnitude = 1e6
    /// The smallest step exponent shown in fixed-point notation (4 decimals).
    static let smallestFixedExponent = -4

    /// The labels, one per mantissa.
    var labels: [String] {
        let largest = mantissas.map { abs(Double($0)) }.max() ?? 0
        let magnitude = AxisTicks.scaled(1, exponent: exponent) * largest
        let usesFixed = exponent >= Self.smallestFixedExponent && magnitude < Self.largestFixedMagnitude
        return mantissas.map { usesFixed ? fixed($0) : scientific($0) }
    }

    /// `mantissa · 10^exponent` in fixed-point notation with `max(0, −exponent)` decimals.
    private func fixed(_ mantissa: Int) -> String {
        var digits = String(abs(mantissa))
        if exponent >= 0 {
            if mantissa != 0 { digits += String(repeating: "0", count: exponent) }
        } else {
            let decimals = -exponent
            if digits.count <= decimals {
                digits = String(repeating: "0", count: decimals + 1 - digits.count) + digits
            }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -decimals))
        }
        return mantissa < 0 ? DecimalText.typographicMinus + digits : digits
    }

    /// `mantissa · 10^exponent` as `d.ddde±k` with trailing zeros dropped (`2.5e−5`, `1e6`, `0`).
    private func scientific(_ mantissa: Int) -> String {
        guard mantissa != 0 else { return "0" }
        var digits = String(abs(mantissa))
        let power = exponent + digits.count - 1
        while digits.count > 1 && digits.last == "0" { digits.removeLast() }
        if digits.count > 1 { digits.insert(".", at: digits.index(after: digits.startIndex)) }
        let sign = mantissa < 0 ? DecimalText.typographicMinus : ""
        let powerText = power < 0 ? DecimalText.typographicMinus + String(-power) : String(power)
        return sign + digits + "e" + powerText
    }
}
