/// A finite mixture of multivariate Gaussian distributions,
///
/// ```
/// p(x) = Σₖ πₖ 𝒩(x | μₖ, Σₖ),   k = 1 … K,   Σₖ πₖ = 1
/// ```
///
/// fitted by EM (`GaussianMixture.fit`). Each covariance is stored together with the Cholesky
/// factor `Uₖ` of its precision (`Σₖ⁻¹ = Uₖ Uₖᵀ`, `Uₖ` upper triangular) so that the E-step needs
/// no inverse: the squared Mahalanobis distance is `‖(x − μₖ)ᵀ Uₖ‖²` and
/// `½ log det Σₖ⁻¹ = Σᵢ log (Uₖ)ᵢᵢ`.
///
/// ```swift
/// let iris = Datasets.iris
/// let fit = try GaussianMixture.fit(iris.samples, componentCount: 3)
/// let labels = try fit.model.predict(iris.samples)
/// print(fit.logLikelihood, fit.model.weights)
/// ```
public struct GaussianMixture: Sendable {
    /// The structure of the covariances.
    public let covarianceType: CovarianceType
    /// The mixing weights πₖ, `[K]`, positive and summing to 1.
    public private(set) var weights: [Double]
    /// The component means μₖ, `K × d`.
    public private(set) var means: Matrix
    /// The covariance parameters in their compact form: `K·d·d` (full), `d·d` (tied),
    /// `K·d` (diagonal variances) or `K` (spherical variances).
    private(set) var covarianceParameters: [Double]
    /// The precision Cholesky factors in the same compact shapes: upper-triangular `Uₖ`
    /// (full, tied) or `1/σ` (diagonal, spherical).
    private(set) var precisionCholesky: [Double]
    /// `½ log det Σₖ⁻¹` per component, `[K]`.
    private(set) var halfLogPrecisionDeterminants: [Double]
    /// How the model is refitted: regularisation, soft or hard assignment, degeneracy policy.
    public var fitSettings: FitSettings
    /// The conditional factorisations of the missingness patterns met in the last E-step, per
    /// component, prepared by the M-step (see `MissingData/`).
    var conditionals: [MissingPattern: [ConditionalGaussian]] = [:]

    /// The settings an M-step uses.
    public struct FitSettings: Sendable, Equatable {
        /// Added to every covariance diagonal in the M-step, keeping covariances positive
        /// definite. Same units as the data squared. Default 1e-6.
        public var regularization: Double = 1e-6
        /// Soft (EM) or hard (classification EM) assignment in the E-step.
        public var assignment: Assignment = .soft
        /// What the M-step does with a component that empties or collapses.
        public var degeneracyPolicy: DegeneracyPolicy = .fail
        /// A conjugate prior on the parameters: the M-step then returns the posterior mode
        /// (MAP-EM) and the objective includes the log-prior. `nil` (default): maximum likelihood.
        /// `regularization` is still added to the mode: set it to 0 to match mclust.
        public var prior: GaussianMixturePrior? = nil

        /// The default settings.
        public init() {}

        /// Settings with the given values.
        public init(
            regularization: Double = 1e-6, assignment: Assignment = .soft, degeneracyPolicy: DegeneracyPolicy = .fail,
            prior: GaussianMixturePrior? = nil
        ) {
            self.regularization = regularization
            self.assignment = assignment
            self.degeneracyPolicy = degeneracyPolicy
            self.prior = prior
        }
    }

    /// How the E-step assigns samples to components.
    public enum Assignment: String, Sendable, CaseIterable, Codable {
        /// Posterior responsibilities (EM): each sample is shared among components.
        case soft
        /// Each sample goes wholly to its most probable component (classification EM, CEM);
        /// the objective is then the classification log-likelihood `Σᵢ maxₖ log πₖ𝒩(xᵢ|k)`.
        case hard
    }

    /// What happens when a component loses all its weight or its covariance becomes singular.
    public enum DegeneracyPolicy: String, Sendable, CaseIterable, Codable {
        /// The fit stops with `EMError.degenerateComponent`, naming the component and iteration.
        case fail
        /// The component is re-seeded at the worst-fitted sample, with the data's pooled covariance.
        case reseed
    }

