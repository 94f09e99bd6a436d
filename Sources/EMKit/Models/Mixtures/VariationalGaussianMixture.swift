/// A Gaussian mixture fitted by variational Bayes (mean-field VB, Bishop 2006 §10.2; Blei &
/// Jordan 2006 for the Dirichlet-process weights), the model of scikit-learn's
/// `BayesianGaussianMixture`.
///
/// The parameters are not point estimates but distributions: q(π) is a Dirichlet (or, for the
/// Dirichlet-process prior, a product of stick-breaking Betas), and each component's
/// q(μₖ, Λₖ) = 𝒩(μₖ | mₖ, (βₖΛₖ)⁻¹) · Wishart(Λₖ | Wₖ, νₖ). The iteration alternates:
///
/// - E-step: `log ρᵢₖ = E[log πₖ] + ½E[log |Λₖ|] − ½d log 2π − ½(d/βₖ + νₖ (xᵢ − mₖ)ᵀWₖ(xᵢ − mₖ))`,
///   responsibilities `rᵢₖ = ρᵢₖ / Σⱼ ρᵢⱼ`;
/// - M-step: the hyperparameters from the responsibility-weighted moments (`maximized(from:)`).
///
/// Components the data do not need are switched off: their expected weight falls towards the
/// prior's (with the Dirichlet-process prior and a small concentration, towards 0).
///
/// The objective is the variational lower bound in scikit-learn's form, which leaves out terms
/// that do not depend on the variational parameters (so its value, not its changes, differs from
/// the complete evidence lower bound by a constant). It never decreases.
public struct VariationalGaussianMixture: Sendable {
    /// The prior on the mixing weights.
    public enum WeightPrior: String, Sendable, CaseIterable, Codable {
        /// A Dirichlet process, truncated at K components, by stick-breaking:
        /// `vₖ ~ Beta(1, γ)`, `πₖ = vₖ Πⱼ<ₖ (1 − vⱼ)`. Favours few components, in order.
        case dirichletProcess = "dirichlet-process"
        /// A symmetric Dirichlet(γ, …, γ) distribution.
        case dirichletDistribution = "dirichlet"
    }

    /// The hyperparameters of the prior.
    public struct Prior: Sendable, Equatable {
        /// The weight prior's family.
        public private(set) var weightPrior: WeightPrior
        /// γ > 0, the weight prior's concentration (scikit-learn's default 1/K).
        public private(set) var weightConcentration: Double
        /// β₀ > 0, the precision of the means' prior in units of the component precision (default 1).
        public private(set) var meanPrecision: Double
        /// m₀, the prior mean of every component mean, `[d]` (default: the data mean).
        public private(set) var mean: [Double]
        /// ν₀ > d − 1, the Wishart prior's degrees of freedom (default d).
        public private(set) var degreesOfFreedom: Double
        /// Ψ₀, the prior covariance, `d × d` symmetric positive definite (default: the data's
        /// covariance, divisor n − 1). Diagonal types use its diagonal, spherical the mean of it.
        public private(set) var covariance: Matrix

        /// A prior with the given hyperparameters.
        ///
        /// - Throws: `EMError.invalidParameter` naming the hyperparameter that is out of range.
        public init(
            weightPrior: WeightPrior, weightConcentration: Double, meanPrecision: Double, mean: [Double],
            degreesOfFreedom: Double, covariance: Matrix
        ) throws {
            let d = mean.count
            func check(_ ok: Bool, _ name: String, _ value: Double, _ expected: String) throws {
                guard ok else { throw EMError.invalidParameter(name: name, value: "\(value)", expected: expected) }
            }
            try check(weightConcentration > 0 && weightConcentration.isFinite, "weightConcentration", weightConcentration, "a finite number > 0")
            try check(meanPrecision > 0 && meanPrecision.isFinite, "meanPrecision", meanPrecision, "a finite number > 0")
            try check(
                degreesOfFreedom > Double(d) - 1 && degreesOfFreedom.isFinite, "degreesOfFreedom", degreesOfFreedom,
                "a finite number > d − 1 = \(d - 1)")
            guard d >= 1, mean.allSatisfy(\.isFinite) else {
                throw EMError.invalidParameter(name: "mean", value: "\(mean)", expected: "d ≥ 1 finite numbers")
            }
            try covariance.checkCovariance(dimension: d, name: "covariance")
            self.weightPrior = weightPrior
            self.weightConcentration = weightConcentration
            self.meanPrecision = meanPrecision
            self.mean = mean
            self.degreesOfFreedom = degreesOfFreedom
            self.covariance = covariance
        }

