/// One structure of the covariance matrices of a Gaussian mixture (full, diagonal, spherical,
/// tied, …): how its parameters are stored, checked, factorised and read, and its M-step under
/// maximum likelihood, a conjugate prior (MAP) and variational Bayes.
///
/// Each structure is one file in this folder and one case of `CovarianceType`; the mixture, its
/// E-step kernels, HMM emissions, model files and the variational mixture read covariances only
/// through this protocol.
///
/// **Compact parameters.** A mixture stores its covariances as one flat array, in the
/// structure's own layout (`K·d·d` for full, `d·d` for tied, `K·d` variances for diagonal, `K`
/// for spherical), and their precision Cholesky factors in the layout `factorLayout` names.
protocol CovarianceStructure {
    /// The case of `CovarianceType` this implements.
    static var type: CovarianceType { get }

    /// The number of free covariance parameters for `k` components in `d` dimensions.
    static func freeParameterCount(componentCount k: Int, dimension d: Int) -> Int

    /// What part of the responsibility-weighted scatter the M-step reads.
    static var scatterShape: GaussianMoments.ScatterShape { get }

    /// How the precision factors are laid out for the E-step's kernels.
    static var factorLayout: PrecisionFactorLayout { get }

    /// The numbers one component's covariance takes in the compact parameters, or `nil` when
    /// every component shares one covariance.
    static func componentStride(dimension d: Int) -> Int?

    /// How many `d × d` matrices per component (or in all, when shared) a fit holds at once:
    /// what the memory check multiplies by `d²`. 0 when the structure needs none.
    static func squareMatricesHeld(componentCount k: Int) -> Int

    /// The compact parameters of `covariances` (full `d × d` matrices, `k` of them, or one when
    /// shared).
    ///
    /// - Throws: `EMError.invalidModel` when a matrix does not have the structure.
    static func compactParameters(from covariances: [Matrix], componentCount k: Int, dimension d: Int) throws -> [Double]

    /// The precision factors and `½ log det Σₖ⁻¹` per component (`[K]`).
    ///
    /// - Throws: `EMError.degenerateComponent(iteration: 0)` naming the first covariance that is
    ///   not positive definite.
    static func factorize(_ parameters: [Double], componentCount k: Int, dimension d: Int) throws
        -> (factors: [Double], halfLogDeterminants: [Double])

    /// Component `c`'s covariance as a full `d × d` matrix.
    static func covariance(component c: Int, parameters: [Double], dimension d: Int) -> Matrix

    /// Component `c`'s variances (the diagonal of Σₖ), `[d]`.
    static func variances(component c: Int, parameters: [Double], dimension d: Int) -> [Double]

    /// The smallest eigenvalue of component `c`'s covariance.
    static func smallestEigenvalue(component c: Int, parameters: [Double], dimension d: Int) -> Double

    /// Component `c`'s precision factor as a full upper-triangular `d × d` matrix `U`
    /// (row-major, `Σ⁻¹ = U Uᵀ`).
    static func precisionFactor(component c: Int, factors: [Double], dimension d: Int) -> [Double]

    /// The maximum-likelihood compact parameters (with the ridge added).
    static func maximumLikelihood(_ moments: CovarianceMoments) -> [Double]

    /// Component `c`'s maximum-likelihood parameters alone (`componentStride` numbers), for
    /// re-seeding one component; `nil` when the covariance is shared.
    static func maximumLikelihood(component c: Int, _ moments: CovarianceMoments) -> [Double]?

    /// The posterior-mode compact parameters under a conjugate (normal–inverse-Wishart) prior.
    static func posteriorMode(_ moments: ConjugateCovarianceMoments) -> [Double]

    /// The log-density of one covariance under the structure's conjugate prior with scale `Λ`
    /// and `ν` degrees of freedom, from `½ log det Σ⁻¹` and `½ tr(Σ⁻¹Λ)` (with every constant).
    static func logPriorDensity(halfLogPrecision: Double, halfTrace: Double, scale: Matrix, degreesOfFreedom nu: Double) -> Double

