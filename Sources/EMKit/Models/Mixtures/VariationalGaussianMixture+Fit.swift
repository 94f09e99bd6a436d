extension VariationalGaussianMixture {
    /// What `VariationalGaussianMixture.fit` needs besides the data.
    public struct FitOptions: Sendable {
        /// K, the number of components available; the fit switches off those it does not need.
        public var componentCount: Int
        /// The covariance structure. Default `.full`.
        public var covarianceType: CovarianceType = .full
        /// The weight prior's family. Default: Dirichlet process.
        public var weightPrior: WeightPrior = .dirichletProcess
        /// γ, the weight prior's concentration; `nil`: 1/K. Ignored when `prior` is given.
        public var weightConcentration: Double? = nil
        /// Every hyperparameter; `nil`: `Prior.defaults(for:…)` from the data.
        public var prior: Prior? = nil
        /// Added to each component's scatter per unit of weight (data units squared). Default 1e-6.
        public var regularization: Double = 1e-6
        /// How each restart starts: `.kMeans` (default), `.randomResponsibilities` or
        /// `.responsibilities(_:)`; the first M-step runs from those responsibilities.
        public var initialization: GaussianMixture.Initialization = .kMeans
        /// Tolerance (on the lower bound per sample), iterations, restarts, seed, threads, observer.
        public var em: EMOptions = EMOptions()

        /// Options for K components; the rest keep their defaults.
        public init(componentCount: Int, covarianceType: CovarianceType = .full) {
            self.componentCount = componentCount
            self.covarianceType = covarianceType
        }
    }

    /// Fits a Gaussian mixture by variational Bayes.
    ///
    /// The result's `objective` and `history` are the lower bound per sample
    /// (`lowerBound / sampleWeight`; its `logLikelihood` is 0); components keep their order (the Dirichlet-process prior
    /// depends on it).
    ///
    /// - Throws: `EMError.invalidParameter` for bad options, rows with missing values (impute
    ///   them first) or an initialisation that is not responsibility-based;
    ///   `EMError.tooManyComponents` when K exceeds the distinct samples;
    ///   `EMError.degenerateComponent` when a covariance stops being positive definite.
    public static func fit(_ data: RowDataset, options: FitOptions) throws -> EMResult<VariationalGaussianMixture> {
        let k = options.componentCount
        guard k >= 1 else {
            throw EMError.invalidParameter(name: "componentCount", value: "\(k)", expected: "an integer ≥ 1")
        }
        guard options.regularization >= 0, options.regularization.isFinite else {
            throw EMError.invalidParameter(
                name: "regularization", value: "\(options.regularization)", expected: "a finite number ≥ 0")
        }
        guard !data.hasMissingValues else {
            throw EMError.invalidParameter(
                name: "data", value: "rows with missing values",
                expected: "complete rows for a variational fit (fill them first, e.g. with 'emkit impute')")
        }
        try options.em.validate()
        try options.initialization.validate(sampleCount: data.sampleCount, componentCount: k)
        let distinct = try data.distinctRowCount(upTo: k)
        guard distinct >= k else { throw EMError.tooManyComponents(components: k, samples: distinct) }
        let prior = try options.prior
            ?? Prior.defaults(
                for: data, componentCount: k, weightPrior: options.weightPrior, weightConcentration: options.weightConcentration)
        guard prior.mean.count == data.dimension else {
            throw EMError.invalidParameter(
                name: "prior", value: "a prior for \(prior.mean.count) dimensions", expected: "one for the data's \(data.dimension) columns")
        }
        var em = options.em
        em.canonicalOrder = false
        return try ExpectationMaximization.fit(data, options: em) { _, generator in
            let start = try GaussianMixture.initialMoments(
                for: data, componentCount: k, scatterShape: options.covarianceType.scatterShape,
                initialization: options.initialization, threadCount: options.em.threadCount, using: &generator)
            return try VariationalGaussianMixture(
                moments: start.moments, entropy: start.entropy, covarianceType: options.covarianceType, prior: prior,
                regularization: options.regularization)
        }
    }
}