    /// The number of components K.
    public var componentCount: Int { weights.count }
    /// The dimension d of the samples.
    public var dimension: Int { means.columnCount }

    /// Creates a mixture from its parameters.
    ///
    /// - Parameters:
    ///   - weights: the K mixing weights; positive, summing to 1 (within 1e-6; they are renormalised).
    ///   - means: the K × d means.
    ///   - covariances: K symmetric positive-definite d × d matrices, shaped as `covarianceType`
    ///     requires (diagonal matrices for `.diagonal`, multiples of the identity for
    ///     `.spherical`, K equal matrices — or a single one — for `.tied`).
    ///   - covarianceType: the covariance structure.
    ///   - fitSettings: used when the model is refitted.
    /// - Throws: `EMError.invalidModel` saying what is wrong.
    public init(
        weights: [Double], means: Matrix, covariances: [Matrix], covarianceType: CovarianceType,
        fitSettings: FitSettings = FitSettings()
    ) throws {
        let k = weights.count
        let d = means.columnCount
        guard k >= 1 else { throw EMError.invalidModel(reason: "a mixture needs at least one component") }
        guard d >= 1 else { throw EMError.invalidModel(reason: "the means have no columns") }
        guard means.rowCount == k else {
            throw EMError.invalidModel(reason: "\(k) weights but \(means.rowCount) means")
        }
        guard means.isFinite else { throw EMError.invalidModel(reason: "a mean is not finite") }
        guard weights.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw EMError.invalidModel(reason: "weights must be positive and finite, got \(weights)")
        }
        let sum = weights.reduce(0, +)
        guard abs(sum - 1) <= 1e-6 else {
            throw EMError.invalidModel(reason: "weights sum to \(sum), not 1")
        }
        let structure = covarianceType.structure
        let expectedCovariances = structure.componentStride(dimension: d) == nil ? [1, k] : [k]
        guard expectedCovariances.contains(covariances.count) else {
            throw EMError.invalidModel(reason: "\(covariances.count) covariance matrices for \(k) components")
        }
        for (index, sigma) in covariances.enumerated() {
            guard sigma.rowCount == d, sigma.columnCount == d else {
                throw EMError.invalidModel(
                    reason: "covariance \(index + 1) is \(sigma.rowCount)×\(sigma.columnCount), expected \(d)×\(d)")
            }
            guard sigma.isFinite else { throw EMError.invalidModel(reason: "covariance \(index + 1) is not finite") }
            guard sigma.asymmetry <= 1e-10 else {
                throw EMError.invalidModel(reason: "covariance \(index + 1) is not symmetric")
            }
        }
        let parameters = try structure.compactParameters(from: covariances, componentCount: k, dimension: d)
        do {
            try self.init(
                covarianceType: covarianceType, weights: weights.map { $0 / sum }, means: means,
                covarianceParameters: parameters, fitSettings: fitSettings)
        } catch EMError.degenerateComponent(let component, _, _) {
            throw EMError.invalidModel(reason: "covariance \(component + 1) is not positive definite")
        }
    }

    /// Creates a mixture from compact covariance parameters, factorising each covariance.
    ///
    /// - Throws: `EMError.degenerateComponent(iteration: 0)` when a covariance is not positive definite.
    init(
        covarianceType: CovarianceType, weights: [Double], means: Matrix, covarianceParameters: [Double],
        fitSettings: FitSettings
    ) throws {
        let k = weights.count
        let d = means.columnCount
        let (factors, halfLogDeterminants) = try covarianceType.structure.factorize(
            covarianceParameters, componentCount: k, dimension: d)
        self.covarianceType = covarianceType
        self.weights = weights
        self.means = means
        self.covarianceParameters = covarianceParameters
        self.precisionCholesky = factors
        self.halfLogPrecisionDeterminants = halfLogDeterminants
        self.fitSettings = fitSettings
    }

    /// The covariance matrix Σₖ of component `k` as a full `d × d` matrix, whatever the type.
    public func covariance(ofComponent k: Int) -> Matrix {
        covarianceType.structure.covariance(component: k, parameters: covarianceParameters, dimension: dimension)
    }

    /// The variances of component `k` (the diagonal of Σₖ), `[d]`, without forming the `d × d`
    /// matrix for diagonal and spherical covariances.
    public func variances(ofComponent k: Int) -> [Double] {
        covarianceType.structure.variances(component: k, parameters: covarianceParameters, dimension: dimension)
    }

    /// Every component's covariance as a full `d × d` matrix, `[K]`.
    public var covariances: [Matrix] { (0..<componentCount).map(covariance(ofComponent:)) }

    /// The number of free parameters: `K − 1` weights, `K·d` means and the covariance parameters.
    public var parameterCount: Int {
        (componentCount - 1) + componentCount * dimension
            + covarianceType.parameterCount(componentCount: componentCount, dimension: dimension)
    }
}

