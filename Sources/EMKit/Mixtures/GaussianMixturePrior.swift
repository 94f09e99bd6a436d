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

    /// The prior for a hidden Markov model's Gaussian states, whose mixture weights are unused:
    /// no weight prior.
    ///
    /// - Throws: `EMError.invalidParameter` when the dimension is not `dimension`.
    func forEmissions(dimension d: Int) throws -> GaussianMixturePrior {
        guard dimension == d else {
            throw EMError.invalidParameter(name: "prior", value: "a prior for \(dimension) dimensions", expected: "one for \(d)")
        }
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
    /// to the evidence.
    func logDensity(of model: GaussianMixture) -> Double {
        let k = model.componentCount
        let d = dimension
        let dd = Double(d)
        let kappa = shrinkage
        let nu = degreesOfFreedom
        var total = 0.0
        if weightPseudoCount > 0 {
            let alpha = 1 + weightPseudoCount
            total += _lgamma(Double(k) * alpha) - Double(k) * _lgamma(alpha)
            for weight in model.weights { total += weightPseudoCount * _log(weight) }
        }
        /// log 𝒩(μ | μ_P, Σ/κ) for a diagonal Σ with the given variances.
        func logNormalDiagonal(_ c: Int, variances: [Double]) -> Double {
            var s = -dd / 2 * _log(2 * Double.pi) + dd / 2 * _log(kappa)
            for j in 0..<d {
                let delta = model.means[c, j] - mean[j]
                s -= 0.5 * _log(variances[j]) + 0.5 * kappa * delta * delta / variances[j]
            }
            return s
        }
        /// log inverse-gamma(σ² | α, β).
        func logInverseGamma(_ variance: Double, shape: Double, rate: Double) -> Double {
            shape * _log(rate) - _lgamma(shape) - (shape + 1) * _log(variance) - rate / variance
        }
        switch model.covarianceType {
        case .full, .tied:
            let scaleFactor = Cholesky(symmetric: scale.elements, dimension: d)
            let logDetScale = scaleFactor?.logDeterminant ?? 0
            var logMultivariateGamma = dd * (dd - 1) / 4 * _log(Double.pi)
            for j in 0..<d { logMultivariateGamma += _lgamma((nu - Double(j)) / 2) }
            func logInverseWishart(_ sigma: Matrix) -> (value: Double, precision: [Double], logDet: Double) {
                guard let factor = Cholesky(symmetric: sigma.elements, dimension: d) else { return (-.infinity, [], 0) }
                let u = factor.inverseTransposed
                var precision = [Double](repeating: 0, count: d * d)
                var trace = 0.0
                for i in 0..<d {
                    for j in 0..<d {
                        var s = 0.0
                        for m in max(i, j)..<d { s += u[i * d + m] * u[j * d + m] }
                        precision[i * d + j] = s
                        trace += scale[i, j] * s
                    }
                }
                let logDet = factor.logDeterminant
                let value = nu / 2 * logDetScale - nu * dd / 2 * _log(2) - logMultivariateGamma
                    - (nu + dd + 1) / 2 * logDet - trace / 2
                return (value, precision, logDet)
            }
            func logNormal(_ c: Int, precision: [Double], logDet: Double) -> Double {
                var quadratic = 0.0
                for i in 0..<d {
                    for j in 0..<d {
                        quadratic += (model.means[c, i] - mean[i]) * precision[i * d + j] * (model.means[c, j] - mean[j])
                    }
                }
                return -dd / 2 * _log(2 * Double.pi) + dd / 2 * _log(kappa) - logDet / 2 - kappa * quadratic / 2
            }
            if model.covarianceType == .tied {
                let wishart = logInverseWishart(model.covariance(ofComponent: 0))
                total += wishart.value
                for c in 0..<k { total += logNormal(c, precision: wishart.precision, logDet: wishart.logDet) }
            } else {
                for c in 0..<k {
                    let wishart = logInverseWishart(model.covariance(ofComponent: c))
                    total += wishart.value + logNormal(c, precision: wishart.precision, logDet: wishart.logDet)
                }
            }
        case .diagonal:
            for c in 0..<k {
                let sigma = model.covariance(ofComponent: c)
                let variances = (0..<d).map { sigma[$0, $0] }
                total += logNormalDiagonal(c, variances: variances)
                for j in 0..<d { total += logInverseGamma(variances[j], shape: nu / 2, rate: scale[j, j] / 2) }
            }
        case .spherical:
            let rate = (0..<d).reduce(0) { $0 + scale[$1, $1] } / dd / 2
            for c in 0..<k {
                let variance = model.covariance(ofComponent: c)[0, 0]
                total += logNormalDiagonal(c, variances: Array(repeating: variance, count: d))
                total += logInverseGamma(variance, shape: nu / 2, rate: rate)
            }
        }
        return total
    }
}
