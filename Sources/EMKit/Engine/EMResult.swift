/// Why a fit stopped.
public enum StopReason: Sendable, Equatable, CustomStringConvertible {
    /// The stopping rule (`EMOptions.stoppingRule`) held after `iteration` iterations: by default,
    /// the estimated distance of the objective from its limit was within the tolerance.
    case converged(iteration: Int)
    /// `maxIterations` iterations ran without meeting the stopping rule. Never counted as
    /// converged; `EMResult.estimatedGap` says how far the objective may still rise.
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
    /// The model has at least as many free parameters as the data have samples (by weight):
    /// its likelihood can grow without the data saying anything.
    case moreParametersThanSamples(parameters: Int, samples: Int)
    /// K equals the number of distinct rows: each component can sit on one row.
    case componentsMatchDistinctRows(components: Int)

    public var description: String {
        switch self {
        case .logLikelihoodDecreased(let restart, let iteration, let from, let to):
            return "the objective (log-likelihood, log-posterior or lower bound) decreased at iteration \(iteration) of restart \(restart + 1), "
                + "from \(from) to \(to) (by \(from - to)); try a larger regularization or scaling the data"
        case .moreParametersThanSamples(let parameters, let samples):
            return "the model has \(parameters) free parameters for \(samples) samples: fewer components or a "
                + "simpler covariance would be better determined"
        case .componentsMatchDistinctRows(let components):
            return "the data have only \(components) distinct rows, one per component: each component can collapse onto one"
        }
    }
}

/// The outcome of one restart.
public struct RestartSummary: Sendable, Equatable {
    /// The restart, from 0.
    public var restart: Int
    /// Its final objective per unit of sample weight (`EMResult.objective`).
    public var objective: Double
    /// Why it stopped.
    public var stopReason: StopReason
    /// The iterations it ran.
    public var iterations: Int
    /// Its estimated remaining rise of the objective per sample (`EMResult.estimatedGap`).
    public var estimatedGap: Double
}

/// The result of fitting a model by EM.
public struct EMResult<Model: EMModel>: Sendable {
    /// The fitted model of the best restart, in canonical order.
    public var model: Model
    /// The objective EM increased (`EMModel.objective(logLikelihood:)`) per unit of sample
    /// weight, at `model`: the mean log-likelihood for maximum likelihood, the mean
    /// log-posterior `(log-likelihood + log-prior) / sampleWeight` for MAP-EM, the evidence lower
    /// bound per sample for variational Bayes. `history.last == objective`.
    public var objective: Double
    /// The mean log-likelihood per sample of `model` on the data (nats), weighted by the sample
    /// weights when there are any, without any prior. For variational Bayes, whose E-step has no
    /// likelihood of point parameters, it is 0: read `objective`, the lower bound.
    public var logLikelihood: Double
    /// The total sample weight (the number of samples when unweighted).
    public var sampleWeight: Double
    /// Why the best restart stopped.
    public var stopReason: StopReason
    /// The number of iterations the best restart ran (for plain EM, M-steps; for SQUAREM, cycles
    /// and the plain EM steps that confirmed convergence; for stepwise EM, epochs).
    public var iterations: Int
    /// Aitken's estimate of how much the objective per sample may still rise from `model`
    /// (`StoppingRule.estimatedGap(history:monotone:)`), in nats per sample; 0 when the objective
    /// has stopped moving beyond rounding, `.infinity` when the history cannot tell (too short,
    /// or increments not yet shrinking).
    public var estimatedGap: Double
    /// The objective per sample of the best restart's parameters after 0, 1, 2, … iterations;
    /// `history.last == objective`.
    public var history: [Double]
    /// Which restart was kept (from 0).
    public var bestRestart: Int
    /// Every restart's outcome.
    public var restarts: [RestartSummary]
    /// Problems noticed along the way.
    public var warnings: [EMWarning]
    /// The parts of `model` that the data cannot support (a variance at the regularisation
    /// floor, a component lighter than one sample or than its parameters): the optimum reached
    /// is degenerate. Empty for a sound fit.
    public var degenerateParts: [DegeneratePart] = []
    /// The tolerance of the stopping rule the fit ran with (`EMOptions.tolerance`).
    public var tolerance: Double = EMOptions.defaultTolerance
    /// The stopping rule the fit ran with (`EMOptions.stoppingRule`).
    public var stoppingRule: StoppingRule = .estimatedGap
    /// The full E-steps run over all restarts: the real cost of a fit (plain EM: one per
    /// iteration and restart, plus one; SQUAREM: up to four per cycle).
    public var expectationSteps: Int? = nil

    /// Whether the best restart met its tolerance.
    public var converged: Bool { stopReason.isConverged }
}