        /// scikit-learn's defaults: γ = 1/K (or `weightConcentration`), β₀ = 1, m₀ the data mean,
        /// ν₀ = d, Ψ₀ the data covariance (`RowDataset.meanAndCovariance`).
        ///
        /// - Throws: `EMError.invalidParameter` for fewer than two samples, a constant column
        ///   (named) or linearly dependent columns.
        public static func defaults(
            for data: RowDataset, componentCount k: Int, weightPrior: WeightPrior = .dirichletProcess,
            weightConcentration: Double? = nil
        ) throws -> Prior {
            let (mean, covariance) = try data.meanAndCovariance(fullRank: true)
            return try Prior(
                weightPrior: weightPrior, weightConcentration: weightConcentration ?? 1 / Double(k), meanPrecision: 1,
                mean: mean, degreesOfFreedom: Double(data.dimension), covariance: covariance)
        }
    }

    /// The covariance structure.
    public var covarianceType: CovarianceType { gaussians.covarianceType }
    /// The prior.
    public let prior: Prior
    /// Added to each component's scatter per unit of weight (scikit-learn's `reg_covar`), data units squared.
    public let regularization: Double
    /// The weight distribution's parameters: αₖ (Dirichlet), or the stick-breaking Betas' first
    /// parameters aₖ (Dirichlet process); `[K]`.
    public private(set) var weightConcentration: [Double]
    /// The stick-breaking Betas' second parameters bₖ (Dirichlet process); empty for a Dirichlet.
    public private(set) var weightConcentrationRest: [Double]
    /// βₖ, the precision scale of q(μₖ), `[K]`.
    public private(set) var meanPrecision: [Double]
    /// νₖ, the Wishart degrees of freedom, `[K]` (all equal for tied covariances).
    public private(set) var degreesOfFreedom: [Double]
    /// The means mₖ and the covariances Σ̂ₖ = (νₖWₖ)⁻¹ as a Gaussian mixture whose weights are
    /// the E-step's `exp(E[log πₖ] + ½E[log|Λₖ|] − ½d log|νₖWₖ| − ½d/βₖ)`, normalised: its
    /// responsibilities are the variational ones.
    var gaussians: GaussianMixture
    /// log Σₖ of those weights before normalisation.
    var logWeightNormalizer: Double
    /// −Σᵢ Σₖ rᵢₖ log rᵢₖ of the responsibilities these parameters were computed from.
    var responsibilityEntropy: Double

    /// The number of components K.
    public var componentCount: Int { gaussians.componentCount }
    /// The dimension d.
    public var dimension: Int { gaussians.dimension }
    /// The means mₖ, `K × d`.
    public var means: Matrix { gaussians.means }
    /// Σ̂ₖ = (νₖWₖ)⁻¹, the covariance at the expected precision, as a full `d × d` matrix.
    public func covariance(ofComponent k: Int) -> Matrix { gaussians.covariance(ofComponent: k) }

    /// The expected mixing weights E[πₖ], `[K]`, summing to 1.
    public var weights: [Double] {
        switch prior.weightPrior {
        case .dirichletDistribution:
            let total = weightConcentration.reduce(0, +)
            return weightConcentration.map { $0 / total }
        case .dirichletProcess:
            var remaining = 1.0
            var result: [Double] = []
            for (a, b) in zip(weightConcentration, weightConcentrationRest) {
                result.append(remaining * a / (a + b))
                remaining *= b / (a + b)
            }
            let total = result.reduce(0, +)
            return result.map { $0 / total }
        }
    }

