import Testing

@testable import EMKitPlots

/// "Nice" tick steps and their labels.
@Suite struct AxisTicksTests {
    @Test func picksOneTwoFiveSteps() {
        let ticks = AxisTicks.nice(covering: 0.13...2.61, maximumCount: 6)
        #expect(ticks.step == 0.5)
        #expect(ticks.values == [0.5, 1.0, 1.5, 2.0, 2.5])
        #expect(ticks.labels == ["0.5", "1.0", "1.5", "2.0", "2.5"])
        for (range, count) in [(0.0...1.0, 6), (-37.0...912.0, 8), (1e-7...9e-7, 5), (3.0...1e9, 7)] {
            let nice = AxisTicks.nice(covering: range, maximumCount: count)
            #expect([1, 2, 5].contains(nice.stepMantissa))
            #expect(nice.values.count <= count)
            #expect(nice.values.count >= 2)
            #expect(nice.values.allSatisfy(range.contains))
        }
    }

    @Test func computesExactValuesAndLabels() {
        let ticks = AxisTicks.nice(covering: 0...1, maximumCount: 11)
        #expect(ticks.step == 0.1)
        #expect(ticks.values[3] == 0.3)
        #expect(ticks.labels == ["0.0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "1.0"])
    }

    @Test func usesTheTypographicMinus() {
        let ticks = AxisTicks.nice(covering: -3...3, maximumCount: 4)
        #expect(ticks.labels == ["\u{2212}2", "0", "2"])
    }

    @Test func switchesToScientificNotationForExtremeMagnitudes() {
        #expect(AxisTicks.nice(covering: 0...1e7, maximumCount: 6).labels == ["0", "2e6", "4e6", "6e6", "8e6", "1e7"])
        #expect(AxisTicks.nice(covering: 0...3e-5, maximumCount: 4).labels == ["0", "1e\u{2212}5", "2e\u{2212}5", "3e\u{2212}5"])
        #expect(AxisTicks.nice(covering: 1e-5...6e-5, maximumCount: 3).labels == ["2e\u{2212}5", "4e\u{2212}5", "6e\u{2212}5"])
        #expect(AxisTicks.nice(covering: 0.2e-4...0.3e-4, maximumCount: 3).labels.contains("2.5e\u{2212}5"))
    }

    @Test func keepsIntegerStepsWhole() {
        let ticks = AxisTicks.nice(covering: -0.3...3.3, maximumCount: 20, integerStep: true)
        #expect(ticks.values == [0, 1, 2, 3])
        #expect(ticks.labels == ["0", "1", "2", "3"])
    }

    @Test func widensDegenerateRanges() {
        #expect(DataRange.padded(5...5) == 4.5...5.5)
        #expect(DataRange.padded(0...0) == -1...1)
        #expect(DataRange.padded(0...10, fraction: 0.1) == -1...11)
        #expect(DataRange.extent(of: [3, .nan, -1, .infinity]) == -1...3)
        #expect(DataRange.extent(of: [Double.nan]) == nil)
    }
}
