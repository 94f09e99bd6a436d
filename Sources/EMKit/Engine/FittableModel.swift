/// A model with the one fitting entry point every EMKit mixture shares:
///
/// ```swift
/// var options = GaussianMixture.FitOptions(componentCount: 3)     // or StudentTMixture, GammaMixture,
/// options.em.restarts = 5                                          // PoissonMixture, KMeans, …
/// let fit = try GaussianMixture.fit(data, options: options)
/// fit.logLikelihood          // per sample, as everywhere in EMKit
/// ```
///
/// Each model's `FitOptions` holds its own settings (covariance structure, priors, initial
/// degrees of freedom) and the shared EM settings in `em`. Hidden Markov models of every
/// emission family conform too: `HiddenMarkovModel.FitOptions(stateCount:)` (whose
/// `componentCount` is the state count), with the family's settings in `options.emission` and
/// an optional starting model in `options.start`.
public protocol FittableModel: EMModel {
    /// What a fit needs besides the data.
    associatedtype FitOptions: ModelFitOptions

    /// Fits the model to `data` by EM (or the model's variant of it) with `options`.
    ///
    /// - Throws: `EMError` naming the parameter or row at fault.
    static func fit(_ data: Dataset, options: FitOptions) throws -> EMResult<Self>
}

/// What every model's fit options share.
public protocol ModelFitOptions: Sendable {
    /// K, the number of components (clusters for k-means).
    var componentCount: Int { get set }
    /// Tolerance, iterations, restarts, seed, threads, observer.
    var em: EMOptions { get set }
}

extension GaussianMixture: FittableModel {}
extension GaussianMixture.FitOptions: ModelFitOptions {}
extension FiniteMixture: FittableModel {}
extension FiniteMixture.FitOptions: ModelFitOptions {}
extension VariationalGaussianMixture: FittableModel {}
extension VariationalGaussianMixture.FitOptions: ModelFitOptions {}
extension StudentTMixture: FittableModel {}
extension StudentTMixture.FitOptions: ModelFitOptions {}
extension GammaMixture: FittableModel {}
extension GammaMixture.FitOptions: ModelFitOptions {}
extension KMeans: FittableModel {}
extension KMeans.FitOptions: ModelFitOptions {}
extension HiddenMarkovModel: FittableModel {}
extension HiddenMarkovModel.FitOptions: ModelFitOptions {
    /// The number of states (`stateCount`), under the name every model's options share.
    public var componentCount: Int {
        get { stateCount }
        set { stateCount = newValue }
    }
}
