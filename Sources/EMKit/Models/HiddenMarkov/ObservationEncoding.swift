/// How an observation of a hidden Markov model is read as a row of a component family, so that
/// one family (`Poisson`, `Categorical`, `NegativeBinomial`, …) serves mixtures and HMMs alike.
///
/// Most families read an observation exactly as a mixture reads a row (`RowObservations`).
/// Categorical observations are usually one symbol each: `SymbolObservations` reads the symbol
/// `m` as the sparse form of the one-hot count row with a 1 in column `m`, so the densities,
/// statistics and M-step are `Categorical`'s own.
public protocol ObservationEncoding: Sendable {
    /// The family whose components the states hold.
    associatedtype Component: MixtureComponent

    /// The number of values per observation for components of `componentDimension` values per row.
    static func observationWidth(componentDimension: Int) -> Int

    /// `log p(x)` of the observation `x` under `component`.
    static func logDensity(of component: Component, at x: UnsafePointer<Double>) -> Double

    /// The parameter-free part of `log p(x)`, once per observation (`MixtureComponent.logBaseMeasure`).
    static func logBaseMeasure(at x: UnsafePointer<Double>, componentDimension: Int) -> Double

    /// `log p(x)` under `component` given `base = logBaseMeasure(at: x)`.
    static func logDensity(of component: Component, at x: UnsafePointer<Double>, base: Double) -> Double

    /// Adds the observation `x` with weight `weight` to a component's statistics.
    static func accumulate(_ x: UnsafePointer<Double>, weight: Double, into statistics: inout Component.Statistics)

    /// One random observation from `component`.
    static func sample(from component: Component, using generator: inout some RandomNumberGenerator) -> [Double]

    /// Why `x` is not a valid observation for components of `componentDimension`, or `nil`.
    static func problem(with x: UnsafePointer<Double>, componentDimension: Int) -> String?

    /// What fitting these emissions takes besides the model's options.
    associatedtype FitSettings: EmissionFitSettings

    /// Checks `data` and returns how each restart draws one component per state.
    ///
    /// - Throws: `EMError.invalidObservation`, `EMError.tooManyComponents`.
    static func initializer(
        for data: SequenceDataset, stateCount: Int, settings: FitSettings, threadCount: Int?
    ) throws -> (inout SeededGenerator) throws -> [Component]
}

/// Observations that are rows of the family, as a mixture reads them (`d` counts for Poisson).
/// Sampling draws one trial for families that count trials.
public enum RowObservations<Component: MixtureComponent>: ObservationEncoding {
    public static func observationWidth(componentDimension: Int) -> Int { componentDimension }

    @inline(__always)
    public static func logDensity(of component: Component, at x: UnsafePointer<Double>) -> Double {
        component.logDensity(x)
    }

    @inline(__always)
    public static func logBaseMeasure(at x: UnsafePointer<Double>, componentDimension: Int) -> Double {
        Component.logBaseMeasure(of: x, dimension: componentDimension)
    }

    @inline(__always)
    public static func logDensity(of component: Component, at x: UnsafePointer<Double>, base: Double) -> Double {
        component.logDensity(x, base: base)
    }

    @inline(__always)
    public static func accumulate(_ x: UnsafePointer<Double>, weight: Double, into statistics: inout Component.Statistics) {
        Component.accumulate(x, weight: weight, into: &statistics)
    }

    public static func sample(from component: Component, using generator: inout some RandomNumberGenerator) -> [Double] {
        component.sample(trials: 1, using: &generator)
    }

    public static func problem(with x: UnsafePointer<Double>, componentDimension: Int) -> String? {
        Component.problem(with: x, dimension: componentDimension)
    }

    public typealias FitSettings = NoEmissionSettings

    /// Each restart's states start as a mixture of the family fitted to all observations
    /// starts: k-means on the rows (k-means++ seeding), then a lightly smoothed M-step per cluster.
    public static func initializer(
        for data: SequenceDataset, stateCount: Int, settings: NoEmissionSettings, threadCount: Int?
    ) throws -> (inout SeededGenerator) throws -> [Component] {
        try FiniteMixture<Component>.validate(data.rows)
        let distinct = try data.rows.distinctRowCount(upTo: stateCount)
        guard distinct >= stateCount else { throw EMError.tooManyComponents(components: stateCount, samples: distinct) }
        var mixtureOptions = FiniteMixture<Component>.FitOptions(componentCount: stateCount)
        mixtureOptions.em.threadCount = threadCount
        return { generator in try FiniteMixture<Component>.initialMixture(for: data.rows, options: mixtureOptions, using: &generator).components }
    }
}