    /// The point estimate: expected weights, means mₖ and covariances Σ̂ₖ, as a Gaussian mixture
    /// (what `emkit fit --model vb-gaussian` writes).
    public var pointEstimate: GaussianMixture {
        // The covariances are already factorised, so this cannot fail.
        (try? GaussianMixture(
            covarianceType: covarianceType, weights: weights, means: means, covarianceParameters: gaussians.covarianceParameters,
            fitSettings: .init(regularization: regularization))) ?? gaussians
    }

    /// The most probable component of each row under the variational responsibilities.
    ///
    /// - Throws: `EMError.dimensionMismatch`, `EMError.nonFiniteValue`.
    public func predict(_ samples: Matrix) throws -> [Int] { try gaussians.predict(samples) }

    /// The variational responsibilities of each row, `N × K`.
    ///
    /// - Throws: `EMError.dimensionMismatch`, `EMError.nonFiniteValue`.
    public func responsibilities(_ samples: Matrix) throws -> Matrix { try gaussians.predictProbabilities(samples) }
}

extension VariationalGaussianMixture {
    /// The hyperparameters given the responsibility-weighted moments (N, x̄ₖ, Wₖ), as
    /// scikit-learn computes them (with its 10ε added to every Nₖ, and `regularization` added to
    /// the scatter per unit weight):
    ///
    /// ```
    /// βₖ = β₀ + Nₖ,  mₖ = (β₀m₀ + Nₖx̄ₖ)/βₖ,  νₖ = ν₀ + Nₖ  (tied: ν = ν₀ + N/K),  δₖ = x̄ₖ − m₀
    /// full: Σ̂ₖ = (Ψ₀ + Wₖ + Nₖ r I + (Nₖβ₀/βₖ) δₖδₖᵀ) / νₖ
    /// tied: Σ̂ = (Ψ₀ + (ΣₖWₖ)/K + (N/K) r I + (β₀/K) Σₖ (Nₖ/βₖ) δₖδₖᵀ) / ν
    /// diagonal: σ̂²ₖⱼ = ((Ψ₀)ⱼⱼ + (Wₖ)ⱼⱼ + Nₖ r + (Nₖβ₀/βₖ) δₖⱼ²) / νₖ
    /// spherical: σ̂²ₖ = (tr Ψ₀/d + (tr Wₖ)/d + Nₖ r + (Nₖβ₀/βₖ)‖δₖ‖²/d) / νₖ
    /// Dirichlet: αₖ = γ + Nₖ;   Dirichlet process: aₖ = 1 + Nₖ, bₖ = γ + Σⱼ>ₖ Nⱼ
    /// ```
    ///
    /// - Throws: `EMError.degenerateComponent` when a covariance is not positive definite.
    init(
        moments: GaussianMoments, entropy: Double, covarianceType: CovarianceType, prior: Prior, regularization r: Double
    ) throws {
        let k = moments.groupCount
        let d = moments.dimension
        let dd = Double(d)
        let beta0 = prior.meanPrecision
        let counts = moments.weights.map { $0 + 10 * Double.ulpOfOne }
        let total = counts.reduce(0, +)
        let beta = counts.map { beta0 + $0 }
        var means = Matrix(rowCount: k, columnCount: d)
        var deltas = [[Double]](repeating: [], count: k)
        for c in 0..<k {
            deltas[c] = (0..<d).map { moments.means[c * d + $0] - prior.mean[$0] }
            for j in 0..<d { means[c, j] = (beta0 * prior.mean[j] + counts[c] * moments.means[c * d + j]) / beta[c] }
        }
        let (parameters, nu) = covarianceType.structure.variationalUpdate(
            VariationalCovarianceMoments(
                componentCount: k, dimension: d, priorCovariance: prior.covariance, priorDegreesOfFreedom: prior.degreesOfFreedom,
                priorMeanPrecision: beta0, regularization: r, counts: counts, total: total, meanPrecisions: beta, offsets: deltas,
                scatter: { moments.scatterMatrix(group: $0) }, scatterDiagonal: { moments.scatterDiagonal(group: $0) }))
        // The weight distribution and E[log πₖ].
        var first: [Double]
        var rest: [Double] = []
        var expectedLogWeights = [Double](repeating: 0, count: k)
        switch prior.weightPrior {
        case .dirichletDistribution:
            first = counts.map { prior.weightConcentration + $0 }
            let digammaTotal = digamma(first.reduce(0, +))
            for c in 0..<k { expectedLogWeights[c] = digamma(first[c]) - digammaTotal }
        case .dirichletProcess:
            first = counts.map { 1 + $0 }
            rest = Array(repeating: 0, count: k)
            var tail = 0.0
            for c in stride(from: k - 1, through: 0, by: -1) {
                rest[c] = prior.weightConcentration + tail
                tail += counts[c]
            }
            var previous = 0.0
            for c in 0..<k {
                let digammaSum = digamma(first[c] + rest[c])
                expectedLogWeights[c] = digamma(first[c]) - digammaSum + previous
                previous += digamma(rest[c]) - digammaSum
            }
        }
        // E[log πₖ] + ½E[log |Λₖ|] − ½ d log νₖ − ½ d/βₖ: what the E-step adds to log 𝒩(x | mₖ, Σ̂ₖ).
        var logWeights = [Double](repeating: 0, count: k)
        for c in 0..<k {
            var wishartDigamma = dd * _log(2)
            for i in 0..<d { wishartDigamma += digamma((nu[c] - Double(i)) / 2) }
            logWeights[c] = expectedLogWeights[c] + 0.5 * wishartDigamma - 0.5 * dd * _log(nu[c]) - 0.5 * dd / beta[c]
        }
        let largest = logWeights.max() ?? 0
        let normalizer = largest + _log(logWeights.reduce(0) { $0 + _exp($1 - largest) })
        // A weight below the smallest double would be 0; keep it positive (its responsibilities are 0 anyway).
        let proxyWeights = logWeights.map { max(_exp($0 - normalizer), Double.leastNormalMagnitude) }
        let proxyTotal = proxyWeights.reduce(0, +)
        gaussians = try GaussianMixture(
            covarianceType: covarianceType, weights: proxyWeights.map { $0 / proxyTotal }, means: means,
            covarianceParameters: parameters, fitSettings: .init(regularization: 0))
        self.prior = prior
        self.regularization = r
        weightConcentration = first
        weightConcentrationRest = rest
        meanPrecision = beta
        degreesOfFreedom = nu
        logWeightNormalizer = normalizer
        responsibilityEntropy = entropy
    }
}