extension GaussianMixture {
    /// The same mixture with its components ordered by descending weight, ties broken by the
    /// first coordinate of the mean (ascending), so equal fits give equal labels.
    public func canonicalized() -> GaussianMixture {
        let k = componentCount
        let order = canonicalComponentOrder(weights: weights, tieKeys: (0..<k).map { means[$0, 0] })
        if order == Array(0..<k) { return self }
        var result = self
        result.conditionals = [:]
        let d = dimension
        result.weights = order.map { weights[$0] }
        result.means = means.rows(at: order)
        result.halfLogPrecisionDeterminants = order.map { halfLogPrecisionDeterminants[$0] }
        guard let stride = covarianceType.structure.componentStride(dimension: d) else { return result }
        result.covarianceParameters = order.flatMap { covarianceParameters[($0 * stride)..<(($0 + 1) * stride)] }
        result.precisionCholesky = order.flatMap { precisionCholesky[($0 * stride)..<(($0 + 1) * stride)] }
        return result
    }
}

extension GaussianMixture: ParameterVectorConvertible {
    /// The weights, the means (row after row) and the compact covariance parameters.
    public var parameterVector: [Double] { weights + means.elements + covarianceParameters }

    public func replacingParameters(with vector: [Double]) -> GaussianMixture? {
        let k = componentCount
        let d = dimension
        guard vector.count == k + k * d + covarianceParameters.count, vector.allSatisfy({ $0.isFinite }) else { return nil }
        let newWeights = Array(vector[0..<k])
        guard newWeights.allSatisfy({ $0 > 0 }) else { return nil }
        let total = newWeights.reduce(0, +)
        return try? GaussianMixture(
            covarianceType: covarianceType, weights: newWeights.map { $0 / total },
            means: Matrix(rowCount: k, columnCount: d, elements: Array(vector[k..<(k + k * d)])),
            covarianceParameters: Array(vector[(k + k * d)...]), fitSettings: fitSettings)
    }
}

extension GaussianMixture {
    /// Components lighter than one sample or than their parameters, and covariances whose
    /// smallest eigenvalue is within 1.5 × of the regularisation floor (none without
    /// regularisation). A tied covariance is reported as component 0's.
    public func degenerateParts(sampleWeight: Double) -> [DegeneratePart] {
        let d = dimension
        let structure = covarianceType.structure
        let shared = structure.componentStride(dimension: d) == nil
        let covariancePerComponent = shared ? 0 : covarianceType.parameterCount(componentCount: 1, dimension: d)
        var parts = DegeneratePart.sparseComponents(
            weights: weights, sampleWeight: sampleWeight, parametersPerComponent: 1 + d + covariancePerComponent)
        let floor = fitSettings.regularization
        guard floor > 0 else { return parts }
        for c in 0..<(shared ? 1 : componentCount) {
            let smallest = structure.smallestEigenvalue(component: c, parameters: covarianceParameters, dimension: d)
            if smallest <= 1.5 * floor { parts.append(.varianceAtFloor(component: c, variance: smallest, floor: floor)) }
        }
        return parts
    }
}
