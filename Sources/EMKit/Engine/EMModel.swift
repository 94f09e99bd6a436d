/// A model that the EM engine can fit.
///
/// A model supplies the two halves of an EM iteration; the engine (`ExpectationMaximization`)
/// owns everything else: the loop, convergence, restarts, seeds, history, threads.
///
/// - E-step: `accumulate(_:into:)` turns a chunk of data into sufficient statistics under the
///   current parameters (for a mixture, responsibility-weighted moments) and returns the chunk's
///   log-likelihood.
/// - M-step: `maximized(from:)` returns the parameters that maximise (or, for generalised EM,
///   merely improve) the expected complete-data log-likelihood given the merged statistics.
///
/// The initial parameters come from a closure handed to the engine, so a model may offer any
/// number of initialisation strategies.
public protocol EMModel: Sendable {
    /// The data this model is fitted to.
    associatedtype Dataset: EMDataset
    /// What an E-step accumulates.
    associatedtype Statistics: SufficientStatistics

    /// Statistics of no data: the identity of `merge`.
    func emptyStatistics() -> Statistics

    /// The E-step on one chunk: adds the chunk's sufficient statistics to `statistics`.
    ///
    /// - Returns: the chunk's log-likelihood under the current parameters (natural log, summed
    ///   over the chunk's samples with their weights) and the chunk's total sample weight.
    /// - Throws: when the chunk holds data the model cannot score.
    func accumulate(_ chunk: Dataset.Chunk, into statistics: inout Statistics) throws -> ChunkLikelihood

    /// The M-step: new parameters from the statistics of all the data.
    ///
    /// - Throws: `EMError.degenerateComponent` when a component cannot be estimated
    ///   (no weight, or a singular covariance).
    func maximized(from statistics: Statistics) throws -> Self

    /// The log-density of the parameters under the model's prior (natural log), 0 without one.
    ///
    /// With a prior the M-step maximises the posterior (MAP-EM), and the engine's objective is
    /// `(log-likelihood + logPrior) / sample weight`, which MAP-EM never lowers.
    func logPrior() -> Double

    /// The objective this model's EM increases, in nats summed over the data, given the E-step's
    /// log-likelihood `Σᵢ wᵢ log p(xᵢ)`: the log-likelihood itself for maximum likelihood,
    /// plus `logPrior()` for MAP-EM, the evidence lower bound for variational Bayes.
    ///
    /// The engine's stopping rule, history and choice among restarts use the objective; the
    /// log-likelihood is reported beside it (`EMResult.logLikelihood`).
    func objective(logLikelihood: Double) -> Double

    /// The parts of this fitted model that the data cannot support (`DegeneratePart`), given
    /// the total sample weight it was fitted to; empty by default. The engine records them for
    /// the kept model in `EMResult.degenerateParts`.
    func degenerateParts(sampleWeight: Double) -> [DegeneratePart]

    /// The same model with its parts in a canonical order (for a mixture: by descending weight),
    /// so equal fits compare equal. The engine calls it once, on the returned model.
    func canonicalized() -> Self
}

extension EMModel {
    /// Models without interchangeable parts are already canonical.
    public func canonicalized() -> Self { self }

    /// Models that do not diagnose themselves report nothing.
    public func degenerateParts(sampleWeight: Double) -> [DegeneratePart] { [] }

    /// Models without a prior have a flat one.
    public func logPrior() -> Double { 0 }

    /// Maximum likelihood and MAP-EM: the log-likelihood plus the log-prior.
    public func objective(logLikelihood: Double) -> Double { logLikelihood + logPrior() }
}

/// The log-likelihood of one chunk of data and the weight of the samples it came from.
public struct ChunkLikelihood: Sendable, Equatable {
    /// `Σᵢ wᵢ log p(xᵢ)` over the chunk, in nats.
    public var logLikelihood: Double
    /// `Σᵢ wᵢ`, the chunk's sample weight (its row count when rows are unweighted).
    public var sampleWeight: Double

    /// Creates a chunk result.
    public init(logLikelihood: Double, sampleWeight: Double) {
        self.logLikelihood = logLikelihood
        self.sampleWeight = sampleWeight
    }
}