/// What the variational E-step accumulates: the responsibility-weighted moments and
/// `Σᵢ wᵢ log Σₖ ρᵢₖ`, from which the M-step recovers the responsibilities' entropy.
public struct VariationalGaussianMixtureStatistics: ModelStatistics {
    /// Responsibility-weighted moments, one group per component.
    public internal(set) var moments: GaussianMixtureStatistics
    /// `Σᵢ wᵢ log Σₖ ρᵢₖ` (nats).
    public internal(set) var logNormalizer: Double = 0

    public mutating func merge(_ other: VariationalGaussianMixtureStatistics) {
        moments.merge(other.moments)
        logNormalizer += other.logNormalizer
    }

    public var sampleWeight: Double { moments.sampleWeight }

    public mutating func scale(by factor: Double) {
        moments.scale(by: factor)
        logNormalizer *= factor
    }
}

extension VariationalGaussianMixtureStatistics: PortableStatistics {
    public static var archiveKind: String { "variational-gaussian-mixture" }

    /// Moments of the same shape.
    public func hasShape(of other: VariationalGaussianMixtureStatistics) -> Bool { moments.hasShape(of: other.moments) }

    public func write(to writer: inout StatisticsWriter) {
        moments.write(to: &writer)
        writer.write(logNormalizer)
    }

    public init(from reader: inout StatisticsReader) throws {
        moments = try GaussianMixtureStatistics(from: &reader)
        logNormalizer = try reader.readDouble()
    }
}

extension VariationalGaussianMixture: EMModel {
    public typealias Dataset = RowDataset

    public func emptyStatistics() -> VariationalGaussianMixtureStatistics {
        VariationalGaussianMixtureStatistics(moments: gaussians.emptyStatistics())
    }

