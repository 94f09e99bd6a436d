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
        /// The emission family's own settings (`GaussianEmission.FitSettings`: the covariance
        /// structure and regularisation; categorical: the symbol count; …).
        public var emission = Emission.FitSettings()
        /// Every restart starts from this model when given (transitions at zero stay zero);
        /// otherwise from the emission family's initialiser with uniform start and transition
        /// probabilities. Default `nil`.
        public var start: HiddenMarkovModel? = nil

        /// Options for an S-state model; the rest keep their defaults.
        public init(stateCount: Int) { self.stateCount = stateCount }
    }

    /// Fits by Baum–Welch, from `options.start` or from the emission family's initialiser
    /// (`HMMEmission.initializer(for:options:)`) with uniform start and transition probabilities.
    /// The one fitting call of every HMM, whatever its emissions.
    ///
    /// - Throws: as `fit(_:options:from:)` and the emission family's initialiser.
    public static func fit(_ data: SequenceDataset, options: FitOptions) throws -> EMResult<HiddenMarkovModel> {
        if let start = options.start { return try fit(data, options: options, from: start) }
        guard options.stateCount >= 1 else {
            throw EMError.invalidParameter(name: "stateCount", value: "\(options.stateCount)", expected: "an integer ≥ 1")
        }
        return try fit(data, options: options, initialEmission: try Emission.initializer(for: data, options: options))
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

extension GaussianEmission {
    /// The settings of a Gaussian emission fit.
    public struct FitSettings: EmissionFitSettings {
        /// The covariance structure. Default `.full`.
        public var covarianceType: CovarianceType = .full
        /// Added to every covariance diagonal in the M-step. Default 1e-6.
        public var regularization: Double = 1e-6
        /// The defaults.
        public init() {}
    }

    /// Each restart's means from k-means (k-means++ seeding) on all observations, covariances
    /// from the clusters.
    ///
    /// - Throws: `EMError.tooManyComponents` for more states than distinct observations.
    public static func initializer(
        for data: SequenceDataset, options: HiddenMarkovModel<GaussianEmission>.FitOptions
    ) throws -> (inout SeededGenerator) throws -> GaussianEmission {
        var mixtureOptions = GaussianMixture.FitOptions(componentCount: options.stateCount, covarianceType: options.emission.covarianceType)
        mixtureOptions.settings.regularization = options.emission.regularization
        // The prior already shapes the initial emissions, so a cluster of one point cannot be singular.
        mixtureOptions.settings.prior = try options.emissionPrior?.forEmissions(dimension: data.dimension)
        mixtureOptions.em.threadCount = options.em.threadCount
        let distinct = try data.rows.distinctRowCount(upTo: options.stateCount)
        guard distinct >= options.stateCount else { throw EMError.tooManyComponents(components: options.stateCount, samples: distinct) }
        return { generator in
            GaussianEmission(gaussians: try GaussianMixture.initialMixture(for: data.rows, options: mixtureOptions, using: &generator))
        }
    }
}

extension HiddenMarkovModel where Emission == GaussianEmission {
    /// `fit(_:options:)` with the covariance structure and regularisation given here.
    ///
    /// - Throws: as `fit(_:options:)`.
    public static func fit(
        _ data: SequenceDataset, options: FitOptions, covarianceType: CovarianceType, regularization: Double = 1e-6
    ) throws -> EMResult<HiddenMarkovModel> {
        var options = options
        options.emission.covarianceType = covarianceType
        options.emission.regularization = regularization
        return try fit(data, options: options)
    }
}

extension HiddenMarkovModel where Emission == CategoricalEmission {
    /// `fit(_:options:)` with the number of symbols given here (at least the largest symbol + 1).
    ///
    /// - Throws: as `fit(_:options:)`.
    public static func fit(_ data: SequenceDataset, options: FitOptions, symbolCount: Int?) throws -> EMResult<HiddenMarkovModel> {
        var options = options
        options.emission.symbolCount = symbolCount
        return try fit(data, options: options)
    }
}
