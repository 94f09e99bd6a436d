/// Why a fit stopped.
public enum StopReason: Sendable, Equatable, CustomStringConvertible {
    /// The change of the mean log-likelihood fell below the tolerance after `iteration` M-steps.
    case converged(iteration: Int)
    /// `maxIterations` M-steps ran without meeting the tolerance. Never counted as converged.
    case reachedIterationLimit
    /// Component `component` degenerated in the M-step of iteration `iteration` (1-based);
    /// the model holds the last valid parameters.
    case degenerateComponent(component: Int, iteration: Int)

    /// Whether the fit met its tolerance.
    public var isConverged: Bool {
        if case .converged = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .converged(let iteration): return "converged after \(iteration) iterations"
        case .reachedIterationLimit: return "reached the iteration limit without converging"
        case .degenerateComponent(let component, let iteration):
            return "stopped: component \(component) degenerated at iteration \(iteration)"
        }
    }
}

/// Something that went wrong without stopping the fit.
public enum EMWarning: Sendable, Equatable, CustomStringConvertible {
    /// The log-likelihood fell from one iteration to the next, which exact EM never does:
    /// a sign of rounding trouble, a too-small regularisation, or a model whose M-step is wrong.
    case logLikelihoodDecreased(restart: Int, iteration: Int, from: Double, to: Double)

    public var description: String {
        switch self {
        case .logLikelihoodDecreased(let restart, let iteration, let from, let to):
            return "the log-likelihood decreased at iteration \(iteration) of restart \(restart + 1), "
                + "from \(from) to \(to) (by \(from - to)); try a larger regularization or scaling the data"
        }
    }
}

/// The outcome of one restart.
public struct RestartSummary: Sendable, Equatable {
    /// The restart, from 0.
    public var restart: Int
    /// Its final mean log-likelihood per sample.
    public var logLikelihood: Double
    /// Why it stopped.
    public var stopReason: StopReason
    /// The M-steps it ran.
    public var iterations: Int
}

/// The result of fitting a model by EM.
public struct EMResult<Model: EMModel>: Sendable {
    /// The fitted model of the best restart, in canonical order.
    public var model: Model
    /// The mean log-likelihood per sample of `model` on the data (nats), weighted by the sample
    /// weights when there are any. For a model with a prior (`EMModel.logPrior()`), the log-prior
    /// divided by the sample weight is included: the objective MAP-EM maximises.
    public var logLikelihood: Double
    /// The total sample weight (the number of samples when unweighted).
    public var sampleWeight: Double
    /// Why the best restart stopped.
    public var stopReason: StopReason
    /// The number of M-steps the best restart ran.
    public var iterations: Int
    /// The mean log-likelihood of the best restart's parameters after 0, 1, 2, … M-steps;
    /// `history.last == logLikelihood`.
    public var history: [Double]
    /// Which restart was kept (from 0).
    public var bestRestart: Int
    /// Every restart's outcome.
    public var restarts: [RestartSummary]
    /// Problems noticed along the way.
    public var warnings: [EMWarning]
    /// The E-steps run over all restarts, when the scheme counts them apart from the iterations
    /// (SQUAREM: up to four per cycle); `nil` for plain EM, where each iteration is one E-step.
    public var expectationSteps: Int? = nil

    /// Whether the best restart met its tolerance.
    public var converged: Bool { stopReason.isConverged }
}