    /// The variational E-step on a chunk, through the Gaussian mixture kernels.
    ///
    /// - Returns: a log-likelihood of 0 (variational Bayes has no likelihood of point parameters;
    ///   its objective is `lowerBound`) and the chunk's weight.
    /// - Throws: `EMError.dimensionMismatch`.
    public func accumulate(_ chunk: RowBlock, into statistics: inout VariationalGaussianMixtureStatistics) throws -> ChunkLikelihood {
        let result = try gaussians.accumulate(chunk, into: &statistics.moments)
        statistics.logNormalizer += result.logLikelihood + result.sampleWeight * logWeightNormalizer
        return ChunkLikelihood(logLikelihood: 0, sampleWeight: result.sampleWeight)
    }

    /// The variational M-step. The entropy of the E-step's responsibilities is
    /// `Σᵢ log Σₖ ρᵢₖ − Σₖ Σᵢ rᵢₖ log ρᵢₖ`, and the second sum follows from the moments:
    /// `Σᵢ rᵢₖ log ρᵢₖ = Nₖ(cₖ − ½d log 2π + ½log|Σ̂ₖ⁻¹|) − ½ tr(Σ̂ₖ⁻¹(Wₖ + Nₖ(x̄ₖ − mₖ)(x̄ₖ − mₖ)ᵀ))`.
    ///
    /// - Throws: `EMError.degenerateComponent` when a covariance is not positive definite.
    public func maximized(from statistics: VariationalGaussianMixtureStatistics) throws -> VariationalGaussianMixture {
        let moments = statistics.moments.moments
        let k = componentCount
        let d = dimension
        var expectedLogJoint = 0.0
        for c in 0..<k {
            let n = moments.weights[c]
            guard n > 0 else { continue }
            let logWeight = _log(gaussians.weights[c]) + logWeightNormalizer
            let offset = (0..<d).map { moments.means[c * d + $0] - means[c, $0] }
            let scatter = moments.scatterMatrix(group: c)
            let quadratic = gaussians.traceWithPrecision(component: c, scatter: scatter)
                + n * gaussians.squaredMahalanobis(component: c, offset: offset)
            expectedLogJoint += n * (logWeight - 0.5 * Double(d) * logTwoPi + gaussians.halfLogPrecisionDeterminants[c]) - 0.5 * quadratic
        }
        return try VariationalGaussianMixture(
            moments: moments, entropy: statistics.logNormalizer - expectedLogJoint, covarianceType: covarianceType,
            prior: prior, regularization: regularization)
    }

    /// The objective of variational Bayes: the lower bound (the E-step's log-likelihood is 0).
    public func objective(logLikelihood: Double) -> Double { lowerBound }

    /// The variational lower bound in scikit-learn's form: the entropy of the responsibilities,
    /// minus the log Wishart normalisers (tied: K times the shared one), minus the log Dirichlet
    /// normaliser (Dirichlet process: plus Σₖ log B(aₖ, bₖ)), minus ½d Σₖ log βₖ.
    public var lowerBound: Double {
        let k = componentCount
        let dd = Double(dimension)
        func logWishartNormalizer(_ c: Int) -> Double {
            let nu = degreesOfFreedom[c]
            let halfLogDetW = gaussians.halfLogPrecisionDeterminants[c] - 0.5 * dd * _log(nu)
            var value = nu * halfLogDetW + 0.5 * nu * dd * _log(2)
            for i in 0..<dimension { value += _lgamma((nu - Double(i)) / 2) }
            return -value
        }
        var wishart = 0.0
        if covarianceType.structure.componentStride(dimension: dimension) == nil {
            wishart = Double(k) * logWishartNormalizer(0)
        } else {
            for c in 0..<k { wishart += logWishartNormalizer(c) }
        }
        var weightTerm = 0.0
        switch prior.weightPrior {
        case .dirichletDistribution:
            weightTerm = _lgamma(weightConcentration.reduce(0, +)) - weightConcentration.reduce(0) { $0 + _lgamma($1) }
        case .dirichletProcess:
            for (a, b) in zip(weightConcentration, weightConcentrationRest) {
                weightTerm -= _lgamma(a) + _lgamma(b) - _lgamma(a + b)
            }
        }
        return responsibilityEntropy - wishart - weightTerm - 0.5 * dd * meanPrecision.reduce(0) { $0 + _log($1) }
    }
}
