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
        var (mean, covariance) = try (data.hasMissingValues ? data.meanImputed() : data)
            .meanAndCovariance(fullRank: covarianceType == .full || covarianceType == .tied)
        let divisor = _pow(Double(k), 2 / Double(d))
        if covarianceType == .diagonal || covarianceType == .spherical {
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
        var parameters: [Double] = []
        var tiedSum = scale.elements
        for c in 0..<k {
            let n = moments.weights[c]
            guard n + weightPseudoCount > 0 else {
                throw EMError.degenerateComponent(component: c, iteration: 0, reason: .emptyComponent)
            }
            weights[c] = (n + weightPseudoCount) / (total + Double(k) * weightPseudoCount)
            let q = kappa * n / (kappa + n)
            var delta = [Double](repeating: 0, count: d)
            for j in 0..<d {
                let xbar = n > 0 ? moments.means[c * d + j] : mean[j]
                means[c, j] = (n * xbar + kappa * mean[j]) / (n + kappa)
                delta[j] = xbar - mean[j]
            }
            let w = scatter(c)
            switch covarianceType {
            case .full:
                var block = [Double](repeating: 0, count: d * d)
                for i in 0..<d {
                    for j in 0..<d {
                        block[i * d + j] = (scale[i, j] + w[i * d + j] + q * delta[i] * delta[j]) / (nu + n + Double(d) + 2)
                    }
                    block[i * d + i] += lambda
                }
                parameters += block
            case .tied:
                for i in 0..<d { for j in 0..<d { tiedSum[i * d + j] += w[i * d + j] + q * delta[i] * delta[j] } }
            case .diagonal:
                for j in 0..<d {
                    parameters.append((scale[j, j] + w[j * d + j] + q * delta[j] * delta[j]) / (nu + n + 3) + lambda)
                }
            case .spherical:
                var sum = (0..<d).reduce(0) { $0 + scale[$1, $1] } / Double(d)
                for j in 0..<d { sum += w[j * d + j] + q * delta[j] * delta[j] }
                parameters.append(sum / (nu + (n + 1) * Double(d) + 2) + lambda)
            }
        }
        if covarianceType == .tied {
            parameters = tiedSum.map { $0 / (nu + total + Double(k) + Double(d) + 1) }
            for j in 0..<d { parameters[j * d + j] += lambda }
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
            // The covariance's prior; tied covariances have one, counted once.
            if model.covarianceType == .tied && c > 0 { continue }
            let halfTrace = model.traceWithPrecision(component: c, scatter: scale.elements) / 2
            switch model.covarianceType {
            case .full, .tied:
                // inverse-Wishart(ν, Λ): (ν/2) log|Λ| − (νd/2) log 2 − log Γ_d(ν/2) − ((ν+d+1)/2) log|Σ| − ½ tr(Σ⁻¹Λ)
                var logMultivariateGamma = dd * (dd - 1) / 4 * _log(Double.pi)
                for j in 0..<d { logMultivariateGamma += _lgamma((nu - Double(j)) / 2) }
                let logDetScale = Cholesky(symmetric: scale.elements, dimension: d)?.logDeterminant ?? 0
                total += nu / 2 * logDetScale - nu * dd / 2 * _log(2) - logMultivariateGamma + (nu + dd + 1) * halfLogPrecision - halfTrace
            case .diagonal:
                // Π inverse-gamma(σ²ⱼ | ν/2, Λⱼⱼ/2)
                for j in 0..<d { total += nu / 2 * _log(scale[j, j] / 2) - _lgamma(nu / 2) }
                total += (nu / 2 + 1) * 2 * halfLogPrecision - halfTrace
            case .spherical:
                // inverse-gamma(σ² | ν/2, tr Λ/(2d)); tr(Σ⁻¹Λ) = tr Λ/σ²
                let rate = (0..<d).reduce(0) { $0 + scale[$1, $1] } / (2 * dd)
                total += nu / 2 * _log(rate) - _lgamma(nu / 2) + (nu / 2 + 1) * 2 * halfLogPrecision / dd - halfTrace / dd
            }
        }
        return total
    }
}
