/// Contour levels for a density: geometrically spaced, so that each line marks a constant
/// factor of density and the tails get as many lines as the peaks.
enum ContourLevels {
    /// `count` levels `low · r^i`, i = 0 … count − 1, with `low` the `lowQuantile` of the
    /// finite positive `values` (raised to at least 10⁻⁴ of the maximum) and `r` chosen so that
    /// the next level after the last would be the maximum; empty when no value is positive.
    static func geometric(for values: [Double], count: Int, lowQuantile: Double) -> [Double] {
        let positive = values.filter { $0 > 0 && $0.isFinite }.sorted()
        guard let maximum = positive.last, count > 0 else { return [] }
        let low = max(quantile(ofSorted: positive, probability: lowQuantile), maximum * 1e-4)
        guard low < maximum else { return [maximum * 0.5] }
        let ratio = exponential(naturalLogarithm(maximum / low) / Double(count))
        var levels: [Double] = []
        var level = low
        for _ in 0..<count {
            levels.append(level)
            level *= ratio
        }
        return levels
    }
}
