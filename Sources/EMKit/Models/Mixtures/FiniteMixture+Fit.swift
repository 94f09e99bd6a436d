extension FiniteMixture {
    /// How the parameters of each restart are initialised.
    public enum Initialization: Sendable {
        /// k-means++ seeding and Lloyd's k-means on the rows (binomial rows by their proportion of
        /// successes); the clusters give responsibilities for a first, lightly smoothed M-step.
        case kMeans
        /// Responsibilities drawn uniformly at random and normalised per row, then a smoothed M-step.
        case randomResponsibilities
        /// The given parameters (every restart starts from them).
        case parameters(FiniteMixture)
    }

    /// What `FiniteMixture.fit` needs besides the data.
    public struct FitOptions: Sendable {
        /// The number of components K.
        public var componentCount: Int
        /// Fixed weights, hard assignment, priors.
        public var settings: FitSettings = FitSettings()
        /// The initialisation of each restart. Default `.kMeans`.
        public var initialization: Initialization = .kMeans
        /// Tolerance, iterations, restarts, seed, threads, observer.
        public var em: EMOptions = EMOptions()
        /// When set, stepwise (mini-batch) EM; `em.maxIterations` counts epochs.
        public var stepwise: StepwiseSchedule? = nil
        /// Accelerate EM with SQUAREM (`ExpectationMaximization.fitSQUAREM`); `em.maxIterations`
        /// then counts SQUAREM cycles. Default `false`.
        public var squarem: Bool = false

        /// Options for a K-component fit; the rest keep their defaults.
        public init(componentCount: Int) { self.componentCount = componentCount }

        /// Hold the weights fixed at the initial values (equal unless given).
        public var fixWeights: Bool {
            get { settings.fixWeights }
            set { settings.fixWeights = newValue }
        }
    }

    /// Checks that every row is an observation of the family.
    ///
    /// - Throws: `EMError.invalidObservation` naming the first bad row.
    public static func validate(_ data: RowDataset) throws {
        let d = data.dimension
        try data.forEachChunk { start, count, rows, _ in
            for b in 0..<count {
                if let problem = Component.problem(with: rows + b * d, dimension: d) {
                    throw EMError.invalidObservation(row: start + b, reason: problem)
                }
            }
        }
    }

    /// Fits the mixture by EM (or stepwise EM).
    ///
    /// - Throws: `EMError.invalidObservation` for rows outside the family (heads above tosses,
    ///   fractional or negative counts, non-binary features), `EMError.tooManyComponents` when K
    ///   exceeds the distinct rows, `EMError.invalidParameter` for bad options,
    ///   `EMError.degenerateComponent` when every restart loses a component,
    ///   `EMError.impossibleSample` when a row becomes impossible (use a prior).
    public static func fit(_ data: RowDataset, options: FitOptions) throws -> EMResult<FiniteMixture> {
        let k = options.componentCount
        guard k >= 1 else {
            throw EMError.invalidParameter(name: "componentCount", value: "\(k)", expected: "an integer ≥ 1")
        }
        guard options.settings.weightPseudoCount >= 0, options.settings.weightPseudoCount.isFinite else {
            throw EMError.invalidParameter(
                name: "weightPseudoCount", value: "\(options.settings.weightPseudoCount)", expected: "a finite number ≥ 0")
        }
        try options.em.validate()
        if options.stepwise != nil && (options.settings.weightPseudoCount > 0 || options.settings.componentPrior != nil) {
            // Stepwise EM's running statistics are normalised to unit weight, against which
            // pseudo-counts would weigh as if they were the whole data set.
            throw EMError.invalidParameter(
                name: "prior", value: "pseudo-counts with stepwise EM", expected: "batch EM (drop the prior or the stepwise schedule)")
        }
        var options = options
        if case .parameters = options.initialization { options.em.canonicalOrder = false }
        try validate(data)
        if case .parameters(let given) = options.initialization {
            guard given.dimension == data.dimension else {
                throw EMError.dimensionMismatch(expected: given.dimension, actual: data.dimension)
            }
            guard given.componentCount == k else {
                throw EMError.invalidParameter(
                    name: "componentCount", value: "\(k)", expected: "the \(given.componentCount) components of the initial parameters")
            }
        } else {
            let distinct = try data.distinctRowCount(upTo: k)
            guard distinct >= k else { throw EMError.tooManyComponents(components: k, samples: distinct) }
        }
        let initial: (Int, inout SeededGenerator) throws -> FiniteMixture = { _, generator in
            try initialMixture(for: data, options: options, using: &generator)
        }
        if let schedule = options.stepwise {
            return try ExpectationMaximization.fitStepwise(data, options: options.em, schedule: schedule, initialModel: initial)
        }
        if options.squarem { return try ExpectationMaximization.fitSQUAREM(data, options: options.em, initialModel: initial) }
        return try ExpectationMaximization.fit(data, options: options.em, initialModel: initial)
    }

    static func initialMixture(
        for data: RowDataset, options: FitOptions, using generator: inout SeededGenerator
    ) throws -> FiniteMixture {
        let k = options.componentCount
        let d = data.dimension
        /// Adds every row with the responsibilities `assign` writes for it (`[K]`; called in row order).
        func accumulate(_ assign: (UnsafePointer<Double>, UnsafeMutablePointer<Double>) -> Void) throws -> FiniteMixtureStatistics<Component.Statistics> {
            var statistics = FiniteMixtureStatistics<Component.Statistics>(
                components: (0..<k).map { _ in Component.emptyStatistics(dimension: d) })
            let r = UnsafeMutablePointer<Double>.allocate(capacity: k)
            defer { r.deallocate() }
            try data.forEachChunk { _, count, rows, weights in
                for b in 0..<count {
                    let x = rows + b * d
                    let w = weights?[b] ?? 1
                    assign(x, r)
                    for c in 0..<k where r[c] * w > 0 {
                        Component.accumulate(x, weight: r[c] * w, into: &statistics.components[c])
                    }
                }
            }
            return statistics
        }
        let statistics: FiniteMixtureStatistics<Component.Statistics>
        switch options.initialization {
        case .parameters(let given):
            var start = given
            start.fitSettings = options.settings
            return start
        case .randomResponsibilities:
            // Drawn row by row as the rows are read: K uniform numbers, normalised.
            statistics = try accumulate { _, r in
                for c in 0..<k { r[c] = generator.nextUnitInterval() }
                var sum = 0.0
                for c in 0..<k { sum += r[c] }
                for c in 0..<k { r[c] /= sum }
            }
        case .kMeans:
            // k-means on the rows' seeding features, read through a view (no copy of the data).
            let width = Component.seedingFeatures(of: try data.row(0), dimension: d).count
            let features = Component.seedsOnRows && data.rowsPerChunk == RowDataset.defaultRowsPerChunk(rowCount: data.sampleCount)
                ? data
                : try RowDataset(
                    source: MappedRows(base: data.source, columnCount: width) { x, mapped in
                        for (j, value) in Component.seedingFeatures(of: x, dimension: d).enumerated() { mapped[j] = value }
                    },
                    sampleWeights: data.sampleWeights)
            let lloyd = try KMeans.seededLloyd(features, clusterCount: k, threadCount: options.em.threadCount, using: &generator)
            statistics = try lloyd.centroids.elements.withUnsafeBufferPointer { centroids in
                try accumulate { x, r in
                    let nearest = Component.seedingFeatures(of: x, dimension: d).withUnsafeBufferPointer {
                        lloyd.nearest($0.baseAddress.unsafelyUnwrapped, centroids: centroids.baseAddress.unsafelyUnwrapped).cluster
                    }
                    for c in 0..<k { r[c] = c == nearest ? 1 : 0 }
                }
            }
        }
        var settings = options.settings
        if settings.componentPrior == nil { settings.componentPrior = Component.initialSmoothing }
        let clusterWeights: [Double] = statistics.components.map { $0.sampleWeight }
        let total: Double = clusterWeights.reduce(0, +)
        // Equal weights when they are held fixed; otherwise cluster sizes, add-one smoothed.
        let weights: [Double] = options.settings.fixWeights
            ? Array(repeating: 1 / Double(k), count: k) : clusterWeights.map { ($0 + 1) / (total + Double(k)) }
        let components = try (0..<k).map { c in
            try Component.estimate(from: statistics.components[c], dimension: d, prior: settings.componentPrior)
        }
        return try FiniteMixture(weights: weights, components: components, fitSettings: options.settings)
    }
}
