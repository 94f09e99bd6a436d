import Testing

@testable import EMKitPlots

/// Freedman–Diaconis binning.
@Suite struct HistogramBinsTests {
    @Test func keepsBetweenTenAndEightyBinsForContinuousData() throws {
        // A deterministic, irregular sample: fractional parts of multiples of an irrational number.
        let spread = (1...1000).map { (Double($0) * 0.618_033_988_749_895).truncatingRemainder(dividingBy: 1) }
        let withOutlier = spread + [1000]  // the rule asks for ~10⁴ bins
        let few = Array(spread.prefix(12))  // the rule asks for ~2 bins
        let manyBins = try #require(HistogramBins.freedmanDiaconis(withOutlier))
        let fewBins = try #require(HistogramBins.freedmanDiaconis(few))
        #expect(manyBins.counts.count == 80)
        #expect(fewBins.counts.count == 10)
        #expect(manyBins.total == 1001)
        #expect(fewBins.total == 12)
    }

    @Test func densitiesIntegrateToOne() throws {
        let values = (0..<300).map { Double($0 % 17) * 0.37 + Double($0 % 5) }
        let bins = try #require(HistogramBins.freedmanDiaconis(values))
        let area = bins.densities.reduce(0) { $0 + $1 * bins.width }
        #expect(abs(area - 1) < 1e-12)
    }

    @Test func alignsBinsWithTheDataResolution() throws {
        let bins = try #require(HistogramBins.freedmanDiaconis(PlotFixtures.petalWidths))
        #expect(abs(bins.width - 0.2) < 1e-12)
        #expect(abs(bins.start - 0.05) < 1e-12)
        #expect(bins.total == 150)
        let resolution = try #require(HistogramBins.latticeResolution(ofSorted: [0.2, 0.5, 0.9, 1.0]))
        #expect(abs(resolution - 0.1) < 1e-12)
        #expect(HistogramBins.latticeResolution(ofSorted: [0, 1, 1.4142135623730951, 3.14159]) == nil)
    }

    @Test func handlesASingleValueAndEqualValues() throws {
        for values in [[2.5], [7.0, 7, 7, 7], [0.0, 0]] {
            let bins = try #require(HistogramBins.freedmanDiaconis(values))
            #expect(bins.counts.count == 11)
            #expect(bins.total == values.count)
            #expect(bins.counts[5] == values.count)
            #expect(abs((bins.start + bins.end) / 2 - values[0]) < 1e-12)
        }
    }

    @Test func skipsNonFiniteValues() throws {
        let bins = try #require(HistogramBins.freedmanDiaconis([1, .nan, 2, .infinity, 3, -.infinity, 4]))
        #expect(bins.total == 4)
        #expect(HistogramBins.freedmanDiaconis([.nan, .infinity]) == nil)
        #expect(HistogramBins.freedmanDiaconis([]) == nil)
    }

    @Test func fallsBackWhenTheInterquartileRangeIsZero() throws {
        let values = Array(repeating: 1.0, count: 50) + [0.0, 2.0, 3.5]
        let bins = try #require(HistogramBins.freedmanDiaconis(values))
        #expect((1...80).contains(bins.counts.count))
        #expect(bins.total == values.count)
    }
}
