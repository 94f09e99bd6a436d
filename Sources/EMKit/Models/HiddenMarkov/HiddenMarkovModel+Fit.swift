extension HiddenMarkovModel {
    /// What Baum–Welch needs besides the data and the initial emissions.
    public struct FitOptions: Sendable {
        /// The number of hidden states S.
        public var stateCount: Int
        /// What is learned, pseudo-counts.
        public var settings: FitSettings = FitSettings()
        /// Tolerance, iterations, restarts, seed, threads, observer. The engine's log-likelihood
        /// is per observation.
        public var em: EMOptions = EMOptions()
        /// Accelerate Baum–Welch with SQUAREM (`ExpectationMaximization.fitSQUAREM`);
        /// `em.maxIterations` then counts SQUAREM cycles. Default `false`.
        public var squarem: Bool = false
        /// A conjugate prior on Gaussian (or Gaussian-mixture) emissions: the M-step then returns
        /// their posterior mode (MAP-EM). Default `nil`: maximum likelihood.
        public var emissionPrior: GaussianMixturePrior? = nil
        /// Pseudo-count added to every expected count of categorical or Poisson emissions (a
        /// Dirichlet or Gamma prior; MAP). Default 0: maximum likelihood.
        public var emissionPseudoCount: Double = 0

        /// Options for an S-state model; the rest keep their defaults.
        public init(stateCount: Int) { self.stateCount = stateCount }
    }

    /// Fits by Baum–Welch from the given initial model (every restart starts from it).
    ///
    /// - Throws: `EMError.invalidParameter` for bad options or a state count that differs from the
    ///   model's, `EMError.dimensionMismatch`, `EMError.invalidObservation`, `EMError.degenerateComponent`.
    public static func fit(_ data: SequenceDataset, options: FitOptions, from start: HiddenMarkovModel) throws -> EMResult<HiddenMarkovModel> {
        guard start.stateCount == options.stateCount else {
            throw EMError.invalidParameter(
                name: "stateCount", value: "\(options.stateCount)", expected: "the \(start.stateCount) states of the initial model")
        }
        var options = options
        options.em.canonicalOrder = false
        try options.em.validate()
        var model = start
        model.fitSettings = options.settings
        // The options' emission prior, when given, replaces the start model's.
        if let prior = options.emissionPrior { model.emission = try model.emission.withPrior(prior) }
        if options.emissionPseudoCount > 0 { model.emission = try model.emission.withPseudoCount(options.emissionPseudoCount) }
        try model.validate(data)
        if options.squarem { return try ExpectationMaximization.fitSQUAREM(data, options: options.em) { _, _ in model } }
        return try ExpectationMaximization.fit(data, options: options.em) { _, _ in model }
    }

    /// Fits by Baum–Welch; each restart's emissions come from `initialEmission` (handed the
    /// restart's seeded generator), with uniform start and transition probabilities.
    ///
    /// - Throws: as `fit(_:options:from:)`.
    public static func fit(
        _ data: SequenceDataset, options: FitOptions, initialEmission: (inout SeededGenerator) throws -> Emission
    ) throws -> EMResult<HiddenMarkovModel> {
        let s = options.stateCount
        guard s >= 1 else { throw EMError.invalidParameter(name: "stateCount", value: "\(s)", expected: "an integer ≥ 1") }
        guard options.settings.startPseudoCount >= 0, options.settings.transitionPseudoCount >= 0 else {
            throw EMError.invalidParameter(name: "pseudoCount", value: "negative", expected: "pseudo-counts ≥ 0")
        }
        try options.em.validate()
        var validated = false
        let initial: (Int, inout SeededGenerator) throws -> HiddenMarkovModel = { _, generator in
            let emission = try initialEmission(&generator).withPrior(options.emissionPrior).withPseudoCount(options.emissionPseudoCount)
            guard emission.stateCount == s else {
                throw EMError.invalidParameter(name: "stateCount", value: "\(s)", expected: "the emission's \(emission.stateCount) states")
            }
            let model = try HiddenMarkovModel(
                startProbabilities: Array(repeating: 1 / Double(s), count: s),
                transitionMatrix: Matrix(rowCount: s, columnCount: s, repeating: 1 / Double(s)), emission: emission,
                fitSettings: options.settings)
            if !validated {
                try model.validate(data)
                validated = true
            }
            return model
        }
        if options.squarem { return try ExpectationMaximization.fitSQUAREM(data, options: options.em, initialModel: initial) }
        return try ExpectationMaximization.fit(data, options: options.em, initialModel: initial)
    }
}

