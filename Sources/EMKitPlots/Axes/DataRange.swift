/// Axis ranges derived from data: the extent of the finite values, widened so that nothing
/// sits on the frame and so that a single value still gets a visible range.
public enum DataRange {
    /// The smallest and largest finite value, or `nil` when there is none.
    public static func extent<Values: Sequence>(of values: Values) -> ClosedRange<Double>? where Values.Element == Double {
        var lowest = Double.infinity
        var highest = -Double.infinity
        for value in values where value.isFinite {
            lowest = min(lowest, value)
            highest = max(highest, value)
        }
        return lowest <= highest ? lowest...highest : nil
    }

    /// `range` widened by `fraction` of its width on each side. A range too narrow to draw (a
    /// single value, or a width below 10⁻⁹ of its magnitude) becomes its centre ± 10 % of the
    /// centre's magnitude, or ± 1 around zero.
    public static func padded(_ range: ClosedRange<Double>, fraction: Double = 0.05) -> ClosedRange<Double> {
        let center = range.lowerBound / 2 + range.upperBound / 2
        let span = range.upperBound - range.lowerBound
        let magnitude = max(abs(range.lowerBound), abs(range.upperBound))
        if !(span > 1e-9 * magnitude) || !span.isFinite {
            let half = magnitude > 0 ? 0.1 * abs(center) : 1
            return (center - half)...(center + half)
        }
        return (range.lowerBound - fraction * span)...(range.upperBound + fraction * span)
    }

    /// The smallest range containing both `first` and `second`.
    public static func union(_ first: ClosedRange<Double>, _ second: ClosedRange<Double>) -> ClosedRange<Double> {
        min(first.lowerBound, second.lowerBound)...max(first.upperBound, second.upperBound)
    }
}