/// Categorical observations as one symbol each, a whole number `0 ..< M` in a single column: the
/// sparse form of `Categorical`'s one-hot count row, with the same density (`log pₘ`), statistics
/// and M-step.
public enum SymbolObservations: ObservationEncoding {
    public typealias Component = Categorical

    public static func observationWidth(componentDimension: Int) -> Int { 1 }

    @inline(__always)
    public static func logDensity(of component: Categorical, at x: UnsafePointer<Double>) -> Double {
        _log(component.probabilities[Int(x[0])])
    }

    /// 0: a single symbol's multinomial coefficient is 1.
    public static func logBaseMeasure(at x: UnsafePointer<Double>, componentDimension: Int) -> Double { 0 }

    @inline(__always)
    public static func logDensity(of component: Categorical, at x: UnsafePointer<Double>, base: Double) -> Double {
        base + _log(component.probabilities[Int(x[0])])
    }

    @inline(__always)
    public static func accumulate(_ x: UnsafePointer<Double>, weight: Double, into statistics: inout WeightedSums) {
        statistics.sampleWeight += weight
        statistics.sums[Int(x[0])] += weight
    }

    public static func sample(from component: Categorical, using generator: inout some RandomNumberGenerator) -> [Double] {
        let counts = component.sample(trials: 1, using: &generator)
        return [Double(counts.firstIndex(of: 1) ?? 0)]
    }

    public static func problem(with x: UnsafePointer<Double>, componentDimension: Int) -> String? {
        let m = x[0]
        guard isCount(m), m < Double(componentDimension) else {
            return "symbols must be whole numbers from 0 to \(componentDimension - 1), got \(m)"
        }
        return nil
    }

    /// The settings of a categorical emission fit.
    public struct FitSettings: EmissionFitSettings {
        /// The number of symbols M, at least the largest symbol + 1; `nil`: the largest symbol + 1.
        public var symbolCount: Int? = nil
        /// The defaults.
        public init() {}
    }

    /// The most symbols a fit takes, 65 536: the emission matrix holds states × symbols values, so
    /// a stray large symbol must not size it.
    public static let maximumSymbolCount = 1 << 16

    /// Each restart's emission probabilities drawn at random around the symbols' overall
    /// frequencies (add-one smoothed, each scaled by a uniform factor in [0.5, 1.5), renormalised).
    ///
    /// - Throws: `EMError.invalidObservation` for a symbol that is not a whole number below 65 536.
    public static func initializer(
        for data: SequenceDataset, stateCount: Int, settings: FitSettings, threadCount: Int?
    ) throws -> (inout SeededGenerator) throws -> [Categorical] {
        var frequencies: [Double] = []
        try data.rows.forEachChunk { start, count, rows, _ in
            for t in 0..<count {
                let m = rows[t * data.dimension]
                guard isCount(m), m < Double(maximumSymbolCount) else {
                    throw EMError.invalidObservation(
                        row: start + t, reason: "symbols must be whole numbers from 0 to \(maximumSymbolCount - 1), got \(m)")
                }
                let symbol = Int(m)
                if symbol >= frequencies.count { frequencies += Array(repeating: 0, count: symbol + 1 - frequencies.count) }
                frequencies[symbol] += 1
            }
        }
        let m = max(settings.symbolCount ?? frequencies.count, frequencies.count)
        frequencies += Array(repeating: 0, count: m - frequencies.count)
        let total = frequencies.reduce(0, +)
        return { generator in
            try (0..<stateCount).map { _ in
                let row = frequencies.map { ($0 + 1) / (total + Double(m)) * (0.5 + generator.nextUnitInterval()) }
                let sum = row.reduce(0, +)
                return try Categorical(probabilities: row.map { $0 / sum })
            }
        }
    }
}