extension HiddenMarkovModel where Emission == GaussianEmission {
    /// Fits a Gaussian HMM: each restart's means from k-means (k-means++ seeding) on all
    /// observations, covariances from the clusters, uniform start and transition probabilities.
    ///
    /// - Throws: as `fit(_:options:from:)`, and `EMError.tooManyComponents` for more states than distinct observations.
    public static func fit(
        _ data: SequenceDataset, options: FitOptions, covarianceType: CovarianceType, regularization: Double = 1e-6
    ) throws -> EMResult<HiddenMarkovModel> {
        var mixtureOptions = GaussianMixture.FitOptions(componentCount: options.stateCount, covarianceType: covarianceType)
        mixtureOptions.settings.regularization = regularization
        // The prior already shapes the initial emissions, so a cluster of one point cannot be singular.
        mixtureOptions.settings.prior = try options.emissionPrior?.forEmissions(dimension: data.dimension)
        mixtureOptions.em.threadCount = options.em.threadCount
        let distinct = try data.rows.distinctRowCount(upTo: options.stateCount)
        guard distinct >= options.stateCount else { throw EMError.tooManyComponents(components: options.stateCount, samples: distinct) }
        return try fit(data, options: options) { generator in
            GaussianEmission(gaussians: try GaussianMixture.initialMixture(for: data.rows, options: mixtureOptions, using: &generator))
        }
    }
}

extension HiddenMarkovModel where Emission == CategoricalEmission {
    /// Fits a discrete-symbol HMM: each restart's emission probabilities drawn at random around
    /// the symbols' overall frequencies, uniform start and transition probabilities.
    ///
    /// - Throws: as `fit(_:options:from:)`; `EMError.invalidObservation` for a symbol that is not a whole number ≥ 0.
    public static func fit(_ data: SequenceDataset, options: FitOptions, symbolCount: Int? = nil) throws -> EMResult<HiddenMarkovModel> {
        var frequencies: [Double] = []
        try data.rows.forEachChunk { start, count, rows, _ in
            for t in 0..<count {
                let m = rows[t * data.dimension]
                guard isCount(m), m < Double(CategoricalEmission.maximumSymbolCount) else {
                    throw EMError.invalidObservation(
                        row: start + t,
                        reason: "symbols must be whole numbers from 0 to \(CategoricalEmission.maximumSymbolCount - 1), got \(m)")
                }
                let symbol = Int(m)
                if symbol >= frequencies.count { frequencies += Array(repeating: 0, count: symbol + 1 - frequencies.count) }
                frequencies[symbol] += 1
            }
        }
        let m = max(symbolCount ?? frequencies.count, frequencies.count)
        frequencies += Array(repeating: 0, count: m - frequencies.count)
        let total = frequencies.reduce(0, +)
        return try fit(data, options: options) { generator in
            var rows: [Double] = []
            for _ in 0..<options.stateCount {
                let row = frequencies.map { ($0 + 1) / (total + Double(m)) * (0.5 + generator.nextUnitInterval()) }
                let sum = row.reduce(0, +)
                rows += row.map { $0 / sum }
            }
            return try CategoricalEmission(probabilities: Matrix(rowCount: options.stateCount, columnCount: m, elements: rows))
        }
    }
}

extension HiddenMarkovModel where Emission == PoissonEmission {
    /// Fits a Poisson HMM: each restart's rates from k-means on the counts, uniform start and transitions.
    ///
    /// - Throws: as `fit(_:options:from:)`.
    public static func fit(_ data: SequenceDataset, options: FitOptions) throws -> EMResult<HiddenMarkovModel> {
        let d = data.dimension
        try data.rows.forEachChunk { start, count, rows, _ in
            for t in 0..<count {
                for j in 0..<d where !isCount(rows[t * d + j]) {
                    throw EMError.invalidObservation(row: start + t, reason: "counts must be whole numbers ≥ 0; column \(j + 1) is \(rows[t * d + j])")
                }
            }
        }
        let distinct = try data.rows.distinctRowCount(upTo: options.stateCount)
        guard distinct >= options.stateCount else { throw EMError.tooManyComponents(components: options.stateCount, samples: distinct) }
        return try fit(data, options: options) { generator in
            let lloyd = try KMeans.seededLloyd(
                data.rows, clusterCount: options.stateCount, threadCount: options.em.threadCount, using: &generator)
            return try PoissonEmission(rates: Matrix(
                rowCount: options.stateCount, columnCount: d, elements: lloyd.centroids.elements.map { max($0, 1e-3) }))
        }
    }
}
