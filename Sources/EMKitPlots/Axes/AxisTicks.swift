/// The ticks of one axis: the multiples of a "nice" step — 1, 2 or 5 × 10ᵏ — that fall inside
/// the axis range, with their labels.
///
/// Tick values are computed from integers (`index · mantissa` scaled by 10ᵏ), so they and their
/// labels are exact: 0.3, never 0.30000000000000004.
///
/// ```swift
/// let ticks = AxisTicks.nice(covering: 0.13...2.61, maximumCount: 6)
/// ticks.values   // [0.5, 1.0, 1.5, 2.0, 2.5]
/// ticks.labels   // ["0.5", "1.0", "1.5", "2.0", "2.5"]
/// ```
public struct AxisTicks: Sendable, Equatable {
    /// The step's leading digit: 1, 2 or 5.
    public let stepMantissa: Int
    /// The step's decimal exponent k: the step is `stepMantissa · 10ᵏ`.
    public let stepExponent: Int
    /// The multiples of the step that are ticks, ascending: tick `i` is at `indices[i] · step`.
    public let indices: [Int]

    /// The distance between neighbouring ticks.
    public var step: Double { Self.scaled(stepMantissa, exponent: stepExponent) }

    /// The tick values, ascending.
    public var values: [Double] {
        indices.map { Self.scaled($0 * stepMantissa, exponent: stepExponent) }
    }

    /// The tick labels, formatted alike (see `TickLabelFormat`).
    public var labels: [String] {
        TickLabelFormat(mantissas: indices.map { $0 * stepMantissa }, exponent: stepExponent).labels
    }

    /// The ticks with the smallest nice step that puts at most `maximumCount` ticks inside `range`
    /// (and so at least about `maximumCount / 2.5` of them).
    ///
    /// - Parameters:
    ///   - range: the axis range; finite, with a positive width.
    ///   - maximumCount: the most ticks wanted, at least 1.
    ///   - integerStep: whether the step must be a whole number (for counts and iterations).
    /// - Precondition: `range` is finite and wider than zero, and narrow ranges far from zero
    ///   (width below 10⁻¹² of the magnitude) are not supported — widen them first, as
    ///   `DataRange.padded` does.
    public static func nice(covering range: ClosedRange<Double>, maximumCount: Int, integerStep: Bool = false) -> AxisTicks {
        let lower = range.lowerBound
        let upper = range.upperBound
        precondition(lower.isFinite && upper.isFinite && upper > lower, "ticks need a finite range wider than zero")
        let magnitude = max(abs(lower), abs(upper))
        precondition(upper - lower >= 1e-12 * magnitude, "the range \(range) is too narrow for its magnitude")
        let count = max(1, maximumCount)
        let roughStep = (upper - lower) / Double(count)
        var exponent = Int(decimalLogarithm(roughStep).rounded(.down)) - 1
        if integerStep { exponent = max(exponent, 0) }
        while true {
            for mantissa in [1, 2, 5] {
                let step = scaled(mantissa, exponent: exponent)
                let first = (lower / step - 1e-9).rounded(.up)
                let last = (upper / step + 1e-9).rounded(.down)
                if last - first + 1 <= Double(count) {
                    let indices = first <= last ? Array(Int(first)...Int(last)) : []
                    return AxisTicks(stepMantissa: mantissa, stepExponent: exponent, indices: indices)
                }
            }
            exponent += 1
        }
    }

    /// `mantissa · 10^exponent`, correctly rounded: negative exponents divide by an exact power of ten.
    static func scaled(_ mantissa: Int, exponent: Int) -> Double {
        exponent >= 0 ? Double(mantissa) * powerOfTen(exponent) : Double(mantissa) / powerOfTen(-exponent)
    }
}
