/// A conjugate prior on a Gaussian mixture's parameters, which turns EM into MAP-EM: the
/// M-step returns the posterior mode and the engine maximises `log-likelihood + log-prior`.
///
/// The prior is that of Fraley & Raftery (2007), as mclust's `priorControl()` uses it:
///
/// ```
/// μₖ | Σₖ ~ 𝒩(μ_P, Σₖ / κ_P)                       every covariance type
/// Σₖ ~ inverse-Wishart(ν_P, Λ_P)                   full (one Σ for tied)
/// σ²ₖⱼ ~ inverse-gamma(ν_P / 2, (Λ_P)ⱼⱼ / 2)        diagonal
/// σ²ₖ ~ inverse-gamma(ν_P / 2, tr(Λ_P) / (2d))      spherical
/// (π₁ … π_K) ~ Dirichlet(1 + a, …, 1 + a)          a = `weightPseudoCount` (0: flat, as mclust)
/// ```
///
/// With nₖ = Σᵢ rᵢₖ, x̄ₖ and Wₖ = Σᵢ rᵢₖ(xᵢ − x̄ₖ)(xᵢ − x̄ₖ)ᵀ from the E-step, δₖ = x̄ₖ − μ_P and
/// qₖ = κ_P nₖ / (κ_P + nₖ), the posterior mode is
///
/// ```
/// πₖ = (nₖ + a) / (n + K a)          μₖ = (nₖ x̄ₖ + κ_P μ_P) / (nₖ + κ_P)
/// full:       Σₖ  = (Λ_P + Wₖ + qₖ δₖδₖᵀ) / (ν_P + nₖ + d + 2)
/// tied:       Σ   = (Λ_P + Σₖ [Wₖ + qₖ δₖδₖᵀ]) / (ν_P + n + K + d + 1)
/// diagonal:   σ²ₖⱼ = ((Λ_P)ⱼⱼ + (Wₖ)ⱼⱼ + qₖ δₖⱼ²) / (ν_P + nₖ + 3)
/// spherical:  σ²ₖ  = (tr(Λ_P)/d + tr Wₖ + qₖ‖δₖ‖²) / (ν_P + (nₖ + 1) d + 2)
/// ```
///
/// A component that loses all its responsibility keeps the prior's mode, so with a prior a
/// mixture degenerates only when such a component's weight reaches 0 (use `weightPseudoCount`).
public struct GaussianMixturePrior: Sendable, Equatable {
    /// μ_P, the prior mean of every component mean, `[d]`, in data units.
    public private(set) var mean: [Double]
    /// κ_P > 0, the prior's weight on `mean` in samples (mclust: 0.01).
    public private(set) var shrinkage: Double
    /// ν_P > d − 1, the prior's degrees of freedom (mclust: d + 2).
    public private(set) var degreesOfFreedom: Double
    /// Λ_P, the inverse-Wishart scale, `d × d`, symmetric positive definite, in data units squared.
    public private(set) var scale: Matrix
    /// a ≥ 0, the pseudo-count added to every component's weight (Dirichlet(1 + a)); 0: flat.
    public private(set) var weightPseudoCount: Double

    /// A prior with the given hyperparameters.
    ///
    /// - Throws: `EMError.invalidParameter` naming the hyperparameter that is out of range.
    public init(
        mean: [Double], shrinkage: Double, degreesOfFreedom: Double, scale: Matrix, weightPseudoCount: Double = 0
    ) throws {
        let d = mean.count
        guard d >= 1, mean.allSatisfy(\.isFinite) else {
            throw EMError.invalidParameter(name: "prior mean", value: "\(mean)", expected: "d ≥ 1 finite numbers")
        }
        guard shrinkage > 0, shrinkage.isFinite else {
            throw EMError.invalidParameter(name: "prior shrinkage", value: "\(shrinkage)", expected: "a finite number > 0")
        }
        guard degreesOfFreedom > Double(d) - 1, degreesOfFreedom.isFinite else {
            throw EMError.invalidParameter(
                name: "prior degreesOfFreedom", value: "\(degreesOfFreedom)", expected: "a finite number > d − 1 = \(d - 1)")
        }
        try scale.checkCovariance(dimension: d, name: "prior scale")
        guard weightPseudoCount >= 0, weightPseudoCount.isFinite else {
            throw EMError.invalidParameter(
                name: "prior weightPseudoCount", value: "\(weightPseudoCount)", expected: "a finite number ≥ 0")
        }
        self.mean = mean
        self.shrinkage = shrinkage
        self.degreesOfFreedom = degreesOfFreedom
        self.scale = scale
        self.weightPseudoCount = weightPseudoCount
    }

    /// The dimension d the prior is for.
    public var dimension: Int { mean.count }

    /// The default prior of Fraley & Raftery (2007), built from the data as mclust's
    /// `defaultPrior` does: μ_P the data mean, κ_P = 0.01, ν_P = d + 2, and Λ_P the data's
    /// covariance (`RowDataset.meanAndCovariance`) divided by K^(2/d); for diagonal and spherical covariances,
    /// the mean of its diagonal times the identity. No prior on the weights. Missing values are
    /// replaced by their column's mean for this.
    ///
    /// - Throws: `EMError.invalidParameter` when the data have fewer than two samples, a column
    ///   without spread, or (full and tied) linearly dependent columns; errors of reading `data`.
    public static func fraleyRaftery(
        for data: RowDataset, componentCount k: Int, covarianceType: CovarianceType
    ) throws -> GaussianMixturePrior {
        let d = data.dimension
        var (mean, covariance) = try (data.hasMissingValues ? data.meanFilled() : data)
            .meanAndCovariance(fullRank: covarianceType.scatterShape == .full)
        let divisor = _pow(Double(k), 2 / Double(d))
        if covarianceType.scatterShape == .diagonal {
            let meanVariance = (0..<d).reduce(0) { $0 + covariance[$1, $1] } / Double(d)
            covariance = Matrix.identity(d)
            for j in 0..<d { covariance[j, j] = meanVariance }
        }
        covariance.elements = covariance.elements.map { $0 / divisor }
        return try GaussianMixturePrior(mean: mean, shrinkage: 0.01, degreesOfFreedom: Double(d) + 2, scale: covariance)
    }

