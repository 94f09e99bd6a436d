/// A model together with what one full E-step under it measured.
public struct EMEvaluation<Model: EMModel>: Sendable {
    /// The parameters.
    public var model: Model
    /// The merged sufficient statistics of all the data under `model`: what its M-step reads.
    public var statistics: Model.Statistics
    /// `Σᵢ wᵢ log p(xᵢ | model)`, in nats.
    public var logLikelihood: Double
    /// The objective EM increases (`EMModel.objective(logLikelihood:)`), in nats summed over the data.
    public var objective: Double
    /// `Σᵢ wᵢ`, the total sample weight.
    public var sampleWeight: Double
}

/// What a step policy may use during one iteration: full E-steps (counted), E-steps over some
/// chunks, and the restart's random generator.
public struct EMStepContext<Model: EMModel> {
    /// The data being fitted.
    public let data: Model.Dataset
    /// The E-step's thread count.
    public let threadCount: Int
    /// The restart's generator, for policies that draw (stepwise EM's batch order).
    public var generator: SeededGenerator
    /// Full E-steps run so far in this restart.
    public internal(set) var expectationSteps = 0

    init(data: Model.Dataset, threadCount: Int, generator: SeededGenerator) {
        self.data = data
        self.threadCount = threadCount
        self.generator = generator
    }

    /// One full E-step of `model`: its statistics, log-likelihood and objective.
    ///
    /// - Throws: `EMError.noSamples` when the data weigh nothing; `EMError.nonFiniteResult` when
    ///   the objective is NaN or +∞; whatever the model's E-step throws.
    public mutating func evaluate(_ model: Model) throws -> EMEvaluation<Model> {
        expectationSteps += 1
        let (statistics, likelihood) = try ChunkedExpectation.run(model, on: data, threadCount: threadCount)
        guard likelihood.sampleWeight > 0 else { throw EMError.noSamples }
        let objective = model.objective(logLikelihood: likelihood.logLikelihood)
        guard !objective.isNaN, objective < .infinity, !likelihood.logLikelihood.isNaN else {
            throw EMError.nonFiniteResult(iteration: expectationSteps - 1)
        }
        return EMEvaluation(
            model: model, statistics: statistics, logLikelihood: likelihood.logLikelihood, objective: objective,
            sampleWeight: likelihood.sampleWeight)
    }

    /// The E-step over the chunks `chunks` only, merged in that order (for mini-batch schemes).
    public func expectation(_ model: Model, chunks: [Int]) throws -> (statistics: Model.Statistics, likelihood: ChunkLikelihood) {
        try ChunkedExpectation.run(model, on: data, chunks: chunks, threadCount: threadCount)
    }
}

/// How one EM iteration moves from the current parameters to the next: plain EM, SQUAREM,
/// stepwise EM. The engine's one loop (`ExpectationMaximization.fit(_:options:policy:initialModel:)`)
/// runs a policy and owns everything else: the history, the stopping rule, NaN and decrease
/// checks, stop reasons and restarts.
///
/// A policy is a value: the engine copies it afresh for every restart, so state it keeps between
/// iterations (stepwise EM's running statistics) starts anew each time.
public protocol EMStepPolicy: Sendable {
    /// The model it steps.
    associatedtype Model: EMModel

    /// Whether each iteration is promised not to lower the objective. The engine warns when a
    /// monotone policy's objective falls, and measures a non-monotone one's convergence on the
    /// sizes of its changes.
    var isMonotone: Bool { get }

    /// Whether the engine should confirm convergence with plain EM steps before it believes the
    /// estimated gap: true for schemes whose per-iteration progress is not EM's linear rate
    /// (SQUAREM's extrapolations), where Aitken's estimate from their own history is unreliable.
    var confirmsWithPlainSteps: Bool { get }

    /// One iteration from `current` (whose E-step has run): returns the next parameters with
    /// their full E-step, which the policy runs through `context.evaluate(_:)`.
    ///
    /// - Throws: `EMError.degenerateComponent` from an M-step (the engine then stops with the
    ///   last valid model); anything else ends the fit.
    mutating func step(from current: EMEvaluation<Model>, context: inout EMStepContext<Model>) throws -> EMEvaluation<Model>
}

extension EMStepPolicy {
    /// Policies whose iterations are EM's own need no confirmation.
    public var confirmsWithPlainSteps: Bool { false }
}

/// Plain EM: one M-step, then the E-step of the new parameters.
public struct PlainEMStep<Model: EMModel>: EMStepPolicy {
    /// The policy.
    public init() {}

    public var isMonotone: Bool { true }

    public mutating func step(from current: EMEvaluation<Model>, context: inout EMStepContext<Model>) throws -> EMEvaluation<Model> {
        try context.evaluate(try current.model.maximized(from: current.statistics))
    }
}
