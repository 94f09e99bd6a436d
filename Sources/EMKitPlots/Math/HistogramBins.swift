/// Equal-width histogram bins and the number of values in each.
///
/// `freedmanDiaconis(_:)` chooses the width by the Freedman–Diaconis rule, `2 · IQR · n^(−1/3)`,
/// and then keeps the number of bins between 10 and 80. Values recorded to a fixed resolution
/// (Iris measurements are in steps of 0.1 cm) get bins a whole number of resolution steps wide,
/// centred on the recorded values: otherwise neighbouring bins would hold alternately two and
/// three of the possible values and the histogram would show a comb that is not in the data.
/// Bins are never narrower than that resolution, even when this leaves fewer than 10. Values
/// that are all equal get 11 bins centred on them.
struct HistogramBins: Sendable, Equatable {
    /// The left edge of the first bin.
    let start: Double
    /// The width of every bin, positive.
    let width: Double
    /// The number of values in each bin.
    let counts: [Int]

    /// The fewest bins `freedmanDiaconis(_:)` makes (unless the data's resolution forbids).
    static let minimumBinCount = 10
    /// The most bins `freedmanDiaconis(_:)` makes.
    static let maximumBinCount = 80

    /// The number of values counted.
    var total: Int { counts.reduce(0, +) }

    /// The right edge of the last bin.
    var end: Double { start + width * Double(counts.count) }

    /// The left edge of bin `index`.
    func leftEdge(ofBin index: Int) -> Double { start + width * Double(index) }

    /// Each bin's height as a density: its count divided by (total count × bin width), so the
    /// bars' areas sum to 1 and compare directly with a probability density.
    var densities: [Double] {
        let scale = 1 / (Double(max(total, 1)) * width)
        return counts.map { Double($0) * scale }
    }

    /// Bins for `values` (NaN and infinities are skipped) by the Freedman–Diaconis rule; `nil`
    /// when no value is finite.
    static func freedmanDiaconis(_ values: [Double]) -> HistogramBins? {
        let sorted = values.filter(\.isFinite).sorted()
        guard let lowest = sorted.first, let highest = sorted.last else { return nil }
        let range = highest - lowest
        guard range > 1e-12 * max(abs(lowest), abs(highest)) else {
            // All values equal: eleven bins over the padded range, the values in the middle one.
            let padded = DataRange.padded(lowest...highest)
            let count = minimumBinCount + 1
            let width = (padded.upperBound - padded.lowerBound) / Double(count)
            return binned(sorted, start: lowest - width * Double(count) / 2, width: width, count: count)
        }
        let count = Double(sorted.count)
        let interquartileRange =
            quantile(ofSorted: sorted, probability: 0.75) - quantile(ofSorted: sorted, probability: 0.25)
        var ruleWidth = 2 * interquartileRange / exponential(naturalLogarithm(count) / 3)
        if !(ruleWidth > 0) {
            // More than half the values are equal: fall back on the standard deviation (Scott's rule).
            let mean = sorted.reduce(0, +) / count
            let deviation = (sorted.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / count).squareRoot()
            ruleWidth = 3.49 * deviation / exponential(naturalLogarithm(count) / 3)
        }
        // Clamped as a Double first: one far outlier makes range / width larger than any Int.
        let binCount = Int(min(Double(maximumBinCount), max(Double(minimumBinCount), (range / ruleWidth).rounded(.up))))
        let width = range / Double(binCount)
        if let resolution = latticeResolution(ofSorted: sorted) {
            var steps = Int(min(Double(Int32.max), max(1, (width / resolution).rounded())))
            func latticeCount(_ steps: Int) -> Double {
                ((range + resolution) / (Double(steps) * resolution) - 1e-9).rounded(.up)
            }
            // Start the search near the answer: stepping up from 1 would take forever on a wide range.
            let fewest = ((range + resolution) / (resolution * Double(maximumBinCount))).rounded(.down)
            steps = max(steps, Int(min(Double(Int32.max), max(1, fewest))))
            while latticeCount(steps) > Double(maximumBinCount) { steps += 1 }
            return binned(
                sorted, start: lowest - resolution / 2, width: Double(steps) * resolution, count: Int(latticeCount(steps)))
        }
        return binned(sorted, start: lowest, width: width, count: binCount)
    }

    /// Counts `values` into `count` bins of `width` from `start`; values on the last edge (and any
    /// rounding past either end) go into the outermost bins.
    static func binned(_ values: [Double], start: Double, width: Double, count: Int) -> HistogramBins {
        var counts = Array(repeating: 0, count: count)
        for value in values {
            let position = ((value - start) / width).rounded(.down)
            let index = position < 0 ? 0 : (position >= Double(count) ? count - 1 : Int(position))
            counts[index] += 1
        }
        return HistogramBins(start: start, width: width, counts: counts)
    }

    /// The step δ of the grid the values lie on — every gap between distinct values a whole
    /// multiple of δ — or `nil` when they lie on no grid coarser than 10⁻⁵ of their range.
    static func latticeResolution(ofSorted sorted: [Double]) -> Double? {
        var distinct: [Double] = []
        for value in sorted where distinct.last != value { distinct.append(value) }
        guard distinct.count >= 2, let first = distinct.first, let last = distinct.last else { return nil }
        let gaps = zip(distinct.dropFirst(), distinct).map { $0 - $1 }
        guard let smallestGap = gaps.min(), smallestGap > 0 else { return nil }
        for divisor in 1...10 {
            let step = smallestGap / Double(divisor)
            guard (last - first) / step <= 1e5 else { return nil }
            let onGrid = gaps.allSatisfy { gap in
                let steps = gap / step
                return abs(steps - steps.rounded()) <= 1e-4
            }
            if onGrid { return step }
        }
        return nil
    }
}