    /// Checks that the prior is for `d`-dimensional data.
    ///
    /// - Throws: `EMError.invalidParameter` naming both dimensions.
    func check(dimension d: Int) throws {
        guard dimension == d else {
            throw EMError.invalidParameter(name: "prior", value: "a prior for \(dimension) dimensions", expected: "one for the data's \(d) columns")
        }
    }

    /// The prior for a hidden Markov model's Gaussian states, whose mixture weights are unused:
    /// no weight prior.
    ///
    /// - Throws: `EMError.invalidParameter` when the dimension is not `d`.
    func forEmissions(dimension d: Int) throws -> GaussianMixturePrior {
        try check(dimension: d)
        var result = self
        result.weightPseudoCount = 0
        return result
    }

    /// The posterior-mode parameters from the E-step's moments.
    ///
    /// - Parameters:
    ///   - scatter: component `c`'s scatter Wₖ as a full `d × d` matrix (for data with missing
    ///     values, with the conditional covariances added).
    /// - Throws: `EMError.degenerateComponent` (iteration 0) when a component has no weight and
    ///   there is no weight prior, or a covariance is not positive definite.
    func posteriorMode(
        from moments: GaussianMoments, scatter: (Int) -> [Double], covarianceType: CovarianceType,
        fitSettings: GaussianMixture.FitSettings
    ) throws -> GaussianMixture {
        let k = moments.groupCount
        let d = moments.dimension
        let kappa = shrinkage
        let nu = degreesOfFreedom
        let lambda = fitSettings.regularization
        let total = moments.weights.reduce(0, +)
        var weights = [Double](repeating: 0, count: k)
        var means = Matrix(rowCount: k, columnCount: d)
        var shrinkages = [Double](repeating: 0, count: k)
        var offsets = [[Double]](repeating: [], count: k)
        for c in 0..<k {
            let n = moments.weights[c]
            guard n + weightPseudoCount > 0 else {
                throw EMError.degenerateComponent(component: c, iteration: 0, reason: .emptyComponent)
            }
            weights[c] = (n + weightPseudoCount) / (total + Double(k) * weightPseudoCount)
            shrinkages[c] = kappa * n / (kappa + n)
            var delta = [Double](repeating: 0, count: d)
            for j in 0..<d {
                let xbar = n > 0 ? moments.means[c * d + j] : mean[j]
                means[c, j] = (n * xbar + kappa * mean[j]) / (n + kappa)
                delta[j] = xbar - mean[j]
            }
            offsets[c] = delta
        }
        let parameters = withoutActuallyEscaping(scatter) { scatter in
            covarianceType.structure.posteriorMode(
                ConjugateCovarianceMoments(
                    componentCount: k, dimension: d, scale: scale, degreesOfFreedom: nu, regularization: lambda,
                    counts: moments.weights, total: total, scatter: scatter, shrinkage: shrinkages, offsets: offsets))
        }
        return try GaussianMixture(
            covarianceType: covarianceType, weights: weights, means: means, covarianceParameters: parameters,
            fitSettings: fitSettings)
    }

    /// The log-density of `model`'s parameters under this prior (natural log, with every
    /// normalising constant), so that `log-likelihood + logDensity` is the log-posterior up
    /// to the evidence. It reads the model's precision factors: `½ log|Σₖ⁻¹|`,
    /// `(μₖ − μ_P)ᵀΣₖ⁻¹(μₖ − μ_P)` and `tr(Σₖ⁻¹Λ_P)`.
    func logDensity(of model: GaussianMixture) -> Double {
        let k = model.componentCount
        let d = dimension
        let dd = Double(d)
        let nu = degreesOfFreedom
        var total = 0.0
        if weightPseudoCount > 0 {
            let alpha = 1 + weightPseudoCount
            total += _lgamma(Double(k) * alpha) - Double(k) * _lgamma(alpha)
            for weight in model.weights { total += weightPseudoCount * _log(weight) }
        }
        for c in 0..<k {
            // 𝒩(μₖ | μ_P, Σₖ/κ), the same for every covariance type.
            let offset = (0..<d).map { model.means[c, $0] - mean[$0] }
            let halfLogPrecision = model.halfLogPrecisionDeterminants[c]
            total += -dd / 2 * logTwoPi + dd / 2 * _log(shrinkage) + halfLogPrecision
                - shrinkage / 2 * model.squaredMahalanobis(component: c, offset: offset)
            // The covariance's prior; a shared covariance has one, counted once.
            let structure = model.covarianceType.structure
            if structure.componentStride(dimension: d) == nil && c > 0 { continue }
            let halfTrace = model.traceWithPrecision(component: c, scatter: scale.elements) / 2
            total += structure.logPriorDensity(halfLogPrecision: halfLogPrecision, halfTrace: halfTrace, scale: scale, degreesOfFreedom: nu)
        }
        return total
    }
}