    /// Variational Bayes' expected-precision parameters (the compact parameters of the proxy
    /// covariances `Ψₖ/νₖ`) and the Wishart degrees of freedom νₖ, `[K]`.
    static func variationalUpdate(_ moments: VariationalCovarianceMoments) -> (parameters: [Double], degreesOfFreedom: [Double])
}

extension CovarianceStructure {
    static func maximumLikelihood(_ moments: CovarianceMoments) -> [Double] {
        (0..<moments.componentCount).flatMap { maximumLikelihood(component: $0, moments) ?? [] }
    }
}

/// How precision factors are laid out in memory, which selects the E-step's kernel.
enum PrecisionFactorLayout: Equatable {
    /// Upper-triangular `d × d` factors, one per component or one shared.
    case triangular(shared: Bool)
    /// Diagonal factors `1/σ`: `d` per component, or one per component for every coordinate.
    case diagonal(perCoordinate: Bool)
}

/// What a maximum-likelihood covariance M-step reads.
struct CovarianceMoments {
    /// K.
    var componentCount: Int
    /// d.
    var dimension: Int
    /// The ridge λ added to every variance.
    var regularization: Double
    /// Σₖ nₖ, the total responsibility.
    var total: Double
    /// Component c's scatter Wₖ as a full `d × d` matrix (full-scatter structures).
    var scatter: (Int) -> [Double]
    /// Component c's covariance estimate Wₖ/nₖ, `d × d`, without the ridge (a re-seeded
    /// component's is the pooled covariance).
    var covariance: (Int) -> [Double]
    /// Component c's variances diag(Wₖ)/nₖ + λ, `[d]` (re-seeded: the pooled ones).
    var regularizedVariances: (Int) -> [Double]
}

/// What a MAP covariance M-step reads: the prior's scale Λ and degrees of freedom ν, and per
/// component its count nₖ, scatter Wₖ, and the shrunk offset of its mean from the prior's.
struct ConjugateCovarianceMoments {
    /// K.
    var componentCount: Int
    /// d.
    var dimension: Int
    /// Λ, `d × d`.
    var scale: Matrix
    /// ν.
    var degreesOfFreedom: Double
    /// The ridge λ added to every variance of the mode.
    var regularization: Double
    /// nₖ, `[K]`.
    var counts: [Double]
    /// Σₖ nₖ.
    var total: Double
    /// Wₖ as a full `d × d` matrix.
    var scatter: (Int) -> [Double]
    /// κnₖ/(κ + nₖ), `[K]`.
    var shrinkage: [Double]
    /// x̄ₖ − μ_P, `[K][d]`.
    var offsets: [[Double]]
}

/// What variational Bayes' covariance update reads (scikit-learn's `BayesianGaussianMixture`
/// equations): the prior's Ψ₀, ν₀ and β₀, and per component its count, βₖ, scatter and offset.
struct VariationalCovarianceMoments {
    /// K.
    var componentCount: Int
    /// d.
    var dimension: Int
    /// Ψ₀, `d × d`.
    var priorCovariance: Matrix
    /// ν₀.
    var priorDegreesOfFreedom: Double
    /// β₀.
    var priorMeanPrecision: Double
    /// The ridge r (per unit count).
    var regularization: Double
    /// Nₖ, `[K]`.
    var counts: [Double]
    /// Σₖ Nₖ.
    var total: Double
    /// βₖ = β₀ + Nₖ, `[K]`.
    var meanPrecisions: [Double]
    /// x̄ₖ − m₀, `[K][d]`.
    var offsets: [[Double]]
    /// Component c's scatter, `d × d` (full-scatter structures).
    var scatter: (Int) -> [Double]
    /// Component c's scatter diagonal, `[d]`.
    var scatterDiagonal: (Int) -> [Double]
}
