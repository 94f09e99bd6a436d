/// The emission distributions of a hidden Markov model: one distribution per state.
///
/// An emission supplies what Baum–Welch needs from it — log-densities of observations under each
/// state, statistics weighted by the state posteriors, and their M-step; the model owns the start
/// and transition statistics. A new emission family needs nothing else, besides its parameters
/// as a vector (`ParameterVectorConvertible`), which SQUAREM extrapolates.
public protocol HMMEmission: Sendable, ParameterVectorConvertible {
    /// The state-posterior-weighted sufficient statistics, exactly serialisable.
    associatedtype Statistics: StatisticsArchivable

    /// The family's name in model files (`"gaussian"`, `"categorical"`, `"poisson"`).
    static var familyName: String { get }
    /// The number of states S.
    var stateCount: Int { get }
    /// The number of values per observation.
    var dimension: Int { get }
    /// The number of free emission parameters.
    var parameterCount: Int { get }

    /// Statistics of no data.
    func emptyStatistics() -> Statistics
    /// Adds the statistics of other data.
    static func merge(_ statistics: inout Statistics, _ other: Statistics)
    /// Multiplies every sum by `factor` (stepwise EM).
    static func scale(_ statistics: inout Statistics, by factor: Double)

    /// `log b_s(x_t)` for the `count` observations of `rows` (row-major), written row-major
    /// into `logDensities` (`count × S`).
    func logDensities(_ rows: UnsafePointer<Double>, count: Int, into logDensities: UnsafeMutablePointer<Double>)

    /// Adds the observations with their state posteriors `posteriors` (row-major `count × S`).
    func accumulate(
        _ rows: UnsafePointer<Double>, count: Int, posteriors: UnsafePointer<Double>, into statistics: inout Statistics)

    /// The emission parameters from statistics.
    ///
    /// - Throws: `EMError.degenerateComponent` naming the state.
    func maximized(from statistics: Statistics) throws -> Self

    /// One observation from state `state`.
    func sample(state: Int, using generator: inout some RandomNumberGenerator) -> [Double]

    /// Why `row` is not an observation of this family, or `nil` when it is.
    func problem(with row: UnsafePointer<Double>) -> String?

    /// The same emissions, refitted under `prior` (a conjugate prior on Gaussian states; `nil`:
    /// maximum likelihood).
    ///
    /// - Throws: `EMError.invalidParameter` when the family takes no Gaussian prior.
    func withPrior(_ prior: GaussianMixturePrior?) throws -> Self

    /// The same emissions, refitted with `count` added to every expected count (a Dirichlet
    /// prior on categorical probabilities, a Gamma prior on Poisson rates; 0: none).
    ///
    /// - Throws: `EMError.invalidParameter` when the family takes no pseudo-counts, or `count` < 0.
    func withPseudoCount(_ count: Double) throws -> Self

    /// The log-density of the emission parameters under their prior (natural log), 0 without one.
    func logPrior() -> Double

    /// What fitting these emissions needs besides the model's options (a covariance structure,
    /// a symbol count), in `HiddenMarkovModel.FitOptions.emission`.
    associatedtype FitSettings: EmissionFitSettings

    /// Checks `data` for these emissions and returns how each restart draws its initial
    /// emissions (with the restart's seeded generator): what `HiddenMarkovModel.fit(_:options:)`
    /// starts from when no model is given.
    ///
    /// - Throws: `EMError.invalidObservation` for an observation outside the family,
    ///   `EMError.tooManyComponents` for more states than distinct observations,
    ///   `EMError.invalidParameter` for bad settings.
    static func initializer(
        for data: SequenceDataset, options: HiddenMarkovModel<Self>.FitOptions
    ) throws -> (inout SeededGenerator) throws -> Self
}

/// The settings an emission family's fit takes; every one has defaults.
public protocol EmissionFitSettings: Sendable {
    /// The defaults.
    init()
}

/// The settings of an emission family that needs none.
public struct NoEmissionSettings: EmissionFitSettings {
    /// No settings.
    public init() {}
}

extension HMMEmission {
    /// Families without a Gaussian prior accept only `nil`.
    public func withPrior(_ prior: GaussianMixturePrior?) throws -> Self {
        guard prior == nil else {
            throw EMError.invalidParameter(
                name: "prior", value: "a Gaussian prior", expected: "Gaussian or Gaussian-mixture emissions (not \(Self.familyName))")
        }
        return self
    }

    /// Families without pseudo-counts accept only 0.
    public func withPseudoCount(_ count: Double) throws -> Self {
        guard count == 0 else {
            throw EMError.invalidParameter(
                name: "emission pseudo-count", value: "\(count)", expected: "categorical or Poisson emissions (not \(Self.familyName))")
        }
        return self
    }

    /// Families without a prior have a flat one.
    public func logPrior() -> Double { 0 }
}
